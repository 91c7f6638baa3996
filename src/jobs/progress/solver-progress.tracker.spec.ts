import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '../../config/app-config';
import { JobProgressEvent } from '../events/job-progress.event';
import { JobStateChangedEvent } from '../events/job-state-changed.event';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { DataDirLock } from '../persistence/data-dir-lock';
import { JobRepository } from '../persistence/job.repository';
import { openJobDatabase } from '../persistence/sqlite-database.provider';
import { jobRecordFixture } from '../../../test/support/job-record.fixture';
import { SolverProgressTracker } from './solver-progress.tracker';

describe('SolverProgressTracker', () => {
  let dir: string;
  let repository: JobRepository;
  let events: EventEmitter2;
  let tracker: SolverProgressTracker;
  let emitted: JobProgressEvent[];
  let job: JobRecord;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-progress-tracker-'));
    repository = new JobRepository(openJobDatabase(dir, 'normal'), DataDirLock.acquire(dir));
    events = new EventEmitter2();
    emitted = [];
    events.on(JobProgressEvent.name, (event: JobProgressEvent) => emitted.push(event));
    const config = { progress: { intervalMs: 60_000 } } as unknown as AppConfig;
    tracker = new SolverProgressTracker(config, repository, events);
    job = jobRecordFixture('solve_1', { status: JobStatus.RUNNING, logPath: join(dir, 'solver.log'), startedAt: Date.now() });
    repository.insertMany([job], 'submitted');
    writeFileSync(job.logPath, '');
    tracker.onStateChanged(new JobStateChangedEvent(job, JobStatus.QUEUED, 'started'));
  });

  afterEach(() => {
    tracker.onModuleDestroy();
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const end = (status: JobStatus, progress: number | null): void => {
    repository.update(job.id, { status, progress, finishedAt: Date.now() }, 'ended');
    tracker.onStateChanged(new JobStateChangedEvent({ ...job, status, progress }, JobStatus.RUNNING, 'ended'));
  };

  it('stores and announces the progress a running job logs', async () => {
    appendFileSync(job.logPath, '[info] Solving adaptive pass 3 of 6 (50%)\n');
    await tracker.scan();
    expect(emitted.map((event) => [event.jobId, event.percent])).toEqual([['solve_1', 50]]);
    expect(repository.findById(job.id)?.progress).toBe(50);
  });

  it('announces nothing for a read that finishes after the job ended, and keeps the progress stored with the end', async () => {
    appendFileSync(job.logPath, '[info] Solving adaptive pass 5 of 6 (83%)\n');
    const scan = tracker.scan(); // reading the log (asynchronous) …
    end(JobStatus.FAILED, 100); // … while the job ends
    await scan;
    expect(emitted).toEqual([]);
    expect(repository.findById(job.id)?.progress).toBe(100);
  });

  it('announces nothing for a job already stored as ended whose state-change event has not arrived yet', async () => {
    appendFileSync(job.logPath, 'Progress: 90 %\n');
    repository.update(job.id, { status: JobStatus.COMPLETED, progress: 100, finishedAt: Date.now() }, 'completed');
    await tracker.scan();
    expect(emitted).toEqual([]);
    expect(repository.findById(job.id)?.progress).toBe(100);
    // And it is no longer read.
    appendFileSync(job.logPath, 'Progress: 95 %\n');
    await tracker.scan();
    expect(emitted).toEqual([]);
  });
});
