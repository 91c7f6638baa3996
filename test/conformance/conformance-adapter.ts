import { TestingModuleBuilder } from '@nestjs/testing';

/**
 * What the backend conformance scenarios need from one scheduler (real, faked on PATH, or in memory). Every
 * fault an adapter injects it must undo in `restore()`, which the suite calls in afterEach whatever happened.
 */
export interface ConformanceAdapter {
  /** Test title, e.g. "real SLURM 22.05". */
  readonly name: string;
  readonly schedulerType: string;
  /** Service settings for this scheduler (poll interval, command timeout …). */
  readonly env: Record<string, string>;
  /** Scheduler options added to every submission. */
  readonly options?: Record<string, unknown>;
  /** How long a scenario may wait for one state (real clusters on a loaded 2-core machine are slow). */
  readonly patienceMs: number;
  configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  beforeEach?(): Promise<void> | void;
  afterEach?(): Promise<void> | void;
  /** The scheduler refuses connections: submissions are not reached, polls and cancels fail. */
  down(): Promise<void>;
  /** The scheduler takes requests but does not answer (SIGSTOP): submissions' outcome is unknown. */
  hang(): Promise<void>;
  /** Jobs stay pending until restore(). */
  holdJobs(): Promise<void>;
  /** Undoes down / hang / holdJobs; the scheduler is healthy again when it resolves. */
  restore(): Promise<void>;
  /** A running job goes back to pending and runs again. */
  requeue(nativeId: string): Promise<void>;
  /** How long a requeued job may take to run again (default: patienceMs). */
  readonly requeueRerunWithinMs?: number;
  /** Lets a requeued job (seen pending) start again when the scheduler would otherwise wait long. */
  releaseRequeued?(nativeId: string): Promise<void>;
  /** Native ids of every job the scheduler has (any state, while it still lists it) under this jobid's name. */
  jobsNamed(jobId: string): Promise<string[]>;
}
