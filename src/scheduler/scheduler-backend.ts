import { HFSSSimulationConfig } from '../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../simulation/scheduler-type.enum';

/** Everything a backend needs to start one solve. */
export interface JobSpec {
  jobId: string;
  /** The validated configuration (scheduler options, machine nodes, …). */
  config: HFSSSimulationConfig;
  /** `ansysedt` argv from `buildAnsysEdtArgv`: element 0 is the executable. */
  argv: readonly string[];
  /** A directory owned by this job (logs, batch script, exit-status file). */
  workDir: string;
  /** File receiving the solver's stdout and stderr. */
  logPath: string;
}

/** The scheduler's handle for a job: a pid for local runs, a job id for clusters. */
export interface NativeJobRef {
  nativeId: string;
  /** The job's work directory, where backends keep scripts and exit-status files. */
  workDir: string;
}

export type NativeJobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'unknown';

export const TERMINAL_NATIVE_STATUSES: ReadonlySet<NativeJobStatus> = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

export interface NativeJobState {
  status: NativeJobStatus;
  /** Exit code of the solver when known (terminal states). */
  exitCode?: number | null;
  /** Human-readable detail: scheduler reason, signal, why the state is unknown. */
  reason?: string;
  /** The scheduler's own state word as it printed it (`PENDING`, `SUSPENDED`, `Eqw`, `PSUSP`, `H`…). */
  nativeState?: string;
  /** The scheduler's own reason for that state (`JobHeldAdmin`, `BeginTime`, an Eqw error message…). */
  nativeReason?: string;
  /** When the current run started, as the scheduler (or the batch script's own record) says: epoch ms. */
  startedAt?: number;
  /** When the job ended, as the scheduler says: epoch ms. */
  finishedAt?: number;
  /** Which run this is: 1 for the first, incremented by every requeue (SLURM's restart count + 1, …). */
  run?: number;
}

/** The contract every scheduler implements; the abstract class is also the DI token. */
export abstract class SchedulerBackend {
  abstract readonly kind: SchedulerType;
  /** Start or submit the job; resolves with the native handle once the scheduler has accepted it. */
  abstract submit(spec: JobSpec): Promise<NativeJobRef>;
  /** One batched status query for all given jobs; ids missing from the map are unknown to the scheduler. */
  abstract poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>>;
  /** Ask the scheduler to end the job; idempotent. */
  abstract cancel(ref: NativeJobRef): Promise<void>;
}

/** Which task of which job array a job was submitted as: the array's unique name and the task's index in it. */
export interface ArrayTask {
  arrayName: string;
  index: number;
}

/** A batch scheduler: jobs are submitted under their jobid as the scheduler job name, so they can be found again. */
export abstract class ClusterSchedulerBackend extends SchedulerBackend {
  /**
   * Finds a job by the unique name it was submitted with. Used when a submission's answer was lost (the CLI
   * timed out, the service crashed mid-submit): the job is looked up before it is ever submitted again. A job last
   * submitted as a task of a job array (`arrayTask`) is looked up as that task first, then by its own name.
   */
  abstract findByName(jobName: string, workDir: string, arrayTask?: ArrayTask): Promise<NativeJobRef | null>;
}

/**
 * A cluster scheduler that can take many jobs as ONE submission (a job array, one submit command), for jobs whose
 * scheduler directives are all the same: a sweep's jobs then cost one scheduler RPC, not one each.
 */
export interface JobArraySubmission {
  /** Tasks one array may hold (the scheduler's own limit once prepareArrays has read it, e.g. SLURM's MaxArraySize - 1). */
  readonly maxArrayTasks: number;
  /** Reads the scheduler's own array limit once (later calls resolve at once); never throws. */
  prepareArrays(): Promise<void>;
  /**
   * Equal for jobs that may share one array; undefined for a job that must be submitted on its own (e.g. its own
   * directives ask for an array). Throws what `submit` would throw for a value that cannot go into a script.
   */
  arrayKey(spec: JobSpec): string | undefined;
  /**
   * Submits the jobs as the tasks 0…n-1 of one array named `arrayName`; resolves with their refs, in order. Throws
   * what `submit` would, or JobArrayRefusedError when the scheduler refused the array as such.
   */
  submitArray(arrayName: string, specs: readonly JobSpec[]): Promise<NativeJobRef[]>;
  /**
   * Removes what submitArray wrote for the array beside its jobs' own work dirs (`workDir` is one task's), once the
   * service keeps none of its tasks; never throws for files already gone.
   */
  removeArrayFiles(arrayName: string, workDir: string): Promise<void>;
}

export function supportsJobArrays(backend: SchedulerBackend): backend is ClusterSchedulerBackend & JobArraySubmission {
  return typeof (backend as Partial<JobArraySubmission>).submitArray === 'function';
}
