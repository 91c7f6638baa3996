#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { JobManagerClient } from './job-manager-client';

const USAGE = `Usage: hfss-job-manager <command> [options]

  serve                       start the service (settings from HFSS_JM_* variables)
  submit <config.json> [--wait]
                              submit one config (or a JSON array of configs), also as saved from PyEDB
                              (model_dump(), to_dict() or {"config", "priority"}); relative project paths are resolved here
  status [job_id]             one job, or the queue and the latest jobs
  cancel <job_id>             cancel a queued or running job
  wait <job_id>... [--timeout S]
                              wait for jobs to finish, showing their progress; exit 1 if any did not complete

Options: --url URL (default $HFSS_JM_URL or http://127.0.0.1:8080), --timeout seconds (default 3600)`;

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

function line(job: Record<string, any>): string {
  const progress = job.progress === null || job.progress === undefined ? '' : ` ${Math.round(job.progress)}%`;
  const exit = job.exit_code === null || job.exit_code === undefined ? '' : ` exit=${job.exit_code}`;
  return `${job.job_id.padEnd(28)} ${String(job.status).padEnd(10)}${progress}${exit}${job.error ? `  ${job.error}` : ''}`;
}

async function waitFor(client: JobManagerClient, ids: string[], timeoutS: number): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  const last = new Map<string, string>();
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => client.call('GET', `/jobs/${encodeURIComponent(id)}`)));
    for (const job of jobs) {
      const text = line(job);
      if (last.get(job.job_id) !== text) {
        process.stdout.write(`${text}\n`);
        last.set(job.job_id, text);
      }
    }
    if (jobs.every((job) => TERMINAL.has(job.status))) {
      return jobs.every((job) => job.status === 'completed');
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutS} s waiting for ${ids.join(', ')}`);
    }
    await sleep(1000);
  }
}

/** Resolves a relative project_path here, in a config or in PyEDB's `{"config": …, "priority": n}` wrapper. */
function withAbsoluteProjectPath(body: Record<string, unknown>): Record<string, unknown> {
  const wrapped = typeof body.config === 'object' && body.config !== null && !('project_path' in body);
  const config = (wrapped ? body.config : body) as Record<string, unknown>;
  const resolved = typeof config.project_path === 'string' ? { ...config, project_path: resolve(config.project_path) } : config;
  return wrapped ? { ...body, config: resolved } : resolved;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, wait: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const client = new JobManagerClient(values.url ?? process.env.HFSS_JM_URL ?? 'http://127.0.0.1:8080');
  const timeout = Number(values.timeout ?? 3600);
  switch (command) {
    case 'serve':
      require('../main');
      return -1;
    case 'submit': {
      if (!rest[0]) throw new Error('submit needs a config file');
      const parsed = JSON.parse(readFileSync(rest[0], 'utf8')) as unknown;
      const configs = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, unknown>>;
      const ids: string[] = [];
      for (const config of configs) {
        const answer = await client.call('POST', '/jobs/submit', withAbsoluteProjectPath(config));
        process.stdout.write(`${answer.duplicate ? 'exists   ' : 'submitted'} ${line(answer.job)}\n`);
        ids.push(answer.job_id);
      }
      return values.wait ? ((await waitFor(client, ids, timeout)) ? 0 : 1) : 0;
    }
    case 'status': {
      if (rest[0]) {
        process.stdout.write(`${line(await client.call('GET', `/jobs/${encodeURIComponent(rest[0])}`))}\n`);
        return 0;
      }
      const queue = await client.call('GET', '/queue');
      process.stdout.write(`queued ${queue.queued}  running ${queue.running}/${queue.max_concurrent_jobs}  scheduled ${queue.scheduled}${queue.blocked_reasons.length ? `  waiting: ${queue.blocked_reasons.join('; ')}` : ''}\n`);
      const jobs = await client.call<{ items: Array<Record<string, any>> }>('GET', '/jobs?limit=20');
      jobs.items.forEach((job) => process.stdout.write(`${line(job)}\n`));
      return 0;
    }
    case 'cancel': {
      if (!rest[0]) throw new Error('cancel needs a job id');
      process.stdout.write(`${line((await client.call('POST', `/jobs/${encodeURIComponent(rest[0])}/cancel`)).job)}\n`);
      return 0;
    }
    case 'wait':
      if (rest.length === 0) throw new Error('wait needs at least one job id');
      return (await waitFor(client, rest, timeout)) ? 0 : 1;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hfss-job-manager: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
