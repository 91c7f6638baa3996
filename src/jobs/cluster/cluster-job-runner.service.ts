import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SchedulerFailureError, StorageFailureError, ValidationFailedError } from '../../common/errors/job-manager.errors';
import { UnsafeScriptValueError } from '../../scheduler/batch-script-errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import {
  ClusterSchedulerBackend,
  JobArraySubmission,
  JobSpec,
  NativeJobRef,
  NativeJobState,
  supportsJobArrays,
  TERMINAL_NATIVE_STATUSES,
} from '../../scheduler/scheduler-backend';
import { SchedulerBackendRegistry } from '../../scheduler/scheduler-backend.registry';
import { SchedulerCommandTimeoutError } from '../../scheduler/cli/scheduler-command.errors';
import {
  JobArrayRefusedError,
  SchedulerUnreachableError,
  SubmissionOutcomeUnknownError,
  SubmissionRejectedError,
} from '../../scheduler/submission-failure.errors';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { SchedulerPolledEvent } from '../events/scheduler-polled.event';
import { JobLifecycleService } from '../job-lifecycle.service';
import { JobRecord } from '../model/job-record';
import { isTerminal, JobStatus } from '../model/job-status';
import { JobRepository } from '../persistence/job.repository';
import { LaunchGuard } from '../submission/launch-guard.service';
import { markCancelDelivered, wasCancelDelivered } from './cancel-delivery';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { clusterFinalStatus } from './cluster-final-status';
import { LOOKUPS_BEFORE_RESUBMIT, PendingSubmission, resubmitDelay, waitingReason } from './pending-submission';
import { pollDelay } from './poll-backoff';
import { describeSchedulerState, schedulerViewChanges } from './scheduler-view';
import { ChunkSizer, settleInChunks } from './settlement-chunks';
import { SubmissionCoalescer } from './submission-coalescer';

interface Poller {
  timer?: NodeJS.Timeout;
  consecutiveFailures: number;
  running?: Promise<void>;
}

/** Scheduler operations in flight at once per scheduler when the config does not say (unit tests). */
const DEFAULT_MAX_PARALLEL_COMMANDS = 8;

/** A cancel is answered (202) within this when the scheduler has not taken it yet; delivery goes on in the background. */
const CANCEL_ANSWER_WITHIN_MS = 3_000;

const specOf = (job: JobRecord): JobSpec => ({ jobId: job.id, config: job.config, argv: job.argv, workDir: job.workDir, logPath: job.logPath });
const refOf = (job: JobRecord): NativeJobRef => ({ nativeId: job.nativeId!, workDir: job.workDir });
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Splits `items` into runs of at most `size`. */
function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Cluster jobs: submission, one batched status query per scheduler per poll interval (with back-off while a
 * scheduler fails), cancellation as a durable intent, and re-attachment after a restart. Decides only on the
 * backend-neutral submission failures: rejected (failed, 502), not reached (queued, submitted again with
 * back-off), outcome unknown (queued, looked up by name and recorded id before any new submission). A job with
 * a native id is only ever monitored again; one jobid never has two live submissions.
 */
