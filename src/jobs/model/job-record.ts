import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { JobStatus } from './job-status';

/** A job as stored: the validated configuration plus everything learnt while running it. Times are epoch ms. */
export interface JobRecord {
  id: string;
  /** Submission order; ties within a priority run in this order. */
  seq: number;
  status: JobStatus;
  priority: number;
  schedulerType: SchedulerType;
  config: HFSSSimulationConfig;
  /** SHA-256 of the canonical configuration, to tell a retried submission from a conflicting one. */
  configHash: string;
  /** The ansysedt argv the job runs (or ran). */
  argv: string[];
  workDir: string;
  logPath: string;
  /** pid (local) or scheduler job id; null until the job has been started or accepted. */
  nativeId: string | null;
  exitCode: number | null;
  /** Why the job failed, was cancelled or timed out. */
  error: string | null;
  progress: number | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelRequestedAt: number | null;
  /** Why a cluster job is queued without a native id (scheduler unreachable, outcome unknown); null otherwise. */
  waitingReason: string | null;
  /** The cluster scheduler's own state word as it last printed it (`PENDING`, `SUSPENDED`, `Eqw`, …); null locally. */
  schedulerState: string | null;
  /** The scheduler's reason for that state (`JobHeldAdmin`, `BeginTime`, an Eqw error message, …). */
  schedulerReason: string | null;
  /** Which run this is: 1, then 2 after the scheduler requeued the job once, … */
  run: number;
}

/** The fields a state transition may change. */
export type JobPatch = Partial<
  Pick<
    JobRecord,
    | 'status'
    | 'priority'
    | 'nativeId'
    | 'exitCode'
    | 'error'
    | 'progress'
    | 'startedAt'
    | 'finishedAt'
    | 'cancelRequestedAt'
    | 'waitingReason'
    | 'schedulerState'
    | 'schedulerReason'
    | 'run'
  >
>;
