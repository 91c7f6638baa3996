import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { admissionBlockers } from '../../resources/host-sample';
import { HostSampledEvent } from '../../resources/host-sampled.event';
import { HostTelemetryService } from '../../resources/host-telemetry.service';
import { LimitsChangedEvent } from '../../resources/limits-changed.event';
import { ResourceLimitsService } from '../../resources/resource-limits.service';
import { InterruptedLaunch, LaunchInterruptedError, LaunchStorageError, LocalJobState, LocalProcessBackend } from '../../scheduler/local-process';
import { LocalProcessExitedEvent } from '../../scheduler/local-process';
import { StorageFailureError } from '../../common/errors/job-manager.errors';
import { NativeJobRef, NativeJobState, TERMINAL_NATIVE_STATUSES } from '../../scheduler/scheduler-backend';
import { JobLaunchedEvent } from '../events/job-launched.event';
import { JobLifecycleService } from '../job-lifecycle.service';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { JobRepository } from '../persistence/job.repository';
import { PriorityQueue, QueueEntry } from '../queue/priority-queue';
import { finalStatusFor, StopReason } from '../model/final-status';
import { LaunchGuard } from '../submission/launch-guard.service';

interface RunningJob {
  job: JobRecord;
  ref?: NativeJobRef;
  stopReason?: StopReason;
  timeout?: NodeJS.Timeout;
  /** A store write that failed (full or failing data disk): retried on every poll until it succeeds. */
  pending?: () => void;
  /** Its launch failed and `pending` puts it back in the queue (unless it was stopped meanwhile): it waits to start. */
  requeuing?: boolean;
  /** Resolves when the job has reached a terminal state (or went back to the queue). */
  finished: Promise<JobRecord>;
  markFinished: (job: JobRecord) => void;
}

/**
 * Runs `scheduler_type: none` jobs on this host: a priority queue, admission against max_concurrent_jobs and
 * live telemetry, launch through the local backend, exit detection, timeouts, cancellation, recovery after a
 * restart and the drain at shutdown.
 */
