import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { JobPatch, JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';

export interface JobRow {
  id: string;
  seq: number;
  status: string;
  priority: number;
  scheduler_type: string;
  config: string;
  config_hash: string;
  argv: string;
  work_dir: string;
  log_path: string;
  native_id: string | null;
  exit_code: number | null;
  error: string | null;
  progress: number | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  cancel_requested_at: number | null;
  waiting_reason: string | null;
  scheduler_state: string | null;
  scheduler_reason: string | null;
  run_number: number;
}

export const PATCH_COLUMNS: Record<keyof JobPatch, keyof JobRow> = {
  status: 'status',
  priority: 'priority',
  nativeId: 'native_id',
  exitCode: 'exit_code',
  error: 'error',
  progress: 'progress',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  cancelRequestedAt: 'cancel_requested_at',
  waitingReason: 'waiting_reason',
  schedulerState: 'scheduler_state',
  schedulerReason: 'scheduler_reason',
  run: 'run_number',
};

export function recordToRow(record: JobRecord): JobRow {
  return {
    id: record.id,
    seq: record.seq,
    status: record.status,
    priority: record.priority,
    scheduler_type: record.schedulerType,
    config: JSON.stringify(record.config),
    config_hash: record.configHash,
    argv: JSON.stringify(record.argv),
    work_dir: record.workDir,
    log_path: record.logPath,
    native_id: record.nativeId,
    exit_code: record.exitCode,
    error: record.error,
    progress: record.progress,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    started_at: record.startedAt,
    finished_at: record.finishedAt,
    cancel_requested_at: record.cancelRequestedAt,
    waiting_reason: record.waitingReason ?? null,
    scheduler_state: record.schedulerState,
    scheduler_reason: record.schedulerReason,
    run_number: record.run,
  };
}

export function rowToRecord(row: JobRow): JobRecord {
  return {
    ...rowToRecordWithout(row),
    config: JSON.parse(row.config) as HFSSSimulationConfig,
    argv: JSON.parse(row.argv) as string[],
  };
}

/** Every field but `config` and `argv` (left unset). */
export function rowToRecordWithout(row: Omit<JobRow, 'config' | 'argv'>): JobRecord {
  return {
    id: row.id,
    seq: row.seq,
    status: row.status as JobStatus,
    priority: row.priority,
    schedulerType: row.scheduler_type as SchedulerType,
    configHash: row.config_hash,
    workDir: row.work_dir,
    logPath: row.log_path,
    nativeId: row.native_id,
    exitCode: row.exit_code,
    error: row.error,
    progress: row.progress,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    cancelRequestedAt: row.cancel_requested_at,
    waitingReason: row.waiting_reason ?? null,
    schedulerState: row.scheduler_state,
    schedulerReason: row.scheduler_reason,
    run: row.run_number,
  } as JobRecord;
}

/** Every column but `config` and `argv`, in the order of the values narrowValuesToRecord reads. */
export const NARROW_COLUMNS = [
  'id',
  'seq',
  'status',
  'priority',
  'scheduler_type',
  'config_hash',
  'work_dir',
  'log_path',
  'native_id',
  'exit_code',
  'error',
  'progress',
  'created_at',
  'updated_at',
  'started_at',
  'finished_at',
  'cancel_requested_at',
  'waiting_reason',
  'scheduler_state',
  'scheduler_reason',
  'run_number',
] as const satisfies ReadonlyArray<Exclude<keyof JobRow, 'config' | 'argv'>>;

/**
 * rowToRecordWithout for a raw row (`statement.raw()`: an array of the NARROW_COLUMNS values, in that order, then
 * maybe more): no object per row with a property per column, which is half the cost of reading a page of 500.
 */
export function narrowValuesToRecord(values: readonly unknown[]): JobRecord {
  return {
    id: values[0] as string,
    seq: values[1] as number,
    status: values[2] as JobStatus,
    priority: values[3] as number,
    schedulerType: values[4] as SchedulerType,
    configHash: values[5] as string,
    workDir: values[6] as string,
    logPath: values[7] as string,
    nativeId: values[8] as string | null,
    exitCode: values[9] as number | null,
    error: values[10] as string | null,
    progress: values[11] as number | null,
    createdAt: values[12] as number,
    updatedAt: values[13] as number,
    startedAt: values[14] as number | null,
    finishedAt: values[15] as number | null,
    cancelRequestedAt: values[16] as number | null,
    waitingReason: (values[17] as string | null) ?? null,
    schedulerState: values[18] as string | null,
    schedulerReason: values[19] as string | null,
    run: values[20] as number,
  } as JobRecord;
}
