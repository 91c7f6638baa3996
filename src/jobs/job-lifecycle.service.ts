import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { TimeoutError } from '../common/errors/job-manager.errors';
import { JobStateChangedEvent } from './events/job-state-changed.event';
import { JobsSubmittedEvent } from './events/jobs-submitted.event';
import { AcceptedFile } from './model/accepted-file';
import { JobPatch, JobRecord } from './model/job-record';
import { isTerminal, JobStatus } from './model/job-status';
import { JobRepository } from './persistence/job.repository';

/**
 * The one place job state changes: persist first, then tell listeners and waiters once the write is on disk
 * (JobRepository.afterDurable: at once in the `normal` mode, after the group commit's fsync in `full`), in order.
 */
@Injectable()
export class JobLifecycleService {
  private readonly waiters = new Map<string, Set<(job: JobRecord) => void>>();

  constructor(
    private readonly repository: JobRepository,
    private readonly events: EventEmitter2,
  ) {}

  /**
   * Stores a new job (with the files it was accepted with, when checked) and announces it once durable, unless the
   * job id is stored already: then nothing is stored or published, and undefined is returned. The insert shares one
   * transaction with the others of this event-loop turn (JobRepository.insertInTurn).
   */
  async createUnlessExists(record: JobRecord, detail: string, acceptedFiles?: readonly AcceptedFile[]): Promise<JobRecord | undefined> {
    if (!(await this.repository.insertInTurn(record, detail, acceptedFiles))) return undefined;
    this.publishNew(record, detail);
    return record;
  }

  private publishNew(record: JobRecord, detail: string): void {
    const event = new JobStateChangedEvent(record, null, detail);
    this.repository.afterDurable(() => this.events.emit(JobStateChangedEvent.name, event));
  }

  /**
   * Tells listeners of jobs a batch stored (JobRepository.insertMany): one JobsSubmittedEvent, once they are durable,
   * instead of one JobStateChangedEvent each.
   */
  async publishCreated(records: readonly JobRecord[], detail: string): Promise<void> {
    await this.repository.whenDurable();
    if (records.length > 0) this.events.emit(JobsSubmittedEvent.name, new JobsSubmittedEvent(records, detail));
  }

  /** `alongside` runs in the same store transaction (e.g. the retry's attempt record); it may throw to abort. */
  transition(job: JobRecord, patch: JobPatch, detail: string, alongside?: () => void): JobRecord {
    // A completed solve is 100 % whatever the last progress line said.
    const stored = patch.status === JobStatus.COMPLETED && patch.progress === undefined ? { ...patch, progress: 100 } : patch;
    const updated = this.repository.update(job.id, stored, detail, Date.now(), alongside);
    const event = new JobStateChangedEvent(updated, job.status, detail);
    this.repository.afterDurable(() => {
      this.events.emit(JobStateChangedEvent.name, event);
      if (isTerminal(updated.status)) {
        this.waiters.get(updated.id)?.forEach((resolve) => resolve(updated));
        this.waiters.delete(updated.id);
      }
    });
    return updated;
  }

  /** Resolves with the job once it is terminal; rejects with TimeoutError after `timeoutMs`. */
  waitForTerminal(job: JobRecord, timeoutMs: number): Promise<JobRecord> {
    if (isTerminal(job.status)) {
      return Promise.resolve(job);
    }
    return new Promise<JobRecord>((resolve, reject) => {
      const waiters = this.waiters.get(job.id) ?? new Set();
      this.waiters.set(job.id, waiters);
      const done = (finished: JobRecord): void => {
        clearTimeout(timer);
        resolve(finished);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        reject(
          new TimeoutError(`Job ${job.id} did not finish within ${timeoutMs / 1000} s (it is still ${this.repository.findById(job.id)?.status ?? job.status})`),
        );
      }, timeoutMs);
      waiters.add(done);
    });
  }
}
