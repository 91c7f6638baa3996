import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE_NAME } from '../src/jobs/persistence/sqlite-database.provider';
import { startServiceProcess } from '../test/support/service-process';
import { http } from './bench-support';

/** Admission held (impossible free-memory floor): every queued job stays queued and nothing runs. */
export const HELD = { HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000', HFSS_JM_LOG_LEVEL: 'warn' };

/**
 * A store of `finished` ended jobs (completed, 1 in 10 failed, 1 in 10 cancelled) and then `queued` local jobs
 * (priorities 0-9), each with one event, written with SQL from the row the service itself stored for one real submit.
 * Migrations and triggers are the service's own (it created the store), so the counts per status are kept as usual.
 */
export async function generateBigStore(dataDir: string, projectPath: string, sizes: { finished: number; queued: number }): Promise<void> {
  const service = await startServiceProcess(dataDir, { ...HELD, HFSS_JM_SQLITE_SYNCHRONOUS: 'normal' });
  const answer = await http(`${service.url}/jobs/submit`, 'POST', { jobid: 'template_job', project_path: projectPath, priority: 1 });
  if (answer.status !== 201) throw new Error(`template submit answered ${answer.status}: ${answer.text}`);
  service.child.kill('SIGKILL');
  await service.exited;
  const db = new Database(join(dataDir, DATABASE_FILE_NAME));
  db.pragma('synchronous = OFF');
  db.prepare("DELETE FROM job_events WHERE job_id = 'template_job'").run();
  const total = sizes.finished + sizes.queued;
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @total)
       INSERT INTO jobs (id, seq, status, priority, scheduler_type, config, config_hash, argv, work_dir, log_path, native_id, exit_code,
                         error, progress, created_at, updated_at, started_at, finished_at, cancel_requested_at, waiting_reason,
                         scheduler_state, scheduler_reason, run_number)
       SELECT 'job_' || i, i + 1,
              CASE WHEN i > @finished THEN 'queued' WHEN i % 10 = 0 THEN 'failed' WHEN i % 10 = 1 THEN 'cancelled' ELSE 'completed' END,
              i % 10, t.scheduler_type, replace(t.config, 'template_job', 'job_' || i), t.config_hash, replace(t.argv, 'template_job', 'job_' || i),
              replace(t.work_dir, 'template_job', 'job_' || i), replace(t.log_path, 'template_job', 'job_' || i),
              CASE WHEN i > @finished THEN NULL ELSE 'local:' || i END,
              CASE WHEN i > @finished THEN NULL WHEN i % 10 = 0 THEN 3 WHEN i % 10 = 1 THEN NULL ELSE 0 END,
              CASE WHEN i > @finished THEN NULL WHEN i % 10 = 0 THEN 'solver exited with code 3' WHEN i % 10 = 1 THEN 'cancelled on request' ELSE NULL END,
              CASE WHEN i > @finished THEN NULL ELSE 100 END,
              t.created_at + i, t.created_at + i,
              CASE WHEN i > @finished THEN NULL ELSE t.created_at + i END,
              CASE WHEN i > @finished THEN NULL ELSE t.created_at + i END,
              NULL, NULL, NULL, NULL, 1
       FROM n, (SELECT * FROM jobs WHERE id = 'template_job') AS t`,
    ).run({ total, finished: sizes.finished });
    db.prepare("DELETE FROM jobs WHERE id = 'template_job'").run();
    db.prepare("INSERT INTO job_events (job_id, status, at, detail) SELECT id, status, updated_at, 'generated' FROM jobs").run();
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Peak resident set of a process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024);
}

/** User + system CPU time of a process so far, in ms (from /proc, clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
