import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import type { JobRow } from './job-row.mapper';

/** Reads the stored `config` and `argv` (their JSON text) of a job by id. */
export type StoredConfigReader = (id: string) => Pick<JobRow, 'config' | 'argv'>;

/**
 * A job record read from a row without `config` and `argv`: both are read (`readStored`) and parsed on first use,
 * then kept. Both are written once, at insert, so reading them later gives what the row had.
 *
 * A class so that every record shares one hidden class: the fields are data properties of the instance, the two
 * accessors live on the prototype, and the reader is one function for all records (~260 bytes a record; accessors
 * in an object literal put each record in dictionary mode, ~2.1 KB). Since `config` and `argv` are not own
 * properties, `{ ...record }` and JSON.stringify(record) leave them out: copy a record field by field.
 */
export class LazyJobRecord implements JobRecord {
  id: string;
  seq: number;
  status: JobStatus;
  priority: number;
  schedulerType: SchedulerType;
  configHash: string;
  workDir: string;
  logPath: string;
  nativeId: string | null;
  exitCode: number | null;
  error: string | null;
  progress: number | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelRequestedAt: number | null;
  waitingReason: string | null;
  schedulerState: string | null;
  schedulerReason: string | null;
  run: number;
  #config: HFSSSimulationConfig | undefined;
  #argv: string[] | undefined;
  readonly #readStored: StoredConfigReader;

  constructor(row: Omit<JobRow, 'config' | 'argv'>, readStored: StoredConfigReader) {
    this.id = row.id;
    this.seq = row.seq;
    this.status = row.status as JobStatus;
    this.priority = row.priority;
    this.schedulerType = row.scheduler_type as SchedulerType;
    this.configHash = row.config_hash;
    this.workDir = row.work_dir;
    this.logPath = row.log_path;
    this.nativeId = row.native_id;
    this.exitCode = row.exit_code;
    this.error = row.error;
    this.progress = row.progress;
    this.createdAt = row.created_at;
    this.updatedAt = row.updated_at;
    this.startedAt = row.started_at;
    this.finishedAt = row.finished_at;
    this.cancelRequestedAt = row.cancel_requested_at;
    this.waitingReason = row.waiting_reason ?? null;
    this.schedulerState = row.scheduler_state;
    this.schedulerReason = row.scheduler_reason;
    this.run = row.run_number;
    this.#config = undefined;
    this.#argv = undefined;
    this.#readStored = readStored;
  }

  get config(): HFSSSimulationConfig {
    return (this.#config ??= JSON.parse(this.#readStored(this.id).config) as HFSSSimulationConfig);
  }

  set config(value: HFSSSimulationConfig) {
    this.#config = value;
  }

  get argv(): string[] {
    return (this.#argv ??= JSON.parse(this.#readStored(this.id).argv) as string[]);
  }

  set argv(value: string[]) {
    this.#argv = value;
  }
}
