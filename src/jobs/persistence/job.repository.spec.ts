import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { DataDirLock } from './data-dir-lock';
import { JobRepository } from './job.repository';
import { openJobDatabase } from './sqlite-database.provider';
import { GroupCommit } from './group-commit';
import { jobRecordFixture } from '../../../test/support/job-record.fixture';

const record = (id: string, seq: number): JobRecord => jobRecordFixture(id, { seq, configHash: `h_${id}` });

describe('JobRepository.findByIds', () => {
  let dir: string;
  let repository: JobRepository;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-find-by-ids-'));
    repository = new JobRepository(openJobDatabase(dir, 'normal'), DataDirLock.acquire(dir));
    repository.insertMany([record('a', 1), record('b', 2), record('c"quoted', 3)], 'submitted');
  });

  afterEach(() => {
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the stored jobs among the ids in one call, as findById reads each, and nothing for the others', () => {
    const found = repository.findByIds(['b', 'missing', 'c"quoted', 'a', 'b']);
    expect([...found.keys()].sort()).toEqual(['a', 'b', 'c"quoted']);
    for (const id of ['a', 'b', 'c"quoted']) expect(found.get(id)).toEqual(repository.findById(id));
  });

  it('answers an empty map for no ids, and for ids of which none is stored', () => {
    expect(repository.findByIds([]).size).toBe(0);
    expect(repository.findByIds(Array.from({ length: 20_000 }, (_, i) => `none_${i}`)).size).toBe(0);
  });
});

describe('JobRepository.insertInTurn', () => {
  let dir: string;
  let db: Database.Database;
  let repository: JobRepository;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-insert-in-turn-'));
    db = openJobDatabase(dir, 'full');
    repository = new JobRepository(db, DataDirLock.acquire(dir));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    if (db.open) repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the inserts asked for in one event-loop turn in one transaction, each with its event', async () => {
    const commits = jest.spyOn(GroupCommit.prototype, 'noteCommit');
    const answers = Promise.all(['a', 'b', 'c'].map((id, i) => repository.insertInTurn(record(id, i + 1), 'submitted')));
    // Nothing is written before the turn ends.
    expect(repository.findById('a')).toBeUndefined();
    expect(await answers).toEqual([true, true, true]);
    expect(commits).toHaveBeenCalledTimes(1);
    expect(repository.countsByStatus()[JobStatus.QUEUED]).toBe(3);
    const events = db.prepare('SELECT job_id, detail FROM job_events ORDER BY rowid').all();
    expect(events).toEqual(['a', 'b', 'c'].map((id) => ({ job_id: id, detail: 'submitted' })));
    // A later turn is a transaction of its own.
    await repository.insertInTurn(record('d', 4), 'submitted');
    expect(commits).toHaveBeenCalledTimes(2);
  });

  it('answers false for an id stored already, in the store or earlier in the same turn, without writing anything of it', async () => {
    repository.insertMany([record('a', 1)], 'submitted');
    const stored = repository.findById('a');
    const answers = await Promise.all([
      repository.insertInTurn({ ...record('a', 2), configHash: 'other' }, 'again'),
      repository.insertInTurn(record('b', 3), 'submitted'),
      repository.insertInTurn({ ...record('b', 4), configHash: 'other' }, 'again'),
    ]);
    expect(answers).toEqual([false, true, false]);
    expect(repository.findById('a')).toEqual(stored);
    expect(repository.findById('b')?.configHash).toBe('h_b');
    expect(db.prepare("SELECT COUNT(*) AS n FROM job_events WHERE detail = 'again'").get()).toEqual({ n: 0 });
  });

  it('rejects an insert refused by another constraint, such as a seq already taken, and stores the others of its turn', async () => {
    repository.insertMany([record('a', 1)], 'submitted');
    const answers = await Promise.allSettled([repository.insertInTurn(record('b', 1), 'submitted'), repository.insertInTurn(record('c', 2), 'submitted')]);
    expect(answers[0].status).toBe('rejected');
    expect(String((answers[0] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed: jobs\.seq/);
    expect(answers[1]).toEqual({ status: 'fulfilled', value: true });
    expect(repository.findById('b')).toBeUndefined();
    expect(repository.findById('c')).toBeDefined();
  });

  it('rejects every insert of the turn and stores none when the write fails (a full database)', async () => {
    repository.insertMany([record('a', 1)], 'submitted');
    // SQLite's own limit on the file's pages: the next pages a write needs are refused with SQLITE_FULL.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const big = 'x'.repeat(64 * 1024);
    const answers = await Promise.allSettled(['b', 'c'].map((id, i) => repository.insertInTurn(record(id, i + 2), big)));
    for (const answer of answers) {
      expect(answer.status).toBe('rejected');
      expect(String((answer as PromiseRejectedResult).reason)).toMatch(/could not be written \(SQLITE_FULL\); nothing was changed/);
    }
    expect(repository.findById('b')).toBeUndefined();
    expect(repository.findById('c')).toBeUndefined();
    expect(repository.countsByStatus()[JobStatus.QUEUED]).toBe(1);
  });

  it('commits the inserts of the last turn at shutdown rather than dropping them', async () => {
    const answer = repository.insertInTurn(record('last', 1), 'submitted');
    repository.onApplicationShutdown();
    await expect(answer).resolves.toBe(true);
    const reopened = new JobRepository(openJobDatabase(dir, 'full'), DataDirLock.acquire(dir));
    try {
      expect(reopened.findById('last')?.id).toBe('last');
    } finally {
      reopened.onApplicationShutdown();
    }
  });
});
