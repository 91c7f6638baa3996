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
import { LocalProcessBackend } from '../../scheduler/backends/local/local-process.backend';
import { LocalProcessExitedEvent } from '../../scheduler/backends/local/local-process-exited.event';
import { NativeJobRef, NativeJobState, TERMINAL_NATIVE_STATUSES } from '../../scheduler/scheduler-backend';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
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
  /** Resolves when the job has reached a terminal state. */
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
    return this.draining ? ['the job manager is shutting down', ...reasons] : reasons;
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

  /** Re-queues a queued job at its new priority; returns false when it is not queued here. */
  reprioritise(job: JobRecord, priority: number): boolean {
    return this.queue.reprioritise(job.id, priority);
  }

  /** Cancels a queued or running job; resolves with its terminal record. */
  async cancel(job: JobRecord): Promise<JobRecord> {
    if (this.queue.remove(job.id)) {
      return this.lifecycle.transition(job, { status: JobStatus.CANCELLED, finishedAt: Date.now(), cancelRequestedAt: Date.now() }, 'cancelled while queued');
    }
    const entry = this.running.get(job.id);
    if (!entry) {
      return job;
    }
    await this.stop(entry, 'cancel');
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
      void this.refresh([entry]);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.recover();
    this.started = true;
    this.pollTimer = setInterval(() => void this.refresh([...this.running.values()]), this.config.runner.localPollIntervalMs);
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
      await Promise.all(remaining.map((entry) => this.stop(entry, 'shutdown').then(() => entry.finished)));
    }
    clearInterval(this.pollTimer);
  }

  private dispatch(): void {
    if (!this.started || this.draining) {
      return;
    }
    while (this.queue.size > 0 && this.blockers().length === 0) {
      const next = this.queue.pop()!;
      const job = this.repository.findById(next.id);
      if (job?.status === JobStatus.QUEUED) {
        void this.launch(job);
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
    entry.job = this.lifecycle.transition(entry.job, { status: JobStatus.RUNNING, startedAt: Date.now() }, 'starting the solver');
    try {
      entry.ref = await this.backend.submit({
        jobId: queued.id, config: queued.config, argv: queued.argv, workDir: queued.workDir, logPath: queued.logPath,
      });
    } catch (error) {
      const reason = `could not start the solver: ${error instanceof Error ? error.message : String(error)}`;
      this.finish(entry, { status: 'failed', exitCode: null, reason });
      return;
    }
    entry.job = this.lifecycle.transition(entry.job, { nativeId: entry.ref.nativeId }, `solver supervisor started (${entry.ref.nativeId})`);
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
    entry.timeout = setTimeout(() => void this.stop(entry, 'timeout'), Math.max(0, remaining));
    entry.timeout.unref();
  }

  private async stop(entry: RunningJob, reason: StopReason): Promise<void> {
    if (entry.stopReason) {
      return;
    }
    entry.stopReason = reason;
    entry.job = this.lifecycle.transition(entry.job, { cancelRequestedAt: Date.now() }, `stop requested (${reason})`);
    if (entry.ref) {
      await this.backend.cancel(entry.ref);
      await this.refresh([entry]);
    }
  }

  /** One batched poll of the given jobs; finishes those that ended. */
  private async refresh(entries: RunningJob[]): Promise<void> {
    const withRefs = entries.filter((entry) => entry.ref && this.running.get(entry.job.id) === entry);
    if (withRefs.length === 0) {
      return;
    }
    const states = await this.backend.poll(withRefs.map((entry) => entry.ref!));
    for (const entry of withRefs) {
      const state = states.get(entry.ref!.nativeId);
      if (state && TERMINAL_NATIVE_STATUSES.has(state.status) && this.running.get(entry.job.id) === entry) {
        this.finish(entry, state);
      }
    }
  }

  private finish(entry: RunningJob, state: NativeJobState, detail?: string): void {
    clearTimeout(entry.timeout);
    this.running.delete(entry.job.id);
    const { status, error } = finalStatusFor(state, entry.stopReason, entry.job.config.timeout);
    const finished = this.lifecycle.transition(
      entry.job,
      { status, exitCode: state.exitCode ?? null, error, finishedAt: Date.now() },
      detail ?? error ?? 'solver finished',
    );
    entry.markFinished(finished);
    this.dispatch();
  }

  /** Re-queues jobs that never started, re-attaches live solves and settles those that ended while we were down. */
  private async recover(): Promise<void> {
    const active = this.repository.findActive().filter((job) => job.schedulerType === SchedulerType.NONE);
    const reattached: RunningJob[] = [];
    for (const job of active) {
      if (job.status === JobStatus.QUEUED) {
        this.queue.push({ id: job.id, priority: job.priority, seq: job.seq });
        continue;
      }
      let ref: NativeJobRef | null;
      try {
        ref = job.nativeId ? { nativeId: job.nativeId, workDir: job.workDir } : await this.backend.resolveInterruptedLaunch(job.workDir);
      } catch (error) {
        const reason = `could not tell whether the interrupted launch started: ${error instanceof Error ? error.message : String(error)}`;
        this.lifecycle.transition(job, { status: JobStatus.FAILED, error: reason, finishedAt: Date.now() }, reason);
        continue;
      }
      if (!ref) {
        const requeued = this.lifecycle.transition(job, { status: JobStatus.QUEUED, startedAt: null }, 're-queued: the job manager stopped before the solver started');
        this.queue.push({ id: requeued.id, priority: requeued.priority, seq: requeued.seq });
        continue;
      }
      const entry = this.track(job);
      entry.ref = ref;
      if (!job.nativeId) {
        entry.job = this.lifecycle.transition(job, { nativeId: ref.nativeId }, `re-attached to the interrupted launch (${ref.nativeId})`);
      }
      reattached.push(entry);
    }
    if (reattached.length === 0) {
      return;
    }
    const states = await this.backend.poll(reattached.map((entry) => entry.ref!));
    for (const entry of reattached) {
      const state = states.get(entry.ref!.nativeId)!;
      if (TERMINAL_NATIVE_STATUSES.has(state.status)) {
        const reason = state.reason && `while the job manager was down: ${state.reason}`;
        this.finish(entry, { ...state, reason }, `finished while the job manager was down (${state.status})`);
      } else {
        this.logger.log(`Re-attached to running job ${entry.job.id} (${entry.ref!.nativeId})`);
        this.armTimeout(entry);
      }
    }
  }
}