@Injectable()
export class ClusterJobRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ClusterJobRunner.name);
  private readonly tracked = new Map<string, JobRecord>();
  private readonly awaiting = new Map<string, PendingSubmission>();
  /** Jobs whose submit command is running right now. */
  private readonly inFlight = new Set<string>();
  /** Jobs whose cancel the scheduler accepted (also recorded in the work dir for restarts). */
  private readonly cancelDelivered = new Set<string>();
  private readonly cancelsInFlight = new Map<string, Promise<boolean>>();
  /** Jobs whose cancel command timed out: it may have reached the scheduler (still re-sent until accepted). */
  private readonly cancelMaybeDelivered = new Set<string>();
  private readonly pollers = new Map<SchedulerType, Poller>();
  /** Per scheduler: its commands in flight at once (HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS). */
  private readonly limiters = new Map<SchedulerType, ConcurrencyLimiter>();
  /** Per scheduler: single submissions through its slots, those that waited sent together as job arrays. */
  private readonly coalescers = new Map<SchedulerType, SubmissionCoalescer<JobRecord, NativeJobRef>>();
  /** Schedulers that refused a job array as such (JobArrayRefusedError): their jobs go one by one until a restart. */
  private readonly arraysRefused = new Set<SchedulerType>();
  /** Sizes the slices in which a poll's changes are stored, so that no slice holds the event loop long. */
  private readonly settlementChunks = new ChunkSizer();
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerBackendRegistry,
    private readonly lifecycle: JobLifecycleService,
    private readonly repository: JobRepository,
    private readonly events: EventEmitter2,
    private readonly launchGuard: LaunchGuard,
  ) {}

  get trackedCount(): number {
    return this.tracked.size + this.awaiting.size;
  }

  /** Consecutive failed polls per scheduler (0 when healthy). */
  pollFailures(): Partial<Record<SchedulerType, number>> {
    return Object.fromEntries([...this.pollers].map(([kind, poller]) => [kind, poller.consecutiveFailures]));
  }

  /** Cluster jobs queued for (re)submission or lookup, with why they wait now (fresh countdown), in submission order. */
  awaitingSubmission(): Array<{ job: JobRecord; reason: string }> {
    return [...this.awaiting.values()]
      .sort((a, b) => a.job.seq - b.job.seq)
      .map((entry) => ({ job: entry.job, reason: waitingReason(entry.job.schedulerType, entry, Date.now()) }));
  }

  /**
   * Submits a stored `queued` job. Resolves with it `scheduled` once accepted, or still `queued` with its
   * waiting reason when the scheduler was not reached or the outcome is unknown (it stays in our hands).
   * Throws SchedulerFailureError (502) when the scheduler rejected it, ValidationFailedError (400) for a
   * batch script refused before anything ran.
   *
   * `filesJustChecked`: the submission's own checks of the project and executable ran in this same request,
   * milliseconds ago (POST /jobs/submit), so the launch guard's re-check is skipped; it guards every submission
   * that comes later (a retry after the scheduler was down, a batch item, a resubmission after a restart). A swap
   * in those milliseconds is no more caught by a re-check than one between the re-check and sbatch would be.
   */
  async submit(job: JobRecord, { filesJustChecked = false }: { filesJustChecked?: boolean } = {}): Promise<JobRecord> {
    const backend = this.backendFor(job.schedulerType);
    const refusal = filesJustChecked ? undefined : await this.launchGuard.refusal(job);
    if (refusal) {
      // Checked like a local launch: a project or executable swapped since submission is never submitted.
      this.lifecycle.transition(job, { status: JobStatus.FAILED, error: refusal, finishedAt: Date.now() }, 'refused before submission');
      throw new ValidationFailedError(refusal);
    }
    this.inFlight.add(job.id);
    try {
      // The job's row must be on disk before the scheduler can have the job: after a power cut, a job the scheduler
      // runs but the store forgot would be submitted again by the client's retry (and never looked up by name). A
      // failed flush rejects here (StorageFailureError, 507), before anything reached the scheduler.
      await this.repository.whenDurable();
    } catch (error) {
      this.inFlight.delete(job.id);
      throw error;
    }
    try {
      let ref: NativeJobRef;
      try {
        ref = await this.submitThroughSlots(backend, job);
      } catch (error) {
        if (!(error instanceof JobArrayRefusedError)) throw error;
        this.refuseArrays(backend.kind, error);
        ref = await this.limited(job.schedulerType, () => backend.submit(specOf(job)));
      }
      return this.accept(job, ref);
    } catch (error) {
      // The store could not record the job's array task: nothing reached the scheduler (507, as above).
      if (error instanceof StorageFailureError) throw error;
      return this.submissionFailed(job, error);
    } finally {
      this.inFlight.delete(job.id);
    }
  }

  /**
   * Submits the stored `queued` cluster jobs of one batch (POST /jobs/submit-batch) in the background's order. Jobs
   * whose scheduler takes job arrays (HFSS_JM_SCHEDULER_JOB_ARRAYS) and whose directives are all the same go as one
   * array per up to its maxArrayTasks: one submit command for the lot. The others go one by one through submit(),
   * twice the scheduler's command slots in progress, so that the next jobs' re-checks and scripts are under way while
   * the slots run sbatch and the like. A job cancelled or otherwise moved on before its turn is left alone. Never
   * throws: each job ends scheduled, queued with its waiting reason, or failed with its error, as submit() leaves it.
   */
  async submitBatch(jobs: readonly JobRecord[]): Promise<void> {
    const singles: JobRecord[] = [];
    const arrays: Array<{ backend: ClusterSchedulerBackend & JobArraySubmission; jobs: JobRecord[] }> = [];
    const groups = new Map<string, { backend: ClusterSchedulerBackend & JobArraySubmission; jobs: JobRecord[] }>();
    const kinds = new Set(jobs.map((job) => job.schedulerType));
    await Promise.all([...kinds].map((kind) => this.arrayBackend(this.backendFor(kind))?.prepareArrays() ?? Promise.resolve()));
    for (const job of jobs) {
      const backend = this.backendFor(job.schedulerType);
      const key = this.arrayBackend(backend) ? this.arrayKeyOf(backend as ClusterSchedulerBackend & JobArraySubmission, job) : undefined;
      if (key === undefined) {
        singles.push(job);
        continue;
      }
      const groupKey = `${job.schedulerType}\n${key}`;
      const group = groups.get(groupKey) ?? { backend: backend as ClusterSchedulerBackend & JobArraySubmission, jobs: [] };
      group.jobs.push(job);
      groups.set(groupKey, group);
    }
    for (const group of groups.values()) {
      for (const chunk of chunked(group.jobs, Math.max(1, group.backend.maxArrayTasks))) {
        if (chunk.length === 1) singles.push(chunk[0]);
        else arrays.push({ backend: group.backend, jobs: chunk });
      }
    }
    const slots = 2 * (this.config.cluster.maxParallelCommands ?? DEFAULT_MAX_PARALLEL_COMMANDS);
    await Promise.all([
      inParallel(arrays, slots, (array) => this.submitArray(array.backend, array.jobs)),
      inParallel(singles, slots, async (stored) => {
        const job = this.stillToSubmit(stored);
        if (job) await this.submit(job).catch((error: Error) => this.logger.warn(`Batch job ${job.id}: ${error.message}`));
      }),
    ]);
  }

  /** The job as stored now if it still waits for its first submission (not cancelled, not submitted meanwhile). */
  private stillToSubmit(stored: JobRecord): JobRecord | undefined {
    const job = this.repository.findById(stored.id);
    return job?.status === JobStatus.QUEUED && job.cancelRequestedAt === null && job.nativeId === null && !this.inFlight.has(job.id) ? job : undefined;
  }

  /** The job's array key; undefined (submitted alone, where submit() gives the error) for a script it cannot render. */
  private arrayKeyOf(backend: JobArraySubmission, job: JobRecord): string | undefined {
    try {
      return backend.arrayKey(specOf(job));
    } catch {
      return undefined;
    }
  }

  /**
   * One job array: each job re-checked like a single submission (launch guard), the array's name and each job's task
   * recorded and on disk before the submit command runs (a lost answer is looked up as that task, never submitted
   * again), then one submit command for all. Its failure is each job's, decided as for submit().
   */
  private async submitArray(backend: ClusterSchedulerBackend & JobArraySubmission, candidates: readonly JobRecord[]): Promise<void> {
    const members: JobRecord[] = [];
    await Promise.all(
      candidates.map(async (stored) => {
        const job = this.stillToSubmit(stored);
        if (!job) return;
        const refusal = await this.launchGuard.refusal(job);
        if (!refusal) {
          members.push(job);
          return;
        }
        if (this.stillToSubmit(job)) {
          this.lifecycle.transition(job, { status: JobStatus.FAILED, error: refusal, finishedAt: Date.now() }, 'refused before submission');
        }
      }),
    );
    // In the batch's order: task i is the i-th of them.
    members.sort((a, b) => a.seq - b.seq);
    const ready = members.filter((job) => this.stillToSubmit(job));
    if (ready.length <= 1) {
      if (ready.length === 1) await this.submit(ready[0]).catch((error: Error) => this.logger.warn(`Batch job ${ready[0].id}: ${error.message}`));
      return;
    }
    for (const job of ready) this.inFlight.add(job.id);
    try {
      let refs: readonly NativeJobRef[];
      try {
        refs = await this.limited(backend.kind, () => this.sendArray(backend, ready));
      } catch (error) {
        if (error instanceof StorageFailureError) {
          this.logger.warn(`The ${ready.length} jobs of a job array were not submitted: ${messageOf(error)}`);
          return;
        }
        if (error instanceof JobArrayRefusedError) {
          this.refuseArrays(backend.kind, error);
          for (const job of ready) this.inFlight.delete(job.id);
          await inParallel(ready, 2 * (this.config.cluster.maxParallelCommands ?? DEFAULT_MAX_PARALLEL_COMMANDS), (job) =>
            this.submit(job).then(
              () => undefined,
              (failure: Error) => this.logger.warn(`Batch job ${job.id}: ${failure.message}`),
            ),
          );
          return;
        }
        for (const job of ready) {
          try {
            this.submissionFailed(job, error);
          } catch {
            // the job is failed with the scheduler's answer; nobody waits for it here
          }
        }
        this.logger.warn(`A job array of ${ready.length} jobs: ${messageOf(error)}`);
        return;
      }
      ready.forEach((job, index) => this.accept(job, refs[index]));
    } finally {
      for (const job of ready) this.inFlight.delete(job.id);
    }
  }

  /**
   * One job array, inside a command slot: the array's name and each job's task recorded and on disk before the
   * submit command runs (a lost answer is then looked up as that task, never submitted again), then one command.
   */
  private async sendArray(backend: ClusterSchedulerBackend & JobArraySubmission, jobs: readonly JobRecord[]): Promise<NativeJobRef[]> {
    const arrayName = `hfss-array-${randomUUID()}`;
    this.repository.recordArrayTasks(jobs.map((job, index) => ({ jobId: job.id, arrayName, index })));
    await this.repository.whenDurable();
    return backend.submitArray(arrayName, jobs.map(specOf));
  }

  /**
   * A single submission through the scheduler's command slots: at once when a slot is free; when they are all busy it
   * waits, and is sent together with the others that waited and share its directives, as one job array
   * (SubmissionCoalescer; HFSS_JM_SCHEDULER_JOB_ARRAYS, schedulers that take arrays).
   */
  private submitThroughSlots(backend: ClusterSchedulerBackend, job: JobRecord): Promise<NativeJobRef> {
    let coalescer = this.coalescers.get(backend.kind);
    if (!coalescer) {
      coalescer = new SubmissionCoalescer<JobRecord, NativeJobRef>(
        this.limiterFor(backend.kind),
        () => this.arrayBackend(backend)?.maxArrayTasks ?? 1,
        (single) => backend.submit(specOf(single)),
        (group) => {
          const arrays = this.arrayBackend(backend);
          return arrays ? this.sendArray(arrays, group) : Promise.reject(new JobArrayRefusedError(`${backend.kind} takes no job arrays here`));
        },
      );
      this.coalescers.set(backend.kind, coalescer);
    }
    const arrays = this.arrayBackend(backend);
    if (arrays) void arrays.prepareArrays();
    return coalescer.submit(job, arrays ? this.arrayKeyOf(arrays, job) : undefined);
  }

  /** The backend as a job-array submitter, when arrays are on (HFSS_JM_SCHEDULER_JOB_ARRAYS), it takes them and has not refused one. */
  private arrayBackend(backend: ClusterSchedulerBackend): (ClusterSchedulerBackend & JobArraySubmission) | undefined {
    return this.config.cluster.jobArrays && supportsJobArrays(backend) && !this.arraysRefused.has(backend.kind) ? backend : undefined;
  }

  private refuseArrays(kind: SchedulerType, error: JobArrayRefusedError): void {
    if (this.arraysRefused.has(kind)) return;
    this.arraysRefused.add(kind);
    this.logger.warn(
      `${kind} refused a job array (${error.schedulerMessage || error.message}): its jobs are submitted one by one until the service restarts. ` +
        'Raise its array limit (SLURM: MaxArraySize; Grid Engine: max_aj_tasks) or set HFSS_JM_SCHEDULER_JOB_ARRAYS=false.',
    );
  }

  /**
   * Cancel as a durable intent: recorded first, then delivered to the scheduler; answered within
   * CANCEL_ANSWER_WITHIN_MS even while the scheduler is down. Every poll re-sends an undelivered cancel until the
   * scheduler accepts it or the job ends; the final state says what really happened (clusterFinalStatus).
   */
  async cancel(job: JobRecord): Promise<JobRecord> {
    if (!job.nativeId) {
      return this.cancelUnsubmitted(job);
    }
    const current = job.cancelRequestedAt ? job : this.lifecycle.transition(job, { cancelRequestedAt: Date.now() }, 'cancel requested');
    this.tracked.set(current.id, current);
    this.ensurePolling(current.schedulerType);
    const delivered = await Promise.race([this.deliverCancel(current), sleep(CANCEL_ANSWER_WITHIN_MS, false, { ref: false })]);
    return delivered ? this.confirmCancel(current) : (this.repository.findById(current.id) ?? current);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const job of this.repository.findActiveClusterJobs()) {
      if (!this.registry.has(job.schedulerType)) {
        this.logger.error(`Job ${job.id} uses scheduler ${job.schedulerType}, which is not available: it is left as ${job.status}`);
        continue;
      }
      if (job.nativeId) {
        this.tracked.set(job.id, job);
        if (job.cancelRequestedAt && (await wasCancelDelivered(job.workDir))) this.cancelDelivered.add(job.id);
      } else {
        // Whatever happened before the restart, the scheduler may have the job: look it up by name first.
        this.awaiting.set(job.id, {
          job,
          phase: 'outcome_unknown',
          failedAttempts: 0,
          lookups: 0,
          nextAttemptAt: 0,
          lastMessage: 'the service restarted before the scheduler answered',
        });
      }
      this.ensurePolling(job.schedulerType);
    }
    if (this.trackedCount > 0) {
      this.logger.log(`Re-attached to ${this.tracked.size} cluster job(s); ${this.awaiting.size} submission(s) to resolve by name`);
    }
  }

  /**
   * Cluster jobs keep running when the service stops; they are re-attached at the next start. A poll already under
   * way is waited for (its commands are bounded by the command timeout): left running, it would go on calling the
   * scheduler and writing to the store after the service has closed.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const poller of this.pollers.values()) {
      clearTimeout(poller.timer);
    }
    await Promise.allSettled([...this.pollers.values()].flatMap((poller) => (poller.running ? [poller.running] : [])));
  }

  private backendFor(kind: SchedulerType): ClusterSchedulerBackend {
    return this.registry.get(kind) as ClusterSchedulerBackend;
  }

  /** Runs one scheduler operation (a submission, a poll, a cancel, a lookup) within the scheduler's bound. */
  private limited<T>(kind: SchedulerType, operation: () => Promise<T>): Promise<T> {
    return this.limiterFor(kind).run(operation);
  }

  private limiterFor(kind: SchedulerType): ConcurrencyLimiter {
    let limiter = this.limiters.get(kind);
    if (!limiter) {
      limiter = new ConcurrencyLimiter(this.config.cluster.maxParallelCommands ?? DEFAULT_MAX_PARALLEL_COMMANDS);
      this.limiters.set(kind, limiter);
    }
    return limiter;
  }

  private accept(job: JobRecord, ref: NativeJobRef): JobRecord {
    this.awaiting.delete(job.id);
    const accepted = this.lifecycle.transition(
      job,
      { status: JobStatus.SCHEDULED, nativeId: ref.nativeId, error: null, waitingReason: null },
      `accepted by ${job.schedulerType} as ${ref.nativeId}`,
    );
    this.tracked.set(accepted.id, accepted);
    this.ensurePolling(accepted.schedulerType);
    return accepted;
  }

  /** Decides on the backend-neutral kind only; see submit(). */
  private submissionFailed(job: JobRecord, error: unknown): JobRecord {
    const message = messageOf(error);
    if (error instanceof UnsafeScriptValueError) {
      // Bad input found while rendering the batch script: nothing reached the scheduler.
      this.lifecycle.transition(job, { status: JobStatus.FAILED, error: message, finishedAt: Date.now(), waitingReason: null }, 'batch script refused');
      throw new ValidationFailedError(message);
    }
    if (error instanceof SchedulerUnreachableError || error instanceof SubmissionOutcomeUnknownError) {
      const previous = this.awaiting.get(job.id);
      const failedAttempts = error.kind === 'not_reached' ? (previous?.failedAttempts ?? 0) + 1 : 0;
      const now = Date.now();
      const entry: PendingSubmission = {
        job,
        phase: error.kind,
        failedAttempts,
        lookups: 0,
        lastMessage: error.schedulerMessage || message,
        nextAttemptAt: now + resubmitDelay(this.config.cluster.pollIntervalMs, this.config.cluster.maxBackoffMs, failedAttempts),
      };
      const reason = waitingReason(job.schedulerType, entry, now);
      entry.job = this.lifecycle.transition(job, { waitingReason: reason }, reason);
      this.awaiting.set(job.id, entry);
      this.ensurePolling(job.schedulerType);
      return entry.job;
    }
    this.awaiting.delete(job.id);
    const rejected = error instanceof SubmissionRejectedError ? message : `${job.schedulerType} rejected the job: ${message}`;
    this.lifecycle.transition(job, { status: JobStatus.FAILED, error: rejected, finishedAt: Date.now(), waitingReason: null }, 'submission rejected');
    throw error instanceof SchedulerFailureError ? error : new SchedulerFailureError(message);
  }

  /** A job without a native id: immediate when nothing can exist; otherwise the intent waits for the lookup. */
  private cancelUnsubmitted(job: JobRecord): JobRecord {
    const pending = this.awaiting.get(job.id);
    const now = Date.now();
    if (this.inFlight.has(job.id) || pending?.phase === 'outcome_unknown') {
      const recorded = job.cancelRequestedAt
        ? job
        : this.lifecycle.transition(job, { cancelRequestedAt: now }, 'cancel requested while the submission is unresolved');
      if (pending) pending.job = recorded;
      return recorded;
    }
    this.awaiting.delete(job.id);
    const error = pending ? `cancelled while waiting for ${job.schedulerType}; it was never submitted` : 'cancelled before submission';
    return this.lifecycle.transition(
      job,
      { status: JobStatus.CANCELLED, cancelRequestedAt: job.cancelRequestedAt ?? now, finishedAt: now, error, waitingReason: null },
      'cancelled',
    );
  }

  /** After the scheduler accepted the cancel: waits, bounded, for its final state. */
  private async confirmCancel(job: JobRecord): Promise<JobRecord> {
    const backend = this.backendFor(job.schedulerType);
    let current = job;
    const deadline = Date.now() + Math.max(5_000, this.config.cluster.commandTimeoutMs);
    while (Date.now() < deadline && this.tracked.has(current.id)) {
      const polled = await this.limited(job.schedulerType, () => backend.poll([refOf(current)])).catch(() => new Map<string, NativeJobState>());
      const state = polled.get(current.nativeId!);
      const latest = this.tracked.get(current.id) ?? current;
      current = state && latest.nativeId === current.nativeId ? this.apply(latest, state) : latest;
      if (isTerminal(current.status)) return current;
      await sleep(250);
    }
    return this.repository.findById(current.id) ?? current;
  }

  /** One attempt to deliver a recorded cancel; false (and retried next poll) when the scheduler did not take it. */
  private deliverCancel(job: JobRecord): Promise<boolean> {
    if (this.cancelDelivered.has(job.id)) return Promise.resolve(true);
    // One cancel command per job at a time: a poll that comes while the request's own cancel runs joins it.
    let delivering = this.cancelsInFlight.get(job.id);
    if (!delivering) {
      delivering = this.sendCancel(job).finally(() => this.cancelsInFlight.delete(job.id));
      this.cancelsInFlight.set(job.id, delivering);
    }
    return delivering;
  }

  private async sendCancel(job: JobRecord): Promise<boolean> {
    try {
      await this.limited(job.schedulerType, () => this.backendFor(job.schedulerType).cancel(refOf(job)));
      this.cancelDelivered.add(job.id);
      await markCancelDelivered(job.workDir);
      return true;
    } catch (error) {
      if (error instanceof SchedulerCommandTimeoutError) this.cancelMaybeDelivered.add(job.id);
      this.logger.warn(`Cancelling ${job.id} (${job.nativeId}) failed; retried at the next poll: ${messageOf(error)}`);
      return false;
    }
  }

  /**
   * Moves the job to what the scheduler reports; never guesses a final state from a job's absence. The scheduler's
   * own state word, reason and run number are stored with it; a change of those alone is one `job_updated`.
   * A running job the scheduler reports pending again was requeued: it returns to `scheduled` as the next run.
   */
  private apply(job: JobRecord, state: NativeJobState): JobRecord {
    const scheduler = schedulerViewChanges(job, state);
    const detail = describeSchedulerState(job.schedulerType, state);
    if (TERMINAL_NATIVE_STATUSES.has(state.status)) {
      const delivered = this.cancelDelivered.has(job.id) || this.cancelMaybeDelivered.has(job.id);
      if (job.cancelRequestedAt && !delivered && state.status !== 'cancelled' && this.cancelsInFlight.has(job.id)) {
        // The scheduler shows the job ended while our cancel command has not answered yet (qdel of a Grid Engine
        // job in Eqw leaves a "failed" accounting record at once): whether that cancel reached the scheduler decides
        // the truthful final state, so the job is settled by the first poll after the command answered.
        return job;
      }
      const cancel = !job.cancelRequestedAt ? 'none' : delivered ? 'delivered' : 'requested';
      const { status, error } = clusterFinalStatus(state, cancel);
      // A job the scheduler (or a cancel) killed has no solver exit code, whether seen live or from accounting.
      const exitCode = status === JobStatus.CANCELLED || status === JobStatus.TIMED_OUT ? null : (state.exitCode ?? null);
      const startedAt = scheduler.run !== undefined ? (state.startedAt ?? job.startedAt) : (job.startedAt ?? state.startedAt ?? null);
      this.tracked.delete(job.id);
      this.cancelDelivered.delete(job.id);
      this.cancelMaybeDelivered.delete(job.id);
      return this.lifecycle.transition(
        job,
        {
          ...scheduler,
          status,
          exitCode,
          error,
          startedAt,
          finishedAt: state.finishedAt ?? Date.now(),
        },
        detail,
      );
    }
    let next = job;
    if (state.status === 'pending' && job.status === JobStatus.RUNNING) {
      const run = Math.max(job.run + 1, scheduler.run ?? 0);
      next = this.lifecycle.transition(
        job,
        {
          ...scheduler,
          status: JobStatus.SCHEDULED,
          run,
          startedAt: null,
          progress: null,
        },
        `requeued: ${detail}; run ${run} waits to start`,
      );
    } else if (state.status === 'running' && job.status !== JobStatus.RUNNING) {
      next = this.lifecycle.transition(
        job,
        {
          ...scheduler,
          status: JobStatus.RUNNING,
          startedAt: state.startedAt ?? Date.now(),
        },
        detail,
      );
    } else if (state.status === 'running' && scheduler.run !== undefined) {
      // Requeued and started again between two polls.
      next = this.lifecycle.transition(
        job,
        {
          ...scheduler,
          startedAt: state.startedAt ?? Date.now(),
          progress: null,
        },
        `requeued and running again: ${detail}`,
      );
    } else if (state.status === 'pending' && job.status === JobStatus.QUEUED) {
      next = this.lifecycle.transition(job, { ...scheduler, status: JobStatus.SCHEDULED }, detail);
    } else if (Object.keys(scheduler).length > 0) {
      next = this.lifecycle.transition(job, scheduler, detail);
    }
    this.tracked.set(next.id, next);
    return next;
  }

  private ensurePolling(kind: SchedulerType): void {
    const poller = this.pollers.get(kind) ?? { consecutiveFailures: 0 };
    this.pollers.set(kind, poller);
    if (!poller.timer && !poller.running && !this.stopped) {
      this.schedule(kind, poller);
    }
  }

  private schedule(kind: SchedulerType, poller: Poller): void {
    const delay = pollDelay(this.config.cluster.pollIntervalMs, this.config.cluster.maxBackoffMs, poller.consecutiveFailures);
    poller.timer = setTimeout(() => {
      poller.timer = undefined;
      poller.running = this.pollOnce(kind, poller).finally(() => {
        poller.running = undefined;
        const stillWatched = [...this.tracked.values(), ...[...this.awaiting.values()].map((entry) => entry.job)].some((job) => job.schedulerType === kind);
        if (stillWatched && !this.stopped) {
          this.schedule(kind, poller);
        }
      });
    }, delay);
    poller.timer.unref();
  }

  /**
   * One poll of one scheduler: settle pending submissions, one batched status query, re-send undelivered cancels.
   * Lookups and cancels run side by side within the scheduler's bound; the changes the query reports are stored in
   * short slices with a turn of the event loop between them (a thousand jobs finishing together never hold it long).
   */
  private async pollOnce(kind: SchedulerType, poller: Poller): Promise<void> {
    const backend = this.backendFor(kind);
    const started = performance.now();
    let polled = 0;
    await Promise.all(
      [...this.awaiting.values()].filter((candidate) => candidate.job.schedulerType === kind).map((entry) => this.advancePending(backend, entry)),
    );
    try {
      const jobs = [...this.tracked.values()].filter((job) => job.schedulerType === kind);
      if (jobs.length > 0) {
        polled = jobs.length;
        const states = await this.limited(kind, () => backend.poll(jobs.map(refOf)));
        const reported = jobs.filter((job) => states.has(job.nativeId!));
        // Checked again at each job's turn: a cancel or a confirmation may have moved it on between two slices.
        await settleInChunks(
          reported,
          (job) => {
            if (this.tracked.get(job.id) === job) this.apply(job, states.get(job.nativeId!)!);
          },
          this.settlementChunks,
        );
      }
      poller.consecutiveFailures = 0;
      if (polled > 0) this.events.emit(SchedulerPolledEvent.name, new SchedulerPolledEvent(kind, performance.now() - started, true, polled));
    } catch (error) {
      poller.consecutiveFailures += 1;
      this.events.emit(SchedulerPolledEvent.name, new SchedulerPolledEvent(kind, performance.now() - started, false, polled));
      this.logger.warn(`Polling ${kind} failed (${poller.consecutiveFailures} in a row); job states are kept as they were: ${messageOf(error)}`);
    }
    const undelivered = [...this.tracked.values()].filter(
      (candidate) => candidate.schedulerType === kind && candidate.cancelRequestedAt && !this.cancelDelivered.has(candidate.id),
    );
    await Promise.all(undelivered.map((job) => this.deliverCancel(job)));
  }

  /** One step for a job not yet accepted: look it up while its outcome is unknown, resubmit when due. Never throws. */
  private async advancePending(backend: ClusterSchedulerBackend, entry: PendingSubmission): Promise<void> {
    const job = this.repository.findById(entry.job.id) ?? entry.job;
    entry.job = job;
    if (isTerminal(job.status) || this.inFlight.has(job.id)) {
      if (isTerminal(job.status)) this.awaiting.delete(job.id);
      return;
    }
    if (entry.phase === 'outcome_unknown') {
      let found: NativeJobRef | null;
      try {
        found = await this.limited(job.schedulerType, () => backend.findByName(job.id, job.workDir, this.repository.findArrayTask(job.id)));
      } catch (error) {
        entry.lastMessage = messageOf(error); // still unknown: the scheduler did not answer the lookup either
        return;
      }
      if (found) {
        this.accept(job, found);
        return;
      }
      if (++entry.lookups < LOOKUPS_BEFORE_RESUBMIT) return;
      entry.phase = 'not_reached'; // looked up twice, found nowhere: it was never created
      entry.nextAttemptAt = Date.now();
    }
    if (job.cancelRequestedAt) {
      this.cancelUnsubmitted(job);
      return;
    }
    if (Date.now() >= entry.nextAttemptAt) {
      await this.submit(job).catch((error: unknown) => this.logger.warn(`Submitting ${job.id} again failed: ${messageOf(error)}`));
    }
  }
}
