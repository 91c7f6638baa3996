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

describe('JobRepository.listForView', () => {
  let dir: string;
  let repository: JobRepository;
  let db: ReturnType<typeof openJobDatabase>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-list-for-view-'));
    db = openJobDatabase(dir, 'normal');
    repository = new JobRepository(db, DataDirLock.acquire(dir));
  });

  afterEach(() => {
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const withConfig = (id: string, projectPath: string, user: string): JobRecord => ({
    ...record(id, repository.allocateSeq()),
    config: { jobid: id, project_path: projectPath, user } as JobRecord['config'],
    argv: ['ansysedt', '-batchsolve', projectPath],
  });
  const listed = () =>
    repository.listForView({ limit: 500, offset: 0 }).items.map(({ job, configJson, argvJson, user, projectPath }) => ({
      id: job.id,
      status: job.status,
      config: JSON.parse(configJson.toString()) as unknown,
      argv: JSON.parse(argvJson.toString()) as unknown,
      user,
      projectPath,
    }));

  /** What `listed` shows of a queued job stored by withConfig. */
  const listing = (id: string, projectPath: string, user: string) => ({
    id,
    status: 'queued',
    config: expect.objectContaining({ user }) as unknown,
    argv: ['ansysedt', '-batchsolve', projectPath],
    user,
    projectPath,
  });

  it('shows a job deleted and submitted again under its id with its new config, not the one listed before', () => {
    repository.insertMany([withConfig('again', '/old.aedt', 'alice')], 'submitted');
    expect(listed()).toEqual([listing('again', '/old.aedt', 'alice')]);
    db.prepare("DELETE FROM jobs WHERE id = 'again'").run();
    repository.insertMany([withConfig('again', '/new.aedt', 'bob')], 'submitted');
    expect(listed()).toEqual([listing('again', '/new.aedt', 'bob')]);
  });

  it('shows what changed of a job listed before (status) with the bytes that cannot change', () => {
    repository.insertMany([withConfig('moving', '/m.aedt', 'carol')], 'submitted');
    listed();
    repository.update('moving', { status: JobStatus.RUNNING, startedAt: 5 }, 'started');
    expect(listed()).toEqual([expect.objectContaining({ id: 'moving', status: 'running', user: 'carol', projectPath: '/m.aedt' })]);
  });

  it('lists pages beyond what it keeps of listed jobs, and pages it keeps, the same as list does', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `bulk_${i}`);
    repository.insertMany(
      ids.map((id, i) => withConfig(id, `/p${i}.aedt`, `u${i % 7}`)),
      'submitted',
    );
    for (const offset of [0, 4500, 0, 2000, 4500]) {
      const page = repository.listForView({ limit: 500, offset });
      const expected = repository.list({ limit: 500, offset });
      expect(page.items.map(({ job, configJson, user, projectPath }) => [job.id, JSON.parse(configJson.toString()), user, projectPath])).toEqual(
        expected.items.map((job) => [job.id, job.config, job.config.user, job.config.project_path]),
      );
    }
  });
});
