import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { JobStatus } from '../../model/job-status';
import { DataDirLock } from '../data-dir-lock';
import { JobRepository } from '../job.repository';
import { DATABASE_FILE_NAME, openJobDatabase } from '../sqlite-database.provider';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS } from '.';
import { Migration } from './migration';
import { runMigrations, UnsupportedSchemaVersionError } from './run-migrations';

/** Written by release 0.1.0 itself (commit 1ebcfbc, user_version 0): see make-fixture.cjs beside it. */
const STORE_0_1_0 = resolve(__dirname, '../../../../test/fixtures/store-0.1.0/jobs.sqlite');

const userVersion = (db: Database.Database): number => db.pragma('user_version', { simple: true }) as number;

describe(runMigrations.name, () => {
  let dir: string;
  const open: Database.Database[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hfss-migrations-'))));
  afterEach(() => {
    open.splice(0).forEach((db) => db.open && db.close());
    rmSync(dir, { recursive: true, force: true });
  });
  const track = (db: Database.Database): Database.Database => (open.push(db), db);

  it('should upgrade a store written by 0.1.0 to the current version and read every job and event as 0.1.0 wrote it', () => {
    copyFileSync(STORE_0_1_0, join(dir, DATABASE_FILE_NAME));
    expect(userVersion(track(new Database(join(dir, DATABASE_FILE_NAME), { readonly: true })))).toBe(0);

    const db = track(openJobDatabase(dir, 'normal'));
    expect(userVersion(db)).toBe(CURRENT_SCHEMA_VERSION);
    const lock = DataDirLock.acquire(dir);
    const repository = new JobRepository(db, lock);

    expect(repository.findById('fixture_completed')).toMatchObject({ status: JobStatus.COMPLETED, exitCode: 0, progress: 100, priority: 3 });
    expect(repository.findById('fixture_failed')).toMatchObject({ status: JobStatus.FAILED, exitCode: 3, error: 'solver exited with code 3' });
    const cancelled = repository.findById('fixture_cancelled')!;
    expect(cancelled).toMatchObject({ status: JobStatus.CANCELLED, error: 'cancelled on request' });
    expect(cancelled.cancelRequestedAt).toEqual(expect.any(Number));
    expect(cancelled.config).toMatchObject({ design_name: 'Board', setup_name: 'Setup1' });
    expect(cancelled.argv).toContain('Board:Nominal:Setup1');
    expect(repository.findActive().map((job) => [job.id, job.priority, job.nativeId])).toEqual([
      ['fixture_queued_low', 1, null],
      ['fixture_queued_high', 9, null],
    ]);
    expect(repository.list({ limit: 10, offset: 0 }).total).toBe(5);
    const events = db.prepare('SELECT job_id, status FROM job_events ORDER BY seq').all() as Array<{ job_id: string; status: string }>;
    expect(events.filter((event) => event.job_id === 'fixture_cancelled').map((event) => event.status)).toEqual(
      expect.arrayContaining(['queued', 'running', 'cancelled']),
    );
    expect(events).toHaveLength(15);

    // The upgraded store takes new writes after the old ones.
    expect(repository.allocateSeq()).toBe(6);
    expect(repository.update('fixture_queued_low', { priority: 4 }, 'priority changed').priority).toBe(4);
    repository.onApplicationShutdown();

    // Opening again is a no-op.
    const again = track(openJobDatabase(dir, 'normal'));
    expect(userVersion(again)).toBe(CURRENT_SCHEMA_VERSION);
    expect(new JobRepository(again, DataDirLock.acquire(dir)).findById('fixture_queued_low')?.priority).toBe(4);
  });

  it('should refuse a store written by a newer release, saying which versions it reads, and leave it untouched', () => {
    const newer = CURRENT_SCHEMA_VERSION + 1;
    track(openJobDatabase(dir, 'normal')).pragma(`user_version = ${newer}`);
    open.splice(0).forEach((db) => db.close());

    expect(() => openJobDatabase(dir, 'normal')).toThrow(UnsupportedSchemaVersionError);
    expect(() => openJobDatabase(dir, 'normal')).toThrow(
      `has schema version ${newer}, written by a newer hfss-job-manager; this release reads versions up to ${CURRENT_SCHEMA_VERSION}`,
    );
    expect(userVersion(track(new Database(join(dir, DATABASE_FILE_NAME), { readonly: true })))).toBe(newer);
  });

  it('should leave the store at the previous version, without the half-done change, when a migration throws', () => {
    const failing: Migration = {
      version: CURRENT_SCHEMA_VERSION + 1,
      name: 'fails half-way',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        db.exec("UPDATE jobs SET status = 'broken'");
        throw new Error('migration bug');
      },
    };
    copyFileSync(STORE_0_1_0, join(dir, DATABASE_FILE_NAME));
    const db = track(new Database(join(dir, DATABASE_FILE_NAME)));

    expect(() => runMigrations(db, [...MIGRATIONS, failing], 'jobs.sqlite')).toThrow('migration bug');
    expect(userVersion(db)).toBe(CURRENT_SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all()).toEqual([]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'broken'").get()).toEqual({ n: 0 });
    // The earlier migrations stay applied, and a fixed release carries on from there.
    expect(runMigrations(db, MIGRATIONS, 'jobs.sqlite')).toEqual({ from: CURRENT_SCHEMA_VERSION, to: CURRENT_SCHEMA_VERSION });
  });

  it('should stop at the last migration that succeeded when one in the middle of an upgrade throws', () => {
    const db = track(new Database(join(dir, DATABASE_FILE_NAME)));
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: () => {
        throw new Error('second fails');
      },
    };
    expect(() => runMigrations(db, [MIGRATIONS[0], broken], 'jobs.sqlite')).toThrow('second fails');
    expect(userVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'jobs'").all()).toHaveLength(1);
  });
});
