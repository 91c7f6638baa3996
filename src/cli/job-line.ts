/** The fields of a job view the CLI prints. */
export interface JobView {
  job_id: string;
  status: string;
  progress?: number | null;
  exit_code?: number | null;
  error?: string | null;
  created_at?: string;
  project_path?: string;
  scheduler_type?: string;
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

/** One job on one line: `<id> <status> [<progress>%] [exit=<code>]  [<error>]`. */
export function jobLine(job: JobView): string {
  const progress = job.progress === null || job.progress === undefined ? '' : ` ${Math.round(job.progress)}%`;
  const exit = job.exit_code === null || job.exit_code === undefined ? '' : ` exit=${job.exit_code}`;
  return `${job.job_id.padEnd(28)} ${String(job.status).padEnd(10)}${progress}${exit}${job.error ? `  ${job.error}` : ''}`;
}

/** A job as a table row: id, status, progress, exit code, submitted, scheduler, error. */
export function jobRow(job: JobView): string[] {
  return [
    job.job_id,
    job.status,
    job.progress === null || job.progress === undefined ? '' : `${Math.round(job.progress)}%`,
    job.exit_code === null || job.exit_code === undefined ? '' : String(job.exit_code),
    job.created_at ? job.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '',
    job.scheduler_type ?? '',
    job.error ?? '',
  ];
}

export const JOB_HEADERS = ['JOB ID', 'STATUS', 'PROGRESS', 'EXIT', 'SUBMITTED', 'SCHEDULER', 'ERROR'];
