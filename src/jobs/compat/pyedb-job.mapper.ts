import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { SchedulerType } from '../../simulation/scheduler-type.enum';

/** PyEDB's `JobStatus` values; PyEDB ends a timed-out job as `failed`, so its wait loops end on it too. */
export type PyedbJobStatus = 'queued' | 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';

/** One element of PyEDB's `GET /api/jobs` array. */
export interface PyedbJob {
  id: string;
  user: string | null;
  status: PyedbJobStatus;
  /** Python `datetime.isoformat()`: microseconds, here in UTC with an explicit `+00:00`. */
  start_time: string | null;
  end_time: string | null;
  return_code: number | null;
  scheduler_job_id: string | null;
  priority: number;
  /** The stored config in PyEDB's `to_dict()` shape (`platform`, `timestamp` = submission time, `version`). */
  config: Record<string, unknown>;
}

const PYTHON_PLATFORM: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', win32: 'Windows', darwin: 'Darwin' };

/** `2026-12-01T17:06:41.780000+00:00`, which `datetime.fromisoformat` reads on every Python 3. */
export function pythonIsoFormat(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

export function toPyedbJob(job: JobRecord): PyedbJob {
  return {
    id: job.id,
    user: job.config.user ?? null,
    status: job.status === JobStatus.TIMED_OUT ? 'failed' : job.status,
    start_time: pythonIsoFormat(job.startedAt),
    end_time: pythonIsoFormat(job.finishedAt),
    return_code: job.exitCode,
    scheduler_job_id: job.schedulerType === SchedulerType.NONE ? null : job.nativeId,
    priority: job.priority,
    config: {
      ...job.config,
      ansys_edt_path: job.config.ansys_edt_path ?? job.argv[0],
      jobid: job.id,
      platform: PYTHON_PLATFORM[process.platform] ?? process.platform,
      timestamp: pythonIsoFormat(job.createdAt),
      version: '1.0.0',
    },
  };
}
