import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readRunRecords } from './http';
import { startServiceProcess } from './service-process';
import { writeProject } from './test-app';

export interface CrashHarnessOptions {
  dataDir: string;
  projects: string;
  /** SIGKILLs of the service (each followed by a restart on the same data dir). */
  injections: number;
  localJobs: number;
  /** SLURM jobs (0 when no cluster is available). */
  slurmJobs: number;
  /** The kill comes at a uniformly random moment in [min, max] ms after the service answered /health. */
  killAfterMs: [number, number];
  /** Deterministic randomness: the same seed gives the same kill schedule and job mix. */
  seed: number;
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface CrashHarnessReport {
  injections: number;
  submitted: number;
  submitRequests: number;
  submitRequestsLost: number;
  duplicateAnswers: number;
  /** Re-submissions of an acknowledged job that did not come back as duplicates (must be 0). */
  badDuplicateAnswers: string[];
  byStatus: Record<string, number>;
  /** Jobs that entered a terminal state more than once in the append-only event log (must be 0). */
  multipleTerminalStates: string[];
  /** Jobs whose solver started more than once, from the fake solver's own start records (must be 0). */
  solvesStartedTwice: string[];
  /** Submitted jobs the store does not know (must be 0). */
  lost: string[];
  /** Jobs not terminal when the harness gave up waiting (must be 0). */
  notFinished: string[];
  /** Completed jobs whose solver start was never recorded (must be 0). */
  completedWithoutStart: string[];
  elapsedMs: number;
}

/** mulberry32: small, seedable, good enough to pick kill moments. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

/**
 * Runs the built service as a real process, submits a mixed batch of local fake solves and SLURM jobs while
 * killing the service with SIGKILL at random moments and restarting it on the same data dir, like a client that
 * retries every submission whose answer it did not get. Then lets everything finish and checks that every job
 * reached exactly one terminal state, no solve ran twice and none was lost.
 */
export async function runCrashHarness(options: CrashHarnessOptions): Promise<CrashHarnessReport> {
  const started = Date.now();
  const next = random(options.seed);
  const log = options.log ?? (() => undefined);
  const jobs = [
    ...Array.from({ length: options.localJobs }, (_, i) => ({ jobid: `crash_local_${i}`, scheduler: 'none' })),
    ...Array.from({ length: options.slurmJobs }, (_, i) => ({ jobid: `crash_slurm_${i}`, scheduler: 'slurm' })),
  ].map((job) => ({
    ...job,
    body: JSON.stringify({
      jobid: job.jobid,
      project_path: writeProject(options.projects, `${job.jobid}.aedt`, { duration_ms: 150 + Math.floor(next() * 1200), progress_steps: 3 }),
      scheduler_type: job.scheduler,
      ...(job.scheduler === 'slurm' ? { scheduler_options: { time: '00:10:00' } } : {}),
    }),
  }));
  const acknowledged = new Set<string>();
  const report: CrashHarnessReport = {
    injections: 0,
    submitted: jobs.length,
    submitRequests: 0,
    submitRequestsLost: 0,
    duplicateAnswers: 0,
    badDuplicateAnswers: [],
    byStatus: {},
    multipleTerminalStates: [],
    solvesStartedTwice: [],
    lost: [],
    notFinished: [],
    completedWithoutStart: [],
    elapsedMs: 0,
  };
  const env = { HFSS_JM_MAX_CONCURRENT_JOBS: '4', HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '500', HFSS_JM_LOG_LEVEL: 'warn', ...options.env };

  /** Submits a slice of the jobs not yet acknowledged; requests cut short by the kill are retried next round. */
  const submitSome = (url: string, count: number): Promise<void>[] =>
    jobs
      .filter((job) => !acknowledged.has(job.jobid))
      .slice(0, count)
      .map(async (job) => {
        report.submitRequests += 1;
        try {
          const response = await fetch(`${url}/jobs/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: job.body });
          const answer = (await response.json()) as { duplicate?: boolean };
          if (response.status === 200 && answer.duplicate) report.duplicateAnswers += 1;
          if (response.status === 200 || response.status === 201) acknowledged.add(job.jobid);
        } catch {
          report.submitRequestsLost += 1;
        }
      });

  const perRound = Math.max(1, Math.ceil(jobs.length / Math.max(1, options.injections / 2)));
  for (let round = 0; round < options.injections; round++) {
    const service = await startServiceProcess(options.dataDir, env);
    const inFlight = submitSome(service.url, perRound + 1);
    // A client that is unsure whether an earlier submission landed sends it again: it must come back as a duplicate.
    const retried = jobs
      .filter((job) => acknowledged.has(job.jobid))
      .sort(() => next() - 0.5)
      .slice(0, 2);
    inFlight.push(
      ...retried.map(async (job) => {
        report.submitRequests += 1;
        try {
          const response = await fetch(`${service.url}/jobs/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: job.body });
          const answer = (await response.json()) as { duplicate?: boolean };
          if (response.status === 200 && answer.duplicate) report.duplicateAnswers += 1;
          else throw new Error(`re-submission of ${job.jobid} answered ${response.status} without duplicate: true`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('re-submission')) report.badDuplicateAnswers.push(job.jobid);
          else report.submitRequestsLost += 1;
        }
      }),
    );
    const [min, max] = options.killAfterMs;
    await new Promise((resolve) => setTimeout(resolve, min + next() * (max - min)));
    service.child.kill('SIGKILL');
    await service.exited;
    await Promise.all(inFlight);
    report.injections += 1;
    if (round % 20 === 19) log(`  ${round + 1} kills, ${acknowledged.size}/${jobs.length} submissions acknowledged`);
  }

  // Final run without kills: submit what is left, wait until every job is terminal.
  const service = await startServiceProcess(options.dataDir, env);
  while (acknowledged.size < jobs.length) {
    await Promise.all(submitSome(service.url, jobs.length));
  }
  const deadline = Date.now() + 120_000;
  let states = new Map<string, string>();
  while (Date.now() < deadline) {
    states = new Map(
      await Promise.all(
        jobs.map(async (job) => {
          const response = await fetch(`${service.url}/jobs/${job.jobid}`);
          return [job.jobid, response.status === 200 ? ((await response.json()) as { status: string }).status : 'missing'] as [string, string];
        }),
      ),
    );
    if ([...states.values()].every((status) => TERMINAL.has(status) || status === 'missing')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  service.child.kill('SIGTERM');
  await service.exited;

  for (const [jobid, status] of states) {
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
    if (status === 'missing') report.lost.push(jobid);
    else if (!TERMINAL.has(status)) report.notFinished.push(jobid);
    const runs = join(options.projects, `${jobid}.aedt.runs`);
    const starts = existsSync(runs) ? readRunRecords(runs).filter((record) => record.event === 'start').length : 0;
    if (starts > 1) report.solvesStartedTwice.push(jobid);
    if (status === 'completed' && starts === 0) report.completedWithoutStart.push(jobid);
  }
  const db = new Database(join(options.dataDir, 'jobs.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT job_id, COUNT(*) AS n FROM job_events WHERE status IN ('completed','failed','cancelled','timed_out') GROUP BY job_id HAVING n > 1`)
      .all() as Array<{ job_id: string }>;
    // A terminal job's later events (none expected) would repeat its status; count distinct entries into a terminal state.
    for (const row of rows) {
      const events = db.prepare('SELECT status FROM job_events WHERE job_id = ? ORDER BY seq').all(row.job_id) as Array<{ status: string }>;
      const entries = events.filter((event, index) => TERMINAL.has(event.status) && (index === 0 || events[index - 1].status !== event.status)).length;
      if (entries > 1) report.multipleTerminalStates.push(row.job_id);
    }
  } finally {
    db.close();
  }
  report.elapsedMs = Date.now() - started;
  return report;
}
