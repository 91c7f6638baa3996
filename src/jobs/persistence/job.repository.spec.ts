import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { DataDirLock } from './data-dir-lock';
import { JobRepository } from './job.repository';
import { openJobDatabase } from './sqlite-database.provider';
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

describe('JobRepository.insertUnlessExists', () => {
  let dir: string;
  let repository: JobRepository;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-insert-unless-'));
    repository = new JobRepository(openJobDatabase(dir, 'normal'), DataDirLock.acquire(dir));
  });

  afterEach(() => {
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a new job, and answers false without writing anything for an id stored already', () => {
    expect(repository.insertUnlessExists(record('a', 1), 'submitted')).toBe(true);
    const stored = repository.findById('a');
    expect(repository.insertUnlessExists({ ...record('a', 2), configHash: 'other' }, 'submitted again')).toBe(false);
    expect(repository.findById('a')).toEqual(stored);
    expect(repository.countsByStatus()[JobStatus.QUEUED]).toBe(1);
    // The seq the refused insert was given stays free.
    expect(repository.insertUnlessExists(record('b', 2), 'submitted')).toBe(true);
  });

  it('still throws for any other refusal, such as a seq already taken', () => {
    repository.insert(record('a', 1), 'submitted');
    expect(() => repository.insertUnlessExists(record('b', 1), 'submitted')).toThrow(/UNIQUE constraint failed: jobs\.seq/);
    expect(repository.findById('b')).toBeUndefined();
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
    repository.insert(withConfig('again', '/old.aedt', 'alice'), 'submitted');
    expect(listed()).toEqual([listing('again', '/old.aedt', 'alice')]);
    db.prepare("DELETE FROM jobs WHERE id = 'again'").run();
    repository.insert(withConfig('again', '/new.aedt', 'bob'), 'submitted');
    expect(listed()).toEqual([listing('again', '/new.aedt', 'bob')]);
  });

  it('shows what changed of a job listed before (status) with the bytes that cannot change', () => {
    repository.insert(withConfig('moving', '/m.aedt', 'carol'), 'submitted');
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
