import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { PyedbJobDto } from './dto/pyedb-job.dto';

const PYTHON_PLATFORM: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', win32: 'Windows', darwin: 'Darwin' };

/** `2026-12-01T17:06:41.780000+00:00`, which `datetime.fromisoformat` reads on every Python 3. */
export function pythonIsoFormat(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

export function toPyedbJob(job: JobRecord): PyedbJobDto {
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
