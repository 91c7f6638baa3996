import { ClusterSchedulerBackend, JobSpec, NativeJobRef, NativeJobState, TERMINAL_NATIVE_STATUSES } from '../../src/scheduler/scheduler-backend';
import { SchedulerCommandFailedError, SchedulerCommandTimeoutError } from '../../src/scheduler/cli/scheduler-command.errors';
import { SchedulerUnreachableError, SubmissionOutcomeUnknownError, SubmissionRejectedError } from '../../src/scheduler/submission-failure.errors';
import { SchedulerType } from '../../src/simulation/scheduler-type.enum';

/**
 * An in-memory cluster scheduler for DI-level tests of the cluster runner: the test moves jobs between states,
 * makes submissions fail or time out, takes the scheduler down, and counts calls. Like the real backends it
 * throws the backend-neutral submission failures: rejected, not reached (nothing created), outcome unknown.
 */
export class FakeClusterBackend extends ClusterSchedulerBackend {
  readonly kind = SchedulerType.SLURM;
  readonly jobs = new Map<string, { name: string; state: NativeJobState }>();
  readonly pollBatches: string[][] = [];
  submitCalls = 0;
  findCalls = 0;
  /**
   * `reject`: the scheduler refuses; `lost-answer`: it accepts but the answer is lost (outcome unknown);
   * `lost-request`: outcome unknown, but it never saw it; `unreachable`: not reached, nothing created.
   */
  nextSubmit: 'ok' | 'reject' | 'lost-answer' | 'lost-request' | 'unreachable' = 'ok';
  /** Every command fails as unreachable (submit: not reached; poll, find, cancel: errors). */
  down = false;
  cancelCalls = 0;
  /** The cancel reaches the scheduler, which kills the job (reported as failed, 143), but the answer is lost. */
  cancelAnswerLost = false;
  /**
   * The cancel takes effect at once (the job ends, reported failed as Grid Engine's accounting reports a deleted
   * Eqw job) but its command answers only this many ms later (0: at once).
   */
  cancelAnswerDelayMs = 0;
  /** How long each submission takes (0: answered at once). */
  submitDelayMs = 0;
  /** Submissions under way now, and the most seen at once. */
  submitsInFlight = 0;
  maxSubmitsInFlight = 0;
  private counter = 100;

  async submit(spec: JobSpec): Promise<NativeJobRef> {
    this.submitCalls += 1;
    if (this.submitDelayMs > 0) {
      this.submitsInFlight += 1;
      this.maxSubmitsInFlight = Math.max(this.maxSubmitsInFlight, this.submitsInFlight);
      await new Promise((resolve) => setTimeout(resolve, this.submitDelayMs));
      this.submitsInFlight -= 1;
    }
    const mode = this.down ? 'unreachable' : this.nextSubmit;
    this.nextSubmit = 'ok';
    if (mode === 'reject') {
      throw new SubmissionRejectedError('slurm rejected the job: sbatch: error: Batch job submission failed: Invalid partition name specified');
    }
    if (mode === 'unreachable') {
      throw new SchedulerUnreachableError(
        'slurm unreachable',
        'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
      );
    }
    if (mode === 'lost-request') {
      throw new SubmissionOutcomeUnknownError('slurm submission outcome unknown', 'sbatch did not answer within 0.1 s');
    }
    const nativeId = String(++this.counter);
    this.jobs.set(nativeId, { name: spec.jobId, state: { status: 'pending' } });
    if (mode === 'lost-answer') {
      throw new SubmissionOutcomeUnknownError(
        'slurm submission outcome unknown',
        'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation',
      );
    }
    return { nativeId, workDir: spec.workDir };
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    this.pollBatches.push(refs.map((ref) => ref.nativeId));
    if (this.down) {
      throw new SchedulerCommandTimeoutError('squeue', 100);
    }
    return new Map(refs.filter((ref) => this.jobs.has(ref.nativeId)).map((ref) => [ref.nativeId, this.jobs.get(ref.nativeId)!.state]));
  }

  async cancel(ref: NativeJobRef): Promise<void> {
    this.cancelCalls += 1;
    if (this.down) {
      // Refused, as scancel says with slurmctld stopped: the cancel certainly did not reach it.
      throw new SchedulerCommandFailedError(
        'scancel',
        8,
        `scancel: error: Kill job error on job id ${ref.nativeId}: Unable to contact slurm controller (connect failure)`,
      );
    }
    const job = this.jobs.get(ref.nativeId);
    if (this.cancelAnswerDelayMs > 0 && job) {
      job.state = { status: 'failed', exitCode: null, reason: 'deleted; accounting reports failed' };
      await new Promise((resolve) => setTimeout(resolve, this.cancelAnswerDelayMs));
      return;
    }
    if (this.cancelAnswerLost && job) {
      job.state = { status: 'failed', exitCode: 143, reason: 'killed by SIGTERM' };
      throw new SchedulerCommandTimeoutError('scancel', 100);
    }
    if (job && !TERMINAL_NATIVE_STATUSES.has(job.state.status)) {
      job.state = { status: 'cancelled', exitCode: 0, reason: 'CANCELLED by 0' };
    }
  }

  async findByName(jobName: string, workDir: string): Promise<NativeJobRef | null> {
    this.findCalls += 1;
    if (this.down) {
      throw new SchedulerCommandTimeoutError('squeue', 100);
    }
    const found = [...this.jobs].find(([, job]) => job.name === jobName);
    return found ? { nativeId: found[0], workDir } : null;
  }

  set(jobName: string, state: NativeJobState): void {
    const job = [...this.jobs.values()].find((candidate) => candidate.name === jobName);
    if (!job) {
      throw new Error(`fake scheduler has no job named ${jobName}`);
    }
    job.state = state;
  }
}
