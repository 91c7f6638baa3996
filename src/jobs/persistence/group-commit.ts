import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { StorageFailureError } from '../../common/errors/job-manager.errors';
import { WalCheckpointer } from './wal-checkpointer';

/** Flushes a file descriptor to the disk off the event loop (fs.fdatasync on the libuv threadpool); replaceable in tests. */
export type SyncFile = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

/**
 * When the job store's commits are durable.
 *
 * `immediate` (HFSS_JM_SQLITE_SYNCHRONOUS=normal, in-memory stores): SQLite's own setting decides and every commit
 * counts as durable at once.
 *
 * `group` (the default, `full`): the connection runs with `synchronous=OFF`, so a commit is a write into the WAL
 * that costs no fsync on the event loop; after the commits of one event-loop turn a single fdatasync of the WAL file
 * runs on the threadpool and covers all of them (group commit). Whoever tells the world about a write waits for it
 * (whenDurable / afterDurable). Checkpoints copy the WAL into the database from a second connection with
 * `synchronous=FULL` in a worker thread (WalCheckpointer), which fsyncs the WAL and the database before the WAL may
 * be reused, so a checkpoint never drops a durable commit.
 *
 * A failed fdatasync is final. After an I/O error Linux may drop the dirty pages it could not write and mark them
 * clean, so a later fdatasync can succeed without those frames being on disk; and SQLite's WAL recovery stops at the
 * first frame whose checksum does not follow, so every commit after them would be lost as well. From the first
 * failure on, nothing is acknowledged any more: every waiter is rejected (StorageFailureError), nothing waiting for
 * durability is told (no event of a change that may be lost), and `failure` says so (the repository then refuses
 * every write and /health reports it) until the service is restarted and SQLite recovers what is really on disk.
 */
export class GroupCommit {
  private committed = 0;
  private durable = 0;
  private syncing = false;
  private scheduled = false;
  private closed = false;
  private fd?: number;
  private failed?: Error;
  private readonly callbacks: Array<{ generation: number; run: () => void }> = [];
  private readonly waiters: Array<{ generation: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private commitsSinceCheckpoint = 0;
  private lastCheckpointAt = Date.now();

  private constructor(
    private readonly walFile: string | undefined,
    private readonly syncFile: SyncFile,
    private readonly checkpointer: WalCheckpointer | undefined,
  ) {}

  static immediate(): GroupCommit {
    return new GroupCommit(undefined, fdatasync, undefined);
  }

  static group(walFile: string, checkpointer: WalCheckpointer | undefined, syncFile: SyncFile = fdatasync): GroupCommit {
    return new GroupCommit(walFile, syncFile, checkpointer);
  }

  get isGrouped(): boolean {
    return this.walFile !== undefined;
  }

  /** The error of the flush that failed, after which nothing is acknowledged any more (see the class comment). */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** Called after every successful commit (synchronously, in the same turn). */
  noteCommit(): void {
    if (!this.walFile) return;
    this.committed++;
    this.commitsSinceCheckpoint++;
    this.schedule();
  }

  /** Resolves once everything committed so far is on disk; rejects with StorageFailureError if that flush failed. */
  whenDurable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failureError());
    if (this.durable >= this.committed) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ generation: this.committed, resolve, reject }));
  }

  /** Runs `callback` now when nothing is pending, else once everything committed so far is on disk; in call order. */
  afterDurable(callback: () => void): void {
    if (this.failed) return; // never durable: nobody is told
    if (this.durable >= this.committed && this.callbacks.length === 0) {
      callback();
      return;
    }
    this.callbacks.push({ generation: this.committed, run: callback });
  }

  /** Flushes what is pending synchronously (shutdown), settles every waiter and releases the WAL descriptor. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.checkpointer?.close();
    if (this.committed > this.durable) {
      try {
        this.fd ??= openSync(this.walFile!, 'r');
        fdatasyncSync(this.fd);
        this.settle(this.committed);
      } catch (error) {
        this.settle(this.committed, error as Error);
      }
    }
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.syncing || this.closed || this.failed) return;
    this.scheduled = true;
    // Every commit made in this turn of the event loop shares the one fsync.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const target = this.committed;
    if (target <= this.durable || this.closed) return;
    this.syncing = true;
    try {
      this.fd ??= openSync(this.walFile!, 'r');
    } catch (error) {
      this.settle(target, error as Error);
      return;
    }
    this.syncFile(this.fd, (error) => this.settle(target, error ?? undefined));
  }

  private settle(target: number, error?: Error): void {
    this.syncing = false;
    if (target <= this.durable) return;
    if (error && !this.failed) {
      new Logger(GroupCommit.name).error(
        `fdatasync of ${this.walFile} failed: ${error.message}; the writes since the last flush are not acknowledged, ` +
          'and the job store accepts no more changes until the service is restarted',
      );
      this.failed = error;
    }
    this.durable = target;
    if (this.failed) {
      this.callbacks.length = 0;
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.failureError());
      return;
    }
    while (this.callbacks.length > 0 && this.callbacks[0].generation <= target) {
      const { run } = this.callbacks.shift()!;
      try {
        run();
      } catch (callbackError) {
        new Logger(GroupCommit.name).error(`a listener of a durable write failed: ${String(callbackError)}`);
      }
    }
    while (this.waiters.length > 0 && this.waiters[0].generation <= target) {
      this.waiters.shift()!.resolve();
    }
    if (this.committed > this.durable) this.schedule();
    this.maybeCheckpoint();
  }

  private failureError(): StorageFailureError {
    const code = (this.failed as NodeJS.ErrnoException).code ?? this.failed?.message;
    return new StorageFailureError(
      `The job store could not be flushed to disk (${code}); the change may be lost on a power cut, and no change is accepted until the service is restarted`,
    );
  }

  private maybeCheckpoint(): void {
    if (!this.checkpointer || this.closed || this.commitsSinceCheckpoint === 0) return;
    if (this.commitsSinceCheckpoint < CHECKPOINT_EVERY_COMMITS && Date.now() - this.lastCheckpointAt < CHECKPOINT_EVERY_MS) return;
    if (this.checkpointer.request()) {
      this.commitsSinceCheckpoint = 0;
      this.lastCheckpointAt = Date.now();
    }
  }
}

/** A passive checkpoint after this many commits or this long after the last one (whichever first) once writes happened. */
const CHECKPOINT_EVERY_COMMITS = 200;
const CHECKPOINT_EVERY_MS = 250;

const GROUPED = new WeakMap<Database.Database, { databaseFile: string; walFile: string; syncFile: SyncFile }>();

/**
 * The connection setting that goes with a durability mode: `full` on a file store is group commit (see GroupCommit),
 * remembered for the JobRepository built on this connection; `normal` is SQLite's own (durable at the next checkpoint).
 */
export function configureSynchronous(db: Database.Database, synchronous: 'full' | 'normal', syncFile: SyncFile = fdatasync): void {
  if (synchronous === 'full' && !db.memory) {
    db.pragma('synchronous = OFF');
    db.pragma('wal_autocheckpoint = 0');
    // A WAL that grew under a burst (the passive checkpoints trail the writes) is cut back when it is next reused.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    GROUPED.set(db, { databaseFile: db.name, walFile: `${db.name}-wal`, syncFile });
  } else {
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  }
}

/** The durability of commits on this connection, with its checkpoint worker when grouped. */
export function durabilityFor(db: Database.Database): GroupCommit {
  const grouped = GROUPED.get(db);
  return grouped ? GroupCommit.group(grouped.walFile, new WalCheckpointer(grouped.databaseFile), grouped.syncFile) : GroupCommit.immediate();
}
