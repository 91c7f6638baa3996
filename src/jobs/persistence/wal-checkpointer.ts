import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';

/**
 * Runs `PRAGMA wal_checkpoint(PASSIVE)` on a second connection (`synchronous=FULL`) in a worker thread, so copying
 * the WAL into the database, and its two fsyncs, never block the event loop (an automatic checkpoint inside a commit
 * was measured blocking it 20-180 ms). PASSIVE never waits for the writer: the main connection keeps committing.
 */
export class WalCheckpointer {
  private readonly logger = new Logger(WalCheckpointer.name);
  private readonly worker: Worker;
  private running = false;
  private closed = false;

  constructor(databaseFile: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: require.resolve('better-sqlite3'), file: databaseFile } });
    this.worker.unref();
    this.worker.on('message', (message: { ok: boolean; error?: string }) => {
      this.running = false;
      if (!message.ok) this.logger.warn(`WAL checkpoint failed (retried after the next writes): ${message.error}`);
    });
    this.worker.on('error', (error) => {
      this.running = false;
      this.logger.error(`the WAL checkpoint worker stopped: ${error.message}`);
    });
  }

  /** Starts a checkpoint unless one is under way; false when none was started. */
  request(): boolean {
    if (this.running || this.closed) return false;
    this.running = true;
    this.worker.postMessage('checkpoint');
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // A checkpoint under way finishes inside SQLite before the thread ends; the main connection closes with FULL sync.
    this.worker.postMessage('close');
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
parentPort.on('message', (message) => {
  if (message === 'close') {
    if (db) db.close();
    parentPort.close();
    return;
  }
  try {
    if (!db) {
      db = new Database(workerData.file, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
    }
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message || error) });
  }
});
`;
