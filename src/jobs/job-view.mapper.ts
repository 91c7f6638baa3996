import { JobViewDto } from './dto/job-view.dto';
import { JobRecord } from './model/job-record';
import { JobViewRow } from './persistence/job.repository';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

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
    created_at: new Date(job.createdAt).toISOString(),
    updated_at: new Date(job.updatedAt).toISOString(),
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

/**
 * The UTF-8 of JSON.stringify(toJobView(…)) of a listed job, without parsing or even decoding its config and argv:
 * their stored JSON (written by JSON.stringify, so the text a round trip would give) is copied in as bytes;
 * `command` and `config` come last.
 */
export function jobViewJson(row: JobViewRow, queuePosition?: number): Buffer[] {
  const record = { ...row.job, config: { user: row.user ?? undefined, project_path: row.projectPath ?? undefined }, argv: [] } as unknown as JobRecord;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { command, config, ...rest } = toJobView(record, queuePosition);
  return [Buffer.from(`${JSON.stringify(rest).slice(0, -1)},"command":`), row.argvJson, CONFIG_KEY, row.configJson, CLOSE];
}

const CONFIG_KEY = Buffer.from(',"config":');
const CLOSE = Buffer.from('}');

/** The UTF-8 of `{"items":[…],…rest}` with the items' JSON (jobViewJson) and the rest's fields. */
export function jobListJson(items: Buffer[][], rest: Record<string, unknown>): Buffer {
  const parts: Buffer[] = [Buffer.from('{"items":[')];
  items.forEach((item, index) => {
    if (index > 0) parts.push(COMMA);
    parts.push(...item);
  });
  parts.push(Buffer.from(`],${JSON.stringify(rest).slice(1)}`));
  return Buffer.concat(parts);
}

const COMMA = Buffer.from(',');