@Injectable()
export class LocalJobRunner implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(LocalJobRunner.name);
  private readonly queue = new PriorityQueue();
  private readonly running = new Map<string, RunningJob>();
  private pollTimer?: NodeJS.Timeout;
  private draining = false;
  private started = false;
  /** After a failed write to the data disk, no launch before this time (epoch ms), and why. */
  private storageBlockedUntil = 0;
  private storageProblem = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly backend: LocalProcessBackend,
    private readonly lifecycle: JobLifecycleService,
    private readonly repository: JobRepository,
    private readonly telemetry: HostTelemetryService,
    private readonly limits: ResourceLimitsService,
    private readonly events: EventEmitter2,
    private readonly launchGuard: LaunchGuard,
  ) {}

  get isDraining(): boolean {
    return this.draining;
  }

  get runningCount(): number {
    return this.running.size;
  }

  get queuedCount(): number {
    return this.queue.size;
  }

  /** Why the next queued job cannot start now (empty when it can). */
  blockers(): string[] {
    const reasons = admissionBlockers(this.telemetry.latest, this.limits.current, this.running.size);
    if (Date.now() < this.storageBlockedUntil) {
      reasons.unshift(`the data disk could not be written (${this.storageProblem}); launches resume once it can`);
    }
    return this.draining ? ['the job manager is shutting down', ...reasons] : reasons;
  }

  /**
   * What the queue views (GET /queue, the `queue` event) show as blocked_reasons: the blockers while a job waits to
   * start, none when no job waits. A job whose launch failed and whose return to the queue cannot be recorded yet (a
   * full data disk refused that write too) waits as well, outside the queue until the write succeeds.
   */
  waitingBlockers(): string[] {
    const waiting =
      this.queue.size > 0 ||
      [...this.running.values()].some((entry) => entry.requeuing === true && entry.pending !== undefined && entry.stopReason === undefined);
    return waiting ? this.blockers() : [];
  }

  head(limit: number): QueueEntry[] {
    return this.queue.head(limit);
  }

  positionOf(jobId: string): number | undefined {
    return this.queue.positionOf(jobId);
  }

  enqueue(job: JobRecord): void {
    this.queue.push({ id: job.id, priority: job.priority, seq: job.seq });
    this.dispatch();
  }

  /** Queues many jobs (a batch) and admits once, instead of one dispatch per job; `admit: false` leaves that to `admit()`. */
  enqueueMany(jobs: readonly JobRecord[], options: { admit?: boolean } = {}): void {
    for (const job of jobs) this.queue.push({ id: job.id, priority: job.priority, seq: job.seq });
    if (options.admit !== false) this.dispatch();
  }

  /** Starts what the limits allow now (after `enqueueMany(…, { admit: false })`). */
  admit(): void {
    this.dispatch();
  }

  /** Re-queues a queued job at its new priority; returns false when it is not queued here. */
  reprioritise(job: JobRecord, priority: number): boolean {
    return this.queue.reprioritise(job.id, priority);
  }

  /**
   * Cancels a queued or running job; resolves with its terminal record. On a full data disk the solve is still
   * killed; the answer is then a StorageFailureError (507) until the outcome is on disk, and cancelling again works.
   */
  async cancel(job: JobRecord): Promise<JobRecord> {
    if (this.queue.remove(job.id)) {
      try {
        return this.lifecycle.transition(job, { status: JobStatus.CANCELLED, finishedAt: Date.now(), cancelRequestedAt: Date.now() }, 'cancelled while queued');
      } catch (error) {
        this.queue.push({ id: job.id, priority: job.priority, seq: job.seq });
        throw error;
      }
    }
    const entry = this.running.get(job.id);
    if (!entry) {
      return job;
    }
    await this.stop(entry, 'cancel');
    this.retryPending(entry);
    if (entry.pending) {
      throw new StorageFailureError(
        `Job ${job.id} was stopped, but the job store could not record it (${this.storageProblem}); ` +
          'it is recorded as soon as the data disk can be written again',
      );
    }
    return entry.finished;
  }

  @OnEvent(HostSampledEvent.name)
  onHostSampled(): void {
    this.dispatch();
  }

  @OnEvent(LimitsChangedEvent.name)
  onLimitsChanged(): void {
    this.dispatch();
  }

  @OnEvent(LocalProcessExitedEvent.name)
  onProcessExited(event: LocalProcessExitedEvent): void {
    const entry = [...this.running.values()].find((candidate) => candidate.ref?.nativeId === event.nativeId);
    if (entry) {
      void this.refreshSafely([entry]);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.recover();
    this.started = true;
    this.pollTimer = setInterval(() => void this.refreshSafely([...this.running.values()]), this.config.runner.localPollIntervalMs);
    this.pollTimer.unref();
    this.dispatch();
  }

  onModuleDestroy(): void {
    this.draining = true;
  }

  /** Lets running jobs finish within the drain window, then ends the rest as cancelled by shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + this.config.runner.drainTimeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
    }
    const remaining = [...this.running.values()];
    if (remaining.length > 0) {
      this.logger.warn(`Drain window over: stopping ${remaining.length} running job(s)`);
      await Promise.all(remaining.map((entry) => this.stop(entry, 'shutdown').then(() => this.settledOrPending(entry))));
    }
    clearInterval(this.pollTimer);
  }

  /** Waits for the job's terminal record unless writing it is pending on a full disk (then it is retried at the next boot). */
  private async settledOrPending(entry: RunningJob): Promise<void> {
    this.retryPending(entry);
    if (entry.pending) {
      this.logger.warn(`Job ${entry.job.id} ended but could not be recorded before shutdown (${this.storageProblem}); the next start settles it`);
      return;
    }
    await entry.finished;
  }

  private dispatch(): void {
    if (!this.started || this.draining) {
      return;
    }
    while (this.queue.size > 0 && this.blockers().length === 0) {
      const next = this.queue.pop()!;
      const job = this.repository.findById(next.id);
      if (job?.status === JobStatus.QUEUED) {
        void this.launch(job).catch((error: unknown) =>
          this.logger.error(`Launching job ${job.id} failed: ${error instanceof Error ? error.stack : String(error)}`),
        );
      }
    }
  }

  private track(job: JobRecord): RunningJob {
    let markFinished!: (job: JobRecord) => void;
    const finished = new Promise<JobRecord>((resolve) => (markFinished = resolve));
    const entry: RunningJob = { job, finished, markFinished };
    this.running.set(job.id, entry);
    return entry;
  }

  private async launch(queued: JobRecord): Promise<void> {
    const dispatchedAt = performance.now();
    const entry = this.track(queued);
    const refusal = await this.launchGuard.refusal(queued);
    if (refusal || entry.stopReason) {
      // Refused by the re-check, or cancelled while it ran: the solver never starts.
      this.finish(entry, { status: 'failed', exitCode: null, reason: refusal ?? 'stopped before the solver started' });
      return;
    }
    try {
      entry.job = this.lifecycle.transition(entry.job, { status: JobStatus.RUNNING, startedAt: Date.now() }, 'starting the solver');
    } catch (error) {
      // Nothing changed on disk: the job is still queued there, and here again.
      this.running.delete(queued.id);
      this.queue.push({ id: queued.id, priority: queued.priority, seq: queued.seq });
      if (!(error instanceof StorageFailureError)) {
        throw error;
      }
      this.noteStorageFailure(error.message);
      return;
    }
    // The solver is an effect outside the store: it starts only once `running` is on disk (group commit), so a
    // power cut can never leave a solve that ran behind a job the store still has queued.
    try {
      await this.repository.whenDurable();
    } catch (error) {
      if (!(error instanceof StorageFailureError)) throw error;
      this.noteStorageFailure(error.message);
      this.requeue(entry, `re-queued: ${error.message}; the solver was not started`);
      return;
    }
    if (entry.stopReason) {
      this.finish(entry, { status: 'failed', exitCode: null, reason: 'stopped before the solver started' });
      return;
    }
    try {
      entry.ref = await this.backend.submit({
        jobId: queued.id,
        config: queued.config,
        argv: queued.argv,
        workDir: queued.workDir,
        logPath: queued.logPath,
      });
    } catch (error) {
      if (error instanceof LaunchStorageError) {
        this.noteStorageFailure(error.message);
        this.requeue(entry, `re-queued: ${error.message}; the solver was not started`);
        return;
      }
      if (error instanceof LaunchInterruptedError) {
        // The launch spawner died with this launch in flight; its files said what became of it.
        if (error.outcome.kind === 'never-started') {
          this.requeue(entry, `re-queued: ${error.message}`);
        } else {
          this.finish(entry, error.outcome.state, `the launch was interrupted; the solve had already ended (${error.outcome.state.status})`);
        }
        return;
      }
      const reason = `could not start the solver: ${error instanceof Error ? error.message : String(error)}`;
      this.finish(entry, { status: 'failed', exitCode: null, reason });
      return;
    }
    const ref = entry.ref;
    this.persist(entry, () => {
      entry.job = this.lifecycle.transition(entry.job, { nativeId: ref.nativeId }, `solver supervisor started (${ref.nativeId})`);
    });
    this.events.emit(JobLaunchedEvent.name, new JobLaunchedEvent(queued.id, performance.now() - dispatchedAt));
    this.armTimeout(entry);
    if (entry.stopReason) {
      await this.backend.cancel(entry.ref);
    }
  }

  private armTimeout(entry: RunningJob): void {
    const seconds = entry.job.config.timeout;
    if (seconds === undefined || entry.job.startedAt === null) {
      return;
    }
    const remaining = entry.job.startedAt + seconds * 1000 - Date.now();
    entry.timeout = setTimeout(
      () => void this.stop(entry, 'timeout').catch((error: unknown) => this.logger.error(`Timing out job ${entry.job.id} failed: ${String(error)}`)),
      Math.max(0, remaining),
    );
    entry.timeout.unref();
  }

  /** Records the intent (best effort: a full disk does not stop the kill), then kills; a repeated stop kills again. */
  private async stop(entry: RunningJob, reason: StopReason): Promise<void> {
    if (!entry.stopReason) {
      entry.stopReason = reason;
      try {
        entry.job = this.lifecycle.transition(entry.job, { cancelRequestedAt: Date.now() }, `stop requested (${reason})`);
      } catch (error) {
        if (!(error instanceof StorageFailureError)) {
          throw error;
        }
        this.noteStorageFailure(error.message);
        this.logger.warn(`Stopping job ${entry.job.id} (${reason}) although the request could not be recorded: ${(error as Error).message}`);
      }
    }
    if (entry.ref) {
      await this.backend.cancel(entry.ref);
      await this.refresh([entry]);
    }
  }

  /** For timers and events: a poll that fails is logged and tried again on the next tick, never thrown. */
  private async refreshSafely(entries: RunningJob[]): Promise<void> {
    try {
      await this.refresh(entries);
    } catch (error) {
      this.logger.error(`Polling local jobs failed (retried on the next tick): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Retries the pending writes, then one batched poll of the given jobs; finishes those that ended. */
  private async refresh(entries: RunningJob[]): Promise<void> {
    const current = entries.filter((entry) => this.running.get(entry.job.id) === entry);
    current.forEach((entry) => this.retryPending(entry));
    const withRefs = current.filter((entry) => entry.ref && !entry.pending && this.running.get(entry.job.id) === entry);
    if (withRefs.length === 0) {
      return;
    }
    const states = await this.backend.poll(withRefs.map((entry) => entry.ref!));
    for (const entry of withRefs) {
      const state = states.get(entry.ref!.nativeId);
      if (state && TERMINAL_NATIVE_STATUSES.has(state.status) && this.running.get(entry.job.id) === entry && !entry.pending) {
        this.settle(entry, state);
      }
    }
  }

  /** A solve that ended; one whose supervisor ended before starting the solver goes back to the queue. */
  private settle(entry: RunningJob, state: LocalJobState, detail?: string): void {
    if (state.solverNeverStarted) {
      this.noteStorageFailure(state.reason ?? 'the solver supervisor ended before starting the solver');
      this.requeue(entry, `re-queued: ${state.reason ?? 'the solver never started'}`);
    } else {
      this.finish(entry, state, detail);
    }
  }

  private finish(entry: RunningJob, state: NativeJobState, detail?: string): void {
    clearTimeout(entry.timeout);
    const { status, error } = finalStatusFor(state, entry.stopReason, entry.job.config.timeout);
    const finishedAt = Date.now();
    this.persist(entry, () => {
      const finished = this.lifecycle.transition(
        entry.job,
        { status, exitCode: state.exitCode ?? null, error, finishedAt },
        detail ?? error ?? 'solver finished',
      );
      this.running.delete(entry.job.id);
      entry.markFinished(finished);
      this.dispatch();
    });
  }

  /** The solver never started: back to the queue, or cancelled if a cancel was asked for by the time this is recorded. */
  private requeue(entry: RunningJob, detail: string): void {
    clearTimeout(entry.timeout);
    entry.requeuing = true;
    this.persist(entry, () => {
      const cancelled = entry.stopReason === 'cancel';
      const patch = cancelled
        ? { status: JobStatus.CANCELLED, error: finalStatusFor({ status: 'cancelled' }, 'cancel').error, exitCode: null, finishedAt: Date.now() }
        : { status: JobStatus.QUEUED, startedAt: null, nativeId: null };
      const updated = this.lifecycle.transition(entry.job, patch, cancelled ? `${detail}; cancelled before the solver started` : detail);
      this.running.delete(updated.id);
      if (!cancelled) {
        this.queue.push({ id: updated.id, priority: updated.priority, seq: updated.seq });
      }
      entry.markFinished(updated);
      this.dispatch();
    });
  }

  /** Runs a store write now; if the data disk refuses it, keeps it to retry on the next poll. */
  private persist(entry: RunningJob, write: () => void): void {
    entry.pending = write;
    this.retryPending(entry);
  }

  private retryPending(entry: RunningJob): void {
    const write = entry.pending;
    if (!write) {
      return;
    }
    try {
      write();
      if (entry.pending === write) {
        entry.pending = undefined;
      }
    } catch (error) {
      if (!(error instanceof StorageFailureError)) {
        this.logger.error(`Recording job ${entry.job.id} failed (retried on the next poll): ${error instanceof Error ? error.stack : String(error)}`);
      }
      this.noteStorageFailure(error instanceof Error ? error.message : String(error));
    }
  }

  /** A full or failing data disk pauses launches for a poll interval (dispatch tries again after it). */
  private noteStorageFailure(problem: string): void {
    this.storageProblem = problem;
    this.storageBlockedUntil = Date.now() + Math.max(1000, this.config.runner.localPollIntervalMs);
  }

  /**
   * Re-queues jobs that never started, re-attaches live solves and settles those that ended while we were down. A
   * stop recorded before the crash (cancel_requested_at) is honoured: the solve is killed, or the never-started job
   * cancelled. On a full data disk the writes are kept pending and retried, so the service still boots.
   */
  private async recover(): Promise<void> {
    // Queued jobs only need their queue entry: no record is read for them (nothing is dispatched before this ends).
    for (const queued of this.repository.findQueuedLocalEntries()) this.queue.push(queued);
    const reattached: RunningJob[] = [];
    for (const job of this.repository.findStartedLocalJobs()) {
      const entry = this.track(job);
      entry.stopReason = recordedStopReason(job);
      let launch: InterruptedLaunch;
      try {
        launch = job.nativeId
          ? { kind: 'running', ref: { nativeId: job.nativeId, workDir: job.workDir } }
          : await this.backend.resolveInterruptedLaunch(job.workDir);
      } catch (error) {
        const reason = `could not tell whether the interrupted launch started: ${error instanceof Error ? error.message : String(error)}`;
        this.finish(entry, { status: 'failed', exitCode: null, reason }, reason);
        continue;
      }
      switch (launch.kind) {
        case 'never-started':
          this.requeue(entry, `re-queued: the job manager stopped before the solver started (${launch.detail})`);
          break;
        case 'ended':
          this.finish(
            entry,
            { ...launch.state, reason: launch.state.reason && `while the job manager was down: ${launch.state.reason}` },
            `finished while the job manager was down (${launch.state.status})`,
          );
          break;
        case 'running': {
          const ref = launch.ref;
          entry.ref = ref;
          if (!job.nativeId) {
            this.persist(entry, () => {
              entry.job = this.lifecycle.transition(entry.job, { nativeId: ref.nativeId }, `re-attached to the interrupted launch (${ref.nativeId})`);
            });
          }
          reattached.push(entry);
          break;
        }
      }
    }
    if (reattached.length === 0) {
      return;
    }
    const states = await this.backend.poll(reattached.map((entry) => entry.ref!));
    for (const entry of reattached) {
      const state = states.get(entry.ref!.nativeId)!;
      if (TERMINAL_NATIVE_STATUSES.has(state.status)) {
        const reason = state.reason && `while the job manager was down: ${state.reason}`;
        this.settle(entry, { ...state, reason }, `finished while the job manager was down (${state.status})`);
      } else if (entry.stopReason) {
        this.logger.log(`Honouring the ${entry.stopReason} of job ${entry.job.id} recorded before the restart`);
        void this.backend.cancel(entry.ref!).then(
          () => this.refreshSafely([entry]),
          (error: unknown) => this.logger.error(`Stopping job ${entry.job.id} failed: ${String(error)}`),
        );
      } else {
        this.logger.log(`Re-attached to running job ${entry.job.id} (${entry.ref!.nativeId})`);
        this.armTimeout(entry);
      }
    }
  }
}

/** The stop a job's record says was asked for before a restart: a timeout if it was due by then, else a cancel. */
function recordedStopReason(job: JobRecord): StopReason | undefined {
  if (job.cancelRequestedAt === null) {
    return undefined;
  }
  const timeout = job.config.timeout;
  const dueAt = timeout !== undefined && job.startedAt !== null ? job.startedAt + timeout * 1000 : Infinity;
  return job.cancelRequestedAt >= dueAt ? 'timeout' : 'cancel';
}
