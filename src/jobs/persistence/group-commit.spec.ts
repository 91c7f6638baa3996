import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import Database from 'better-sqlite3';
import { StorageFailureError } from '../../common/errors/job-manager.errors';
import { JobStateChangedEvent } from '../events/job-state-changed.event';
import { JobLifecycleService } from '../job-lifecycle.service';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { DataDirLock } from './data-dir-lock';
import { JobRepository } from './job.repository';
import { DATABASE_FILE_NAME, openJobDatabase } from './sqlite-database.provider';
import { jobRecordFixture } from '../../../test/support/job-record.fixture';

/** An fdatasync the test completes by hand. */
function heldSync(): {
  calls: number;
  release(error?: NodeJS.ErrnoException): void;
  sync: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;
} {
  const pending: Array<(error: NodeJS.ErrnoException | null) => void> = [];
  const held = {
    calls: 0,
    release: (error?: NodeJS.ErrnoException) => pending.splice(0).forEach((done) => done(error ?? null)),
    sync: (_fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
      held.calls++;
      pending.push(done);
    },
  };
  return held;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const job = (id: string, seq: number): JobRecord =>
  jobRecordFixture(id, {
    seq,
    config: { project_path: '/p.aedt' } as JobRecord['config'],
    workDir: '/w',
    logPath: '/w/solver.log',
    createdAt: 1,
    updatedAt: 1,
  });

describe('group commit (HFSS_JM_SQLITE_SYNCHRONOUS=full)', () => {
  let dir: string;
  let repository: JobRepository;
  let db: Database.Database;
  let held: ReturnType<typeof heldSync>;
  let published: string[];
  let lifecycle: JobLifecycleService;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-group-commit-'));
    held = heldSync();
    db = openJobDatabase(dir, 'full', { syncFile: held.sync });
    repository = new JobRepository(db, DataDirLock.acquire(dir));
    const events = new EventEmitter2();
    published = [];
    events.on(JobStateChangedEvent.name, (event: JobStateChangedEvent) => published.push(`${event.job.id}:${event.job.status}`));
    lifecycle = new JobLifecycleService(repository, events);
  });
  afterEach(() => {
    held.release();
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should run with synchronous=OFF and no automatic checkpoint on the connection (the fsync is its own)', () => {
    expect(db.pragma('synchronous', { simple: true })).toBe(0);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  });

  it('should publish nothing and resolve no whenDurable before the WAL fsync ends; one fsync covers the commits of a turn', async () => {
    await Promise.all([lifecycle.createUnlessExists(job('a', 1), 'submitted'), lifecycle.createUnlessExists(job('b', 2), 'submitted')]);
    let durable = false;
    void repository.whenDurable().then(() => (durable = true));
    // Committed (readable) but not acknowledged.
    expect(repository.findById('a')?.status).toBe(JobStatus.QUEUED);
    await turn();
    await turn();
    expect(held.calls).toBe(1);
    expect(published).toEqual([]);
    expect(durable).toBe(false);

    held.release();
    await turn();
    expect(published).toEqual(['a:queued', 'b:queued']);
    expect(durable).toBe(true);
  });

  it('should give commits made while an fsync runs a fsync of their own, and keep the events in order', async () => {
    await lifecycle.createUnlessExists(job('a', 1), 'submitted');
    await turn();
    expect(held.calls).toBe(1);
    const a = repository.findById('a')!;
    lifecycle.transition(a, { status: JobStatus.CANCELLED, finishedAt: 2 }, 'cancelled');
    let durable = false;
    void repository.whenDurable().then(() => (durable = true));
    held.release();
    await turn();
    expect(published).toEqual(['a:queued']);
    expect(durable).toBe(false);
    await turn();
    expect(held.calls).toBe(2);
    held.release();
    await turn();
    expect(published).toEqual(['a:queued', 'a:cancelled']);
    expect(durable).toBe(true);
  });

  it('should reject whenDurable with a storage failure when the fsync fails, publish nothing of it, and acknowledge nothing after it', async () => {
    await lifecycle.createUnlessExists(job('a', 1), 'submitted');
    const durable = repository.whenDurable();
    await turn();
    expect(repository.storageFailure).toBeUndefined();
    held.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(durable).rejects.toBeInstanceOf(StorageFailureError);
    // The event of a change that may be lost is never sent.
    await turn();
    expect(published).toEqual([]);
    expect(repository.storageFailure).toMatchObject({ code: 'EIO' });
    // A later fsync may succeed without the dropped pages (and SQLite's WAL recovery stops at them): no write is
    // accepted any more, nothing already committed is acknowledged, until a restart.
    await expect(lifecycle.createUnlessExists(job('b', 2), 'submitted')).rejects.toThrow(/failed to flush to disk earlier \(EIO\).*nothing was changed/);
    expect(repository.findById('b')).toBeUndefined();
    await expect(repository.whenDurable()).rejects.toThrow(/no change is accepted until the service is restarted/);
    let told = false;
    repository.afterDurable(() => (told = true));
    await turn();
    expect(told).toBe(false);
    expect(held.calls).toBe(1);
  });

  it('should start afresh after a restart on the same data dir once the disk works again', async () => {
    await lifecycle.createUnlessExists(job('a', 1), 'submitted');
    const durable = repository.whenDurable();
    await turn();
    held.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(durable).rejects.toBeInstanceOf(StorageFailureError);
    repository.onApplicationShutdown();
    db = openJobDatabase(dir, 'full', { syncFile: held.sync });
    repository = new JobRepository(db, DataDirLock.acquire(dir));
    lifecycle = new JobLifecycleService(repository, new EventEmitter2());
    expect(repository.storageFailure).toBeUndefined();
    await lifecycle.createUnlessExists(job('b', 2), 'submitted');
    const next = repository.whenDurable();
    await turn();
    held.release();
    await expect(next).resolves.toBeUndefined();
  });

  it('should keep the counts per status and read the active jobs per runner', () => {
    repository.insertMany([job('a', 1)], 'submitted');
    repository.insertMany([{ ...job('b', 2), schedulerType: 'slurm' } as JobRecord], 'submitted');
    repository.insertMany([job('c', 3)], 'submitted');
    repository.update('c', { status: JobStatus.COMPLETED, finishedAt: 3 }, 'done');
    expect(repository.countsByStatus()).toMatchObject({ queued: 2, completed: 1, running: 0 });
    expect(repository.list({ limit: 10, offset: 0 }).total).toBe(3);
    expect(repository.list({ status: JobStatus.COMPLETED, limit: 10, offset: 0 }).total).toBe(1);
    db.prepare("DELETE FROM jobs WHERE id = 'c'").run();
    expect(repository.countWithStatus(JobStatus.COMPLETED)).toBe(0);
    repository.insertMany([{ ...job('d', 4), priority: 7 }], 'submitted');
    repository.insertMany([job('e', 5)], 'submitted');
    repository.update('e', { status: JobStatus.RUNNING, startedAt: 5 }, 'starting the solver');
    expect(repository.findQueuedLocalEntries()).toEqual([
      { id: 'a', priority: 0, seq: 1 },
      { id: 'd', priority: 7, seq: 4 },
    ]);
    expect(repository.findStartedLocalJobs().map((record) => [record.id, record.status])).toEqual([['e', JobStatus.RUNNING]]);
    expect(repository.findStartedLocalJobs()[0].config).toEqual({ project_path: '/p.aedt' });
    expect(repository.findActiveClusterJobs().map((record) => record.id)).toEqual(['b']);
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status IN ('queued','scheduled','running') AND scheduler_type = 'none' ORDER BY seq")
      .all() as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join(' ')).toContain('jobs_active');
  });

  it('should leave a store that reopens with every committed job after a clean close', () => {
    repository.insertMany([job('a', 1)], 'submitted');
    repository.onApplicationShutdown();
    const again = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
    expect(again.prepare('SELECT id FROM jobs').all()).toEqual([{ id: 'a' }]);
    again.close();
    db = openJobDatabase(dir, 'full', { syncFile: held.sync });
    repository = new JobRepository(db, DataDirLock.acquire(dir));
  });
});

describe('HFSS_JM_SQLITE_SYNCHRONOUS=normal', () => {
  it('should publish at once: SQLite decides, nothing is held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hfss-group-commit-'));
    const repository = new JobRepository(openJobDatabase(dir, 'normal'), DataDirLock.acquire(dir));
    const events = new EventEmitter2();
    const published: string[] = [];
    events.on(JobStateChangedEvent.name, (event: JobStateChangedEvent) => published.push(event.job.id));
    await new JobLifecycleService(repository, events).createUnlessExists(job('a', 1), 'submitted');
    expect(published).toEqual(['a']);
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });
});
