import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRecord } from '../model/job-record';
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
