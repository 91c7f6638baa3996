import { open, stat } from 'node:fs/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { JobProgressEvent } from '../events/job-progress.event';
import { JobStateChangedEvent } from '../events/job-state-changed.event';
import { JobRecord } from '../model/job-record';
import { isTerminal, JobStatus } from '../model/job-status';
import { JobRepository } from '../persistence/job.repository';
import { latestSolverProgress } from './solver-progress.parser';

/** Never read more than this much new log per job and scan: a chatty solver costs a bounded read. */
const MAX_READ_BYTES = 256 * 1024;

interface WatchedLog {
  jobId: string;
  logPath: string;
  offset: number;
  /** An incomplete last line, kept until its end arrives. */
  partial: string;
  percent: number | null;
}

/**
 * Follows the solver logs of running jobs (local and cluster: batch scripts append to the same solver.log in the
 * job's work dir) and turns progress lines into stored progress and job_progress events. Reads only what was
 * appended since the last scan, one scan at a time.
 */
@Injectable()
export class SolverProgressTracker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SolverProgressTracker.name);
  private readonly watched = new Map<string, WatchedLog>();
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobRepository,
    private readonly events: EventEmitter2,
  ) {}

  onApplicationBootstrap(): void {
    for (const job of this.repository.findWithStatus(JobStatus.RUNNING)) this.watch(job);
    this.timer = setInterval(() => void this.scan(), this.config.progress.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  @OnEvent(JobStateChangedEvent.name)
  onStateChanged(event: JobStateChangedEvent): void {
    const { job } = event;
    if (job.status === JobStatus.RUNNING) {
      this.watch(job);
    } else if (isTerminal(job.status)) {
      // Progress after the end means nothing (a completed job is stored at 100 % by the lifecycle).
      this.watched.delete(job.id);
    }
  }

  /** Reads all watched logs once (joins a scan in flight). */
  scan(): Promise<void> {
    this.scanning ??= Promise.all([...this.watched.values()].map((watched) => this.read(watched)))
      .then(() => undefined)
      .finally(() => {
        this.scanning = undefined;
      });
    return this.scanning;
  }

  private watch(job: JobRecord): void {
    if (!this.watched.has(job.id)) {
      this.watched.set(job.id, { jobId: job.id, logPath: job.logPath, offset: 0, partial: '', percent: job.progress });
    }
  }

  private async read(watched: WatchedLog): Promise<void> {
    try {
      const { size } = await stat(watched.logPath);
      if (size < watched.offset) {
        watched.offset = 0; // truncated or replaced: start again
        watched.partial = '';
      }
      if (size === watched.offset) {
        return;
      }
      const from = Math.max(watched.offset, size - MAX_READ_BYTES);
      const buffer = Buffer.alloc(size - from);
      const file = await open(watched.logPath, 'r');
      try {
        await file.read(buffer, 0, buffer.length, from);
      } finally {
        await file.close();
      }
      const text = (from === watched.offset ? watched.partial : '') + buffer.toString('utf8');
      const end = text.lastIndexOf('\n') + 1;
      watched.partial = text.slice(end).slice(-4096);
      watched.offset = size;
      const progress = latestSolverProgress(text.slice(0, end));
      // The job may have ended while this read was waiting on the file system: its end event is already out, and a
      // progress event after it would show the job running again.
      if (this.watched.get(watched.jobId) !== watched) return;
      if (progress && progress.percent !== watched.percent) {
        this.record(watched, progress.percent, progress.message);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(`Reading progress of ${watched.jobId} from ${watched.logPath} failed: ${String(error)}`);
      }
    }
  }

  private record(watched: WatchedLog, percent: number, message: string): void {
    watched.percent = percent;
    try {
      if (!this.repository.updateProgress(watched.jobId, percent)) {
        // Stored as ended (its state-change event has not reached us yet): no progress after the end.
        this.watched.delete(watched.jobId);
        return;
      }
    } catch (error) {
      this.logger.warn(`Storing progress of ${watched.jobId} failed: ${String(error)}`);
    }
    this.events.emit(JobProgressEvent.name, new JobProgressEvent(watched.jobId, percent, message, Date.now()));
  }
}
