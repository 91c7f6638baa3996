import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from "@nestjs/common";
import { EventEmitter2 } from "@nestjs/event-emitter";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  SchedulerFailureError,
  TimeoutError,
  ValidationFailedError,
} from "../../common/errors/job-manager.errors";
import { UnsafeScriptValueError } from "../../scheduler/backends/shared/batch-script";
import { AppConfig } from "../../config/app-config";
import { APP_CONFIG } from "../../config/config.constants";
import { SchedulerCommandTimeoutError } from "../../scheduler/cli/scheduler-command.errors";
import {
  ClusterSchedulerBackend,
  JobSpec,
  NativeJobRef,
  NativeJobState,
  TERMINAL_NATIVE_STATUSES,
} from "../../scheduler/scheduler-backend";
import { SchedulerBackendRegistry } from "../../scheduler/scheduler-backend.registry";
import { SchedulerType } from "../../simulation/scheduler-type.enum";
import { SchedulerPolledEvent } from "../events/scheduler-polled.event";
import { JobLifecycleService } from "../job-lifecycle.service";
import { finalStatusFor } from "../model/final-status";
import { JobRecord } from "../model/job-record";
import { isTerminal, JobStatus } from "../model/job-status";
import { JobRepository } from "../persistence/job.repository";
import { pollDelay } from "./poll-backoff";
import { describeSchedulerState, schedulerViewChanges } from "./scheduler-view";

interface Poller {
  timer?: NodeJS.Timeout;
  consecutiveFailures: number;
  running?: Promise<void>;
}

/** Lookups by name of an unresolved submission before it is submitted again. */
const LOOKUPS_BEFORE_RESUBMIT = 2;

const specOf = (job: JobRecord): JobSpec => ({
  jobId: job.id,
  config: job.config,
  argv: job.argv,
  workDir: job.workDir,
  logPath: job.logPath,
});
const refOf = (job: JobRecord): NativeJobRef => ({
  nativeId: job.nativeId!,
  workDir: job.workDir,
});

/**
 * Cluster jobs: submission, one batched status query per scheduler per poll interval (with back-off while a
 * scheduler fails), cancellation confirmed by the scheduler, and re-attachment after a restart: a job with a
 * native id is only ever monitored again, and a job whose submission outcome is unknown is looked up by name
 * before it is submitted again.
 */
