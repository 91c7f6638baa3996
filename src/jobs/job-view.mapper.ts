import { JobViewDto } from './dto/job-view.dto';
import { JobRecord } from './model/job-record';
import { isoTime } from '../common/time/iso-time';

const iso = (ms: number | null): string | null => (ms === null ? null : isoTime(ms));

export function toJobView(job: JobRecord, queuePosition?: number): JobViewDto {
  return {
    job_id: job.id,
    status: job.status,
    priority: job.priority,
    user: job.config.user ?? null,
    scheduler_type: job.schedulerType,
    native_id: job.nativeId,
    exit_code: job.exitCode,
    error: job.error,
    progress: job.progress,
    queue_position: queuePosition ?? null,
    // Stored configs always name the path the job runs on (an uploaded project's staged copy for project_ref).
    project_path: job.config.project_path ?? '',
    command: job.argv,
    log_path: job.logPath,
    created_at: isoTime(job.createdAt),
    updated_at: isoTime(job.updatedAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    cancel_requested_at: iso(job.cancelRequestedAt),
    waiting_reason: job.waitingReason,
    scheduler_state: job.schedulerState,
    scheduler_reason: job.schedulerReason,
    run: job.run,
    config: job.config,
  };
}
