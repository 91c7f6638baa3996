import { mkdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { Provider } from '@nestjs/common';
import Database from 'better-sqlite3';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { DATA_DIR_LOCK, SQLITE_DATABASE } from '../jobs.constants';
import { DataDirLock } from './data-dir-lock';
import { configureSynchronous, SyncFile } from './group-commit';
import { MIGRATIONS } from './migrations';
import { runMigrations } from './migrations/run-migrations';

export const DATABASE_FILE_NAME = 'jobs.sqlite';

/** Opens (creating if needed) the SQLite file under the data dir: WAL journal, durable commits (group commit, see GroupCommit) unless configured otherwise. */
export function openJobDatabase(dataDir: string, synchronous: 'full' | 'normal', options: { syncFile?: SyncFile } = {}): Database.Database {
  try {
    return openAndMigrate(dataDir, synchronous, options.syncFile);
  } catch (error) {
    throw explainStorageFailure(error, dataDir);
  }
}

/** SQLite needs room for its -wal and -shm files (32 KiB and up) to open a store whose last run ended cleanly. */
const SPACE_NEEDED_TO_OPEN = 1024 * 1024;

/** A store that cannot be opened for want of space says so, and how much to free. */
function explainStorageFailure(error: unknown, dataDir: string): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (!/^(SQLITE_FULL|SQLITE_IOERR|SQLITE_CANTOPEN|ENOSPC|EIO)/.test(code)) {
    return error;
  }
  let free = 'unknown';
  try {
    const stats = statfsSync(dataDir);
    free = `${stats.bavail * stats.bsize} bytes`;
  } catch {
    // keep "unknown"
  }
  return new Error(
    `cannot open the job store ${join(dataDir, DATABASE_FILE_NAME)} (${code}: ${(error as Error).message}); ` +
      `the data disk has ${free} free: free at least ${SPACE_NEEDED_TO_OPEN / 1024 / 1024} MB on the file system of ${dataDir} and start again`,
  );
}

function openAndMigrate(dataDir: string, synchronous: 'full' | 'normal', syncFile?: SyncFile): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const owner = db.pragma('application_id', { simple: true }) as number;
  if (owner !== 0 && owner !== HFSS_JOB_MANAGER_APPLICATION_ID) {
    db.close();
    throw new Error(`${join(dataDir, DATABASE_FILE_NAME)} is not an hfss-job-manager database`);
  }
  try {
    runMigrations(db, MIGRATIONS, join(dataDir, DATABASE_FILE_NAME));
    if (owner !== HFSS_JOB_MANAGER_APPLICATION_ID) {
      db.pragma(`application_id = ${HFSS_JOB_MANAGER_APPLICATION_ID}`);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  // After the migrations, which commit with FULL sync whatever the mode.
  configureSynchronous(db, synchronous, syncFile);
  return db;
}

/** "HFJM" in ASCII, stamped into the file header. */
const HFSS_JOB_MANAGER_APPLICATION_ID = 0x48464a4d;

/** Taken before the store is opened, released after it is closed (JobRepository.onApplicationShutdown). */
export const dataDirLockProvider: Provider = {
  provide: DATA_DIR_LOCK,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => DataDirLock.acquire(config.storage.dataDir),
};

export const sqliteDatabaseProvider: Provider = {
  provide: SQLITE_DATABASE,
  inject: [APP_CONFIG, DATA_DIR_LOCK],
  useFactory: (config: AppConfig, lock: DataDirLock) => {
    try {
      return openJobDatabase(config.storage.dataDir, config.storage.synchronous);
    } catch (error) {
      lock.release();
      throw error;
    }
  },
};