@Injectable()
export class ClusterJobRunner
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger(ClusterJobRunner.name);
  private readonly tracked = new Map<string, JobRecord>();
  private readonly unresolved = new Map<
    string,
    { job: JobRecord; lookups: number }
  >();
  private readonly pollers = new Map<SchedulerType, Poller>();
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerBackendRegistry,
    private readonly lifecycle: JobLifecycleService,
    private readonly repository: JobRepository,
    private readonly events: EventEmitter2,
  ) {}

  get trackedCount(): number {
    return this.tracked.size + this.unresolved.size;
  }

  /** Consecutive failed polls per scheduler (0 when healthy). */
  pollFailures(): Partial<Record<SchedulerType, number>> {
    return Object.fromEntries(
      [...this.pollers].map(([kind, poller]) => [
        kind,
        poller.consecutiveFailures,
      ]),
    );
  }

  /** Submits a stored `queued` job; resolves once the scheduler accepted it (502 on rejection, 504 when unanswered). */
  async submit(job: JobRecord): Promise<JobRecord> {
    const backend = this.backendFor(job.schedulerType);
    try {
      return this.accept(job, await backend.submit(specOf(job)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof SchedulerCommandTimeoutError) {
        this.unresolved.set(job.id, { job, lookups: 0 });
        this.ensurePolling(job.schedulerType);
        throw new TimeoutError(
          `${message}. Job ${job.id} stays queued: it will be found by name if the scheduler accepted it, or submitted again`,
        );
      }
      if (error instanceof UnsafeScriptValueError) {
        // Bad input found while rendering the batch script: nothing reached the scheduler.
        this.lifecycle.transition(
          job,
          { status: JobStatus.FAILED, error: message, finishedAt: Date.now() },
          "batch script refused",
        );
        throw new ValidationFailedError(message);
      }
      this.lifecycle.transition(
        job,
        {
          status: JobStatus.FAILED,
          error: `${job.schedulerType} rejected the job: ${message}`,
          finishedAt: Date.now(),
        },
        "submission rejected",
      );
      throw error instanceof SchedulerFailureError
        ? error
        : new SchedulerFailureError(message);
    }
  }

  /** Cancels through the scheduler and waits (bounded) until the scheduler confirms a final state. */
  async cancel(job: JobRecord): Promise<JobRecord> {
    const pending = this.unresolved.get(job.id);
    if (pending) {
      const found = await this.backendFor(job.schedulerType).findByName(
        job.id,
        job.workDir,
      );
      if (!found) {
        this.unresolved.delete(job.id);
        return this.lifecycle.transition(
          job,
          {
            status: JobStatus.CANCELLED,
            cancelRequestedAt: Date.now(),
            finishedAt: Date.now(),
            error: "cancelled before the scheduler accepted it",
          },
          "cancelled while unresolved",
        );
      }
      job = this.accept(job, found);
    }
    if (!job.nativeId) {
      return this.lifecycle.transition(
        job,
        {
          status: JobStatus.CANCELLED,
          cancelRequestedAt: Date.now(),
          finishedAt: Date.now(),
          error: "cancelled before submission",
        },
        "cancelled",
      );
    }
    const backend = this.backendFor(job.schedulerType);
    let current = job.cancelRequestedAt
      ? job
      : this.lifecycle.transition(
          job,
          { cancelRequestedAt: Date.now() },
          "cancel requested",
        );
    this.tracked.set(current.id, current);
    await backend.cancel(refOf(current));
    const deadline =
      Date.now() + Math.max(5_000, this.config.cluster.commandTimeoutMs);
    while (Date.now() < deadline) {
      const state = (await backend.poll([refOf(current)])).get(
        current.nativeId!,
      );
      if (state) {
        current = this.apply(current, state);
        if (isTerminal(current.status)) {
          return current;
        }
      }
      await sleep(250);
    }
    return current;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const job of this.repository
      .findActive()
      .filter((candidate) => candidate.schedulerType !== SchedulerType.NONE)) {
      if (!this.registry.has(job.schedulerType)) {
        this.logger.error(
          `Job ${job.id} uses scheduler ${job.schedulerType}, which is not available: it is left as ${job.status}`,
        );
        continue;
      }
      if (job.nativeId) {
        this.tracked.set(job.id, job);
      } else {
        this.unresolved.set(job.id, { job, lookups: 0 });
      }
      this.ensurePolling(job.schedulerType);
    }
    if (this.trackedCount > 0) {
      this.logger.log(
        `Re-attached to ${this.tracked.size} cluster job(s); ${this.unresolved.size} submission(s) to resolve by name`,
      );
    }
  }

  /** Cluster jobs keep running when the service stops; they are re-attached at the next start. */
  onModuleDestroy(): void {
    this.stopped = true;
    for (const poller of this.pollers.values()) {
      clearTimeout(poller.timer);
    }
  }

  private backendFor(kind: SchedulerType): ClusterSchedulerBackend {
    return this.registry.get(kind) as ClusterSchedulerBackend;
  }

  private accept(job: JobRecord, ref: NativeJobRef): JobRecord {
    this.unresolved.delete(job.id);
    const accepted = this.lifecycle.transition(
      job,
      { status: JobStatus.SCHEDULED, nativeId: ref.nativeId, error: null },
      `accepted by ${job.schedulerType} as ${ref.nativeId}`,
    );
    this.tracked.set(accepted.id, accepted);
    this.ensurePolling(accepted.schedulerType);
    return accepted;
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
      const { status, error } = finalStatusFor(
        state,
        job.cancelRequestedAt ? "cancel" : undefined,
      );
      // A job the scheduler (or a cancel) killed has no solver exit code, whether seen live or from accounting.
      const exitCode =
        status === JobStatus.CANCELLED || status === JobStatus.TIMED_OUT
          ? null
          : (state.exitCode ?? null);
      const startedAt =
        scheduler.run !== undefined
          ? (state.startedAt ?? job.startedAt)
          : (job.startedAt ?? state.startedAt ?? null);
      this.tracked.delete(job.id);
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
    if (state.status === "pending" && job.status === JobStatus.RUNNING) {
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
    } else if (state.status === "running" && job.status !== JobStatus.RUNNING) {
      next = this.lifecycle.transition(
        job,
        {
          ...scheduler,
          status: JobStatus.RUNNING,
          startedAt: state.startedAt ?? Date.now(),
        },
        detail,
      );
    } else if (state.status === "running" && scheduler.run !== undefined) {
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
    } else if (state.status === "pending" && job.status === JobStatus.QUEUED) {
      next = this.lifecycle.transition(
        job,
        { ...scheduler, status: JobStatus.SCHEDULED },
        detail,
      );
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
    const delay = pollDelay(
      this.config.cluster.pollIntervalMs,
      this.config.cluster.maxBackoffMs,
      poller.consecutiveFailures,
    );
    poller.timer = setTimeout(() => {
      poller.timer = undefined;
      poller.running = this.pollOnce(kind, poller).finally(() => {
        poller.running = undefined;
        const stillWatched = [
          ...this.tracked.values(),
          ...[...this.unresolved.values()].map((entry) => entry.job),
        ].some((job) => job.schedulerType === kind);
        if (stillWatched && !this.stopped) {
          this.schedule(kind, poller);
        }
      });
    }, delay);
    poller.timer.unref();
  }

  /** One poll of one scheduler: resolve lost submissions, then one batched status query for every tracked job. */
  private async pollOnce(kind: SchedulerType, poller: Poller): Promise<void> {
    const backend = this.backendFor(kind);
    const started = performance.now();
    let polled = 0;
    try {
      for (const [id, entry] of [...this.unresolved].filter(
        ([, candidate]) => candidate.job.schedulerType === kind,
      )) {
        const found = await backend.findByName(id, entry.job.workDir);
        if (found) {
          this.accept(entry.job, found);
        } else if (++entry.lookups >= LOOKUPS_BEFORE_RESUBMIT) {
          this.unresolved.delete(id);
          await this.submit(entry.job).catch((error: unknown) =>
            this.logger.warn(`Resubmitting ${id} failed: ${String(error)}`),
          );
        }
      }
      const jobs = [...this.tracked.values()].filter(
        (job) => job.schedulerType === kind,
      );
      if (jobs.length > 0) {
        polled = jobs.length;
        const states = await backend.poll(jobs.map(refOf));
        for (const job of jobs) {
          const state = states.get(job.nativeId!);
          if (state && this.tracked.get(job.id) === job) {
            this.apply(job, state);
          }
        }
      }
      poller.consecutiveFailures = 0;
      if (polled > 0)
        this.events.emit(
          SchedulerPolledEvent.name,
          new SchedulerPolledEvent(
            kind,
            performance.now() - started,
            true,
            polled,
          ),
        );
    } catch (error) {
      poller.consecutiveFailures += 1;
      this.events.emit(
        SchedulerPolledEvent.name,
        new SchedulerPolledEvent(
          kind,
          performance.now() - started,
          false,
          polled,
        ),
      );
      this.logger.warn(
        `Polling ${kind} failed (${poller.consecutiveFailures} in a row); job states are kept as they were: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
