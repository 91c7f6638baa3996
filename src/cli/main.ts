#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, ExitCode, usageError } from './exit-codes';
import { download, filesTable, listFiles } from './file-commands';
import { JOB_HEADERS, jobLine, jobRow, JobView } from './job-line';
import { Json, JobManagerClient } from './job-manager-client';
import { printLog } from './log-commands';
import { submitBatch, submitOne } from './submit-configs';
import { table } from './table';
import { uploadProject } from './upload-project';
import { USAGE } from './usage';
import { waitForJobs } from './wait-for-jobs';

const out = (text: string): boolean => process.stdout.write(text);
const printJson = (value: unknown): boolean => out(`${JSON.stringify(value, null, 2)}\n`);

/** Resolves a relative project_path here, in a config or in PyEDB's `{"config": …, "priority": n}` wrapper. */
function withAbsoluteProjectPath(body: Json): Json {
  const wrapped = typeof body.config === 'object' && body.config !== null && !('project_path' in body);
  const config = (wrapped ? body.config : body) as Json;
  const resolved = typeof config.project_path === 'string' ? { ...config, project_path: resolve(config.project_path) } : config;
  return wrapped ? { ...body, config: resolved } : resolved;
}

/** Names an uploaded project instead of a path, in a config or in PyEDB's wrapper. */
function withProjectRef(body: Json, projectRef: string): Json {
  const wrapped = typeof body.config === 'object' && body.config !== null && !('project_path' in body);
  const { project_path: _path, ...config } = (wrapped ? body.config : body) as Json;
  return wrapped ? { ...body, config: { ...config, project_ref: projectRef } } : { ...config, project_ref: projectRef };
}

/** The configs of a file; `several` when it holds a JSON array (submitted with POST /jobs/submit-batch). */
function readConfigs(file: string): { configs: Json[]; several: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return Array.isArray(parsed) ? { configs: parsed as Json[], several: true } : { configs: [parsed as Json], several: false };
}

const positiveInt = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError(`--${name} must be a whole number (got "${value}")`);
  return n;
};

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  upload: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  tail: { type: 'string' },
  source: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out(`${USAGE}\n`);
    return command || values.help ? ExitCode.OK : ExitCode.USAGE;
  }
  const client = new JobManagerClient(values.url ?? process.env.HFSS_JM_URL ?? 'http://127.0.0.1:8080', values.token ?? process.env.HFSS_JM_API_TOKEN);
  const timeout = positiveInt('timeout', values.timeout) ?? 3600;
  const json = values.json === true;
  const jobPath = (id: string | undefined, what: string): string => {
    if (!id) throw usageError(`${command} needs a job id${what}`);
    return `/jobs/${encodeURIComponent(id)}`;
  };
  // Progress goes to stderr under --json, so that stdout stays one JSON document.
  const progress = (text: string): boolean => (json ? process.stderr.write(text) : out(text));
  switch (command) {
    case 'serve':
      await import('../main.js');
      return -1;
    case 'submit': {
      if (!rest[0] && !values.upload) throw usageError('submit needs a config file (or --upload <project>)');
      const read = rest[0] ? readConfigs(rest[0]) : { configs: [{}], several: false };
      let configs = read.configs;
      if (values.upload) {
        if (configs.length !== 1) throw usageError('submit --upload takes one config, not an array');
        const project = await uploadProject(client, values.upload);
        progress(`uploaded  ${project.file_name} as ${project.project_id} (${project.size} bytes, sha256 ${project.sha256})\n`);
        configs = [withProjectRef(configs[0], project.project_id)];
      }
      const bodies = configs.map((config) => (values.upload ? config : withAbsoluteProjectPath(config)));
      const batch = read.several;
      const { ids, answers, refused } = batch ? await submitBatch(client, bodies, json) : await submitOne(client, bodies[0], json);
      if (json) printJson(batch ? { results: answers } : answers);
      const allEnded = values.wait && ids.length > 0 ? await waitForJobs(client, ids, timeout, progress) : true;
      if (refused > 0) {
        process.stderr.write(`hfss-job-manager: ${refused} of ${bodies.length} configs were refused; the others were submitted\n`);
        return ExitCode.REFUSED;
      }
      return allEnded ? ExitCode.OK : ExitCode.JOB_FAILED;
    }
    case 'status': {
      if (rest[0]) {
        const job = await client.call<JobView>('GET', jobPath(rest[0], ''));
        if (json) printJson(job);
        else out(`${jobLine(job)}\n`);
        return ExitCode.OK;
      }
      const queue = await client.call<{ queued: number; running: number; max_concurrent_jobs: number; scheduled: number; blocked_reasons: string[] }>(
        'GET',
        '/queue',
      );
      const jobs = await client.call<{ items: JobView[]; total: number }>('GET', '/jobs?limit=20');
      if (json) {
        printJson({ queue, jobs });
        return ExitCode.OK;
      }
      out(
        `queued ${queue.queued}  running ${queue.running}/${queue.max_concurrent_jobs}  scheduled ${queue.scheduled}${queue.blocked_reasons.length ? `  waiting: ${queue.blocked_reasons.join('; ')}` : ''}\n`,
      );
      out(table(JOB_HEADERS, jobs.items.map(jobRow)));
      return ExitCode.OK;
    }
    case 'list': {
      const query = new URLSearchParams({ limit: String(positiveInt('limit', values.limit) ?? 50), offset: String(positiveInt('offset', values.offset) ?? 0) });
      if (values.status) query.set('status', values.status);
      const jobs = await client.call<{ items: JobView[]; total: number; offset: number }>('GET', `/jobs?${query.toString()}`);
      if (json) printJson(jobs);
      else out(`${table(JOB_HEADERS, jobs.items.map(jobRow))}${jobs.items.length} of ${jobs.total} jobs (from ${jobs.offset})\n`);
      return ExitCode.OK;
    }
    case 'cancel':
    case 'retry': {
      const answer = await client.call<{ job: JobView }>('POST', `${jobPath(rest[0], '')}/${command}`);
      if (json) printJson(answer);
      else out(`${jobLine(answer.job)}\n`);
      return ExitCode.OK;
    }
    case 'wait':
      if (rest.length === 0) throw usageError('wait needs at least one job id');
      return (await waitForJobs(client, rest, timeout, progress)) ? ExitCode.OK : ExitCode.JOB_FAILED;
    case 'logs': {
      jobPath(rest[0], '');
      const tail = positiveInt('tail', values.tail);
      const status = await printLog(client, rest[0], { follow: values.follow === true, tail, source: values.source, timeoutS: timeout }, (chunk) =>
        process.stdout.write(chunk),
      );
      return values.follow && status !== 'completed' ? ExitCode.JOB_FAILED : ExitCode.OK;
    }
    case 'files': {
      jobPath(rest[0], '');
      const files = await listFiles(client, rest[0]);
      if (json) printJson(files);
      else out(`${filesTable(files.items)}${files.truncated ? '(listing truncated)\n' : ''}`);
      return ExitCode.OK;
    }
    case 'download': {
      jobPath(rest[0], '');
      const target = await download(client, rest[0], rest[1], values.output);
      if (target !== '-') process.stderr.write(`wrote ${target}\n`);
      return ExitCode.OK;
    }
    default:
      throw usageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hfss-job-manager: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : ExitCode.REFUSED;
  },
);
