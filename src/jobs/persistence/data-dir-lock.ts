import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';

export const LOCK_FILE_NAME = 'service.lock';
export const LOCK_HOLDER_FILE_NAME = 'service.lock.json';

export class DataDirInUseError extends Error {}

const logger = new Logger('DataDirLock');

interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/**
 * One service per data dir. The lock is an SQLite database opened in exclusive locking mode inside an open
 * `BEGIN EXCLUSIVE` transaction: the OS-level file lock is held as long as this process lives and is released by the
 * kernel when it dies, kill -9 included, on Linux and on Windows. Nothing is ever written to it (journal in memory), so it
 * is taken on a full disk too. `service.lock.json` beside it names the holder for the message a second instance prints.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly holderFile: string,
  ) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const lockFile = join(dataDir, LOCK_FILE_NAME);
    const holderFile = join(dataDir, LOCK_HOLDER_FILE_NAME);
    const db = new Database(lockFile, { timeout: 0 });
    try {
      db.pragma('journal_mode = MEMORY');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new DataDirInUseError(
          `the data dir ${dataDir} is in use by another hfss-job-manager (${describeHolder(holderFile)}); ` +
            'stop that service or give this one another HFSS_JM_DATA_DIR',
        );
      }
      throw error;
    }
    writeHolder(holderFile);
    return new DataDirLock(db, holderFile);
  }

  release(): void {
    if (!this.db.open) {
      return;
    }
    rmSync(this.holderFile, { force: true });
    this.db.close();
  }
}

function writeHolder(holderFile: string): void {
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const temporary = `${holderFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(holder));
    renameSync(temporary, holderFile);
  } catch (error) {
    // The lock itself is held; only the courtesy note for a second instance is missing (a full disk, say).
    rmSync(temporary, { force: true });
    logger.warn(
      `could not write ${holderFile} (${(error as NodeJS.ErrnoException).code ?? String(error)}): a second instance will not be told who holds the lock`,
    );
  }
}

function describeHolder(holderFile: string): string {
  try {
    const holder = JSON.parse(readFileSync(holderFile, 'utf8')) as LockHolder;
    return `pid ${holder.pid} on host ${holder.host}, since ${holder.since}`;
  } catch {
    return `holder unknown: ${holderFile} is missing or unreadable`;
  }
}
