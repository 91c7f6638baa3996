import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, DataDirLock, LOCK_HOLDER_FILE_NAME } from './data-dir-lock';

describe(DataDirLock.name, () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'hfss-lock-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should refuse a second holder, naming the first, until the first releases it', () => {
    const first = DataDirLock.acquire(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(() => DataDirLock.acquire(dataDir)).toThrow(DataDirInUseError);
    expect(() => DataDirLock.acquire(dataDir)).toThrow(new RegExp(`pid ${process.pid} on host .+, since \\d{4}-`));
    first.release();
    first.release();
    DataDirLock.acquire(dataDir).release();
  });
});
