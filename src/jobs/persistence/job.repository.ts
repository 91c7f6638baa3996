import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { StorageFailureError } from '../../common/errors/job-manager.errors';
import { DATA_DIR_LOCK, SQLITE_DATABASE } from '../jobs.constants';
import { JobPatch, JobRecord } from '../model/job-record';
import { JobStatus, TERMINAL_JOB_STATUSES } from '../model/job-status';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { QueueEntry } from '../queue/priority-queue';
import { ArrayTask } from '../../scheduler/scheduler-backend';
import { DataDirLock } from './data-dir-lock';
import { durabilityFor, GroupCommit } from './group-commit';
import { JobRow, NARROW_COLUMNS, narrowValuesToRecord, PATCH_COLUMNS, recordToRow, rowToRecord } from './job-row.mapper';
import { AcceptedFile } from '../model/accepted-file';
import { LazyJobRecord } from './lazy-job-record';
import { ListedJobBytes, ListedJobBytesCache } from './listed-job-bytes.cache';

/** A listed job as the list view needs it: the record without config and argv, which stay the stored JSON text. */
export interface JobViewRow extends ListedJobBytes {
  job: Omit<JobRecord, 'config' | 'argv'>;
}

export interface JobListQuery {
  status?: JobStatus;
  /** A job id prefix or a part of the project path. */
  q?: string;
  limit: number;
  offset: number;
}

/**
 * The WHERE clause of a searched list: the job id prefix is a range on the primary key; the project part reads each
 * row's config (a scan, fine for the store sizes the service keeps; `instr`, so `%` and `_` are plain characters).
 */
const VIEW_FIELDS =
  "CAST(config AS BLOB) AS config_bytes, CAST(argv AS BLOB) AS argv_bytes, json_extract(config, '$.user') AS view_user, json_extract(config, '$.project_path') AS view_project_path";

/** The columns listedBytes reads, in order: id, seq, then VIEW_FIELDS. */
type ListedBytesValues = [string, number, Buffer, Buffer, string | null, string | null];

/** An insert waiting for the end of its event-loop turn (JobRepository.insertInTurn). */
interface PendingInsert {
  record: JobRecord;
  detail: string;
  acceptedFiles?: readonly AcceptedFile[];
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

/** What became of one insert of a turn: stored, or not because its id was stored already, or refused by a constraint. */
type InsertOutcome = { stored: boolean } | { refusal: unknown };

/** Jobs whose list bytes are kept: a few pages of the largest page (500), for a few dashboards on different pages. */
const LISTED_JOB_BYTES_CAPACITY = 4096;

const SEARCH_WHERE = "((id >= @q AND id < @q || char(1114111)) OR instr(json_extract(config, '$.project_path'), @q) > 0)";

/** The statuses of jobs not yet ended, as the partial index `jobs_active` (migration 006) spells them. */
const ACTIVE_STATUSES = Object.values(JobStatus).filter((status) => !TERMINAL_JOB_STATUSES.has(status));
const ACTIVE_WHERE = `status IN (${ACTIVE_STATUSES.map((status) => `'${status}'`).join(',')})`;
/** The active statuses but queued: jobs a runner started (or a scheduler accepted). */
const STARTED_STATUSES = ACTIVE_STATUSES.filter((status) => status !== JobStatus.QUEUED);
const CLUSTER_SCHEDULERS = Object.values(SchedulerType).filter((type) => type !== SchedulerType.NONE);

/**
 * Durable job store. Every write is one SQLite transaction that also appends to `job_events`.
 *
 * Durability API (used by every caller that tells anyone about a write):
 * - the write methods (`update`, `updateProgress`, `insertMany`, …) stay synchronous (`insertInTurn` resolves at its
 *   turn's commit): when they return, the change is committed and visible to reads, but with the default
 *   `HFSS_JM_SQLITE_SYNCHRONOUS=full` not yet necessarily on disk (group commit: one fdatasync of the WAL, off the
 *   event loop, covers all the commits of an event-loop turn);
 * - `whenDurable(): Promise<void>` resolves once everything committed so far is on disk (rejects with
 *   StorageFailureError if that flush failed): await it before an HTTP answer, a façade promise or any other
 *   acknowledgement;
 * - `afterDurable(callback)` runs the callback then (at once when nothing is pending), in call order: the lifecycle
 *   publishes its events through it.
 * With `normal` (SQLite's `synchronous=NORMAL`: a commit is durable at the next checkpoint, so a power cut may lose
 * the last acknowledged ones; a crashed process never does) and for in-memory stores both resolve at once.
 */
@Injectable()
export class JobRepository implements OnApplicationShutdown {
  private readonly statements;
  private readonly updateStatements = new Map<string, Database.Statement>();
  private nextSeq: number;
  private readonly durability: GroupCommit;
  /** One transaction wrapper for every write (db.transaction builds a new one, five functions, each time it is called). */
  private readonly inTransaction: (work: () => unknown) => unknown;
  /** The list view's config and argv bytes of recently listed jobs (a page polled again reads only what changes). */
  private readonly listedBytes = new ListedJobBytesCache(LISTED_JOB_BYTES_CAPACITY);
  /** The inserts asked for in this event-loop turn, committed together at its end (insertInTurn). */
  private readonly turnInserts: PendingInsert[] = [];

  constructor(
    @Inject(SQLITE_DATABASE) private readonly db: Database.Database,
    @Inject(DATA_DIR_LOCK) private readonly lock: DataDirLock,
  ) {
    const columns = [...Object.keys(recordToRow(EMPTY_RECORD)), 'accepted_files'];
    // config and argv as BLOBs: Buffers of their UTF-8, not decoded into strings (most of the bytes of a page).
    // Bulk reads leave config and argv in the store until a record's config or argv is first read (LazyJobRecord).
    const narrowColumns = NARROW_COLUMNS.join(', ');
    this.statements = {
      insert: db.prepare(`INSERT INTO jobs (${columns.join(',')}) VALUES (${columns.map((c) => `@${c}`).join(',')})`),
      event: db.prepare('INSERT INTO job_events (job_id, status, at, detail) VALUES (?, ?, ?, ?)'),
      byId: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      byIds: db.prepare('SELECT * FROM jobs WHERE id IN (SELECT value FROM json_each(?))'),
      active: db.prepare(`SELECT ${narrowColumns} FROM jobs WHERE ${ACTIVE_WHERE} ORDER BY seq`),
      // INDEXED BY: else SQLite walks every active row of jobs_by_status (all the queued local jobs) to find the cluster ones.
      activeCluster: db.prepare(
        `SELECT ${narrowColumns} FROM jobs INDEXED BY jobs_active WHERE ${ACTIVE_WHERE} AND scheduler_type IN (${CLUSTER_SCHEDULERS.map((type) => `'${type}'`).join(',')}) ORDER BY seq`,
      ),
      // Through jobs_by_status (status, seq): the queued ones in seq order; the started ones, few, without reading the queued.
      queuedLocal: db
        .prepare(`SELECT id, priority, seq FROM jobs WHERE status = '${JobStatus.QUEUED}' AND scheduler_type = '${SchedulerType.NONE}' ORDER BY seq`)
        .raw(true),
      startedLocal: db.prepare(
        `SELECT ${narrowColumns} FROM jobs WHERE status IN (${STARTED_STATUSES.map((status) => `'${status}'`).join(',')}) AND scheduler_type = '${SchedulerType.NONE}' ORDER BY seq`,
      ),
      withStatus: db.prepare(`SELECT ${narrowColumns} FROM jobs WHERE status = ? ORDER BY seq`),
      configAndArgv: db.prepare('SELECT config, argv FROM jobs WHERE id = ?'),
      acceptedFiles: db.prepare('SELECT accepted_files FROM jobs WHERE id = ?').pluck(),
      page: db.prepare('SELECT * FROM jobs ORDER BY seq DESC LIMIT ? OFFSET ?'),
      // Read raw (arrays of the NARROW_COLUMNS values), see narrowValuesToRecord; the rest of a listed job: listedBytes.
      narrowPage: db.prepare(`SELECT ${narrowColumns} FROM jobs ORDER BY seq DESC LIMIT ? OFFSET ?`).raw(true),
      narrowPageByStatus: db.prepare(`SELECT ${narrowColumns} FROM jobs WHERE status = ? ORDER BY seq DESC LIMIT ? OFFSET ?`).raw(true),
      listedBytes: db.prepare(`SELECT id, seq, ${VIEW_FIELDS} FROM jobs WHERE id IN (SELECT value FROM json_each(?))`).raw(true),
      pageByStatus: db.prepare('SELECT * FROM jobs WHERE status = ? ORDER BY seq DESC LIMIT ? OFFSET ?'),
      // job_counts is kept by triggers (migration 005): no scan of the table for a total.
      count: db.prepare('SELECT COALESCE(SUM(n), 0) AS n FROM job_counts'),
      countWithStatus: db.prepare('SELECT COALESCE(MAX(n), 0) AS n FROM job_counts WHERE status = ?'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM jobs'),
      progress: db.prepare(`UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'`),
      countsByStatus: db.prepare('SELECT status, n FROM job_counts'),
      recordArrayTask: db.prepare('INSERT OR REPLACE INTO job_array_tasks (job_id, array_name, task_index) VALUES (?, ?, ?)'),
      arrayTask: db.prepare('SELECT array_name AS arrayName, task_index AS "index" FROM job_array_tasks WHERE job_id = ?'),
    };
    this.nextSeq = (this.statements.maxSeq.get() as { m: number }).m + 1;
    this.durability = durabilityFor(db);
    this.inTransaction = db.transaction((work: () => unknown) => work());
  }

  /** The stored config and argv of a lazy record (LazyJobRecord), read when it first needs them. */
  private readonly readStoredConfig = (id: string): Pick<JobRow, 'config' | 'argv'> => {
    const stored = this.statements.configAndArgv.get(id) as Pick<JobRow, 'config' | 'argv'> | undefined;
    if (!stored) throw new Error(`Job ${id} is no longer in the store: its config cannot be read`);
    return stored;
  };

  /** A record of a narrow row whose config and argv are read from the store on first use. */
  private readonly lazy = (row: Omit<JobRow, 'config' | 'argv'>): JobRecord => new LazyJobRecord(row, this.readStoredConfig);

  /** Resolves once every write committed so far is on disk (see the class comment). */
  whenDurable(): Promise<void> {
    return this.durability.whenDurable();
  }

  /** Runs `callback` once every write committed so far is on disk: at once when nothing is pending; in call order. */
  afterDurable(callback: () => void): void {
    this.durability.afterDurable(callback);
  }

  allocateSeq(): number {
    return this.nextSeq++;
  }

  /**
   * Stores a new job with its first event and, when given, the files it was accepted with (see findAcceptedFiles),
   * unless a job with this id is stored already, committed together with the other inserts asked for in this
   * event-loop turn: one transaction for all of them at the turn's check phase (setImmediate), where one commit each
   * wrote every page they share (the indexes, job_counts, sqlite_sequence) into the WAL once per job. Resolves once
   * committed (visible to reads; on disk at the next whenDurable): true when stored, false when the id is stored
   * already (the primary key decides, in the insert itself, so two submissions of one jobid never both store it and
   * no read before it is needed). Rejects for a refusal of this job alone (another constraint, such as a seq taken);
   * when the write itself fails (full disk, I/O error, a failed flush before) every insert of the turn is rejected
   * with that error and none of them is stored, as each of them would have been alone.
   */
  insertInTurn(record: JobRecord, detail: string, acceptedFiles?: readonly AcceptedFile[]): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.turnInserts.push({ record, detail, acceptedFiles, resolve, reject }) === 1) setImmediate(this.flushTurnInserts);
    });
  }

  /** Commits the inserts of this turn (insertInTurn) in one transaction, then settles each of them. */
  private readonly flushTurnInserts = (): void => {
    const pending = this.turnInserts.splice(0);
    if (pending.length === 0) return;
    let outcomes: InsertOutcome[];
    try {
      outcomes = this.write(() => pending.map((item) => this.insertIfNew(item)));
    } catch (error) {
      for (const item of pending) item.reject(error);
      return;
    }
    pending.forEach((item, index) => {
      const outcome = outcomes[index];
      if ('refusal' in outcome) item.reject(outcome.refusal);
      else item.resolve(outcome.stored);
    });
  };

  /**
   * One insert of a turn's transaction. Only the job's row can meet a constraint (its first event's columns are the
   * row's own, NOT NULL there too, and job_events has no other), and SQLite undoes a refused statement alone: so a
   * constraint error means nothing of this job was written and the others go on (false for its id stored already,
   * the error for any other constraint). Anything else (a full disk, an I/O error) aborts the whole transaction.
   */
  private insertIfNew({ record, detail, acceptedFiles }: PendingInsert): InsertOutcome {
    try {
      this.insertWithFirstEvent(record, detail, acceptedFiles);
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return { stored: false };
      if (code.startsWith('SQLITE_CONSTRAINT')) return { refusal: error };
      throw error;
    }
    return { stored: true };
  }

  /** A new job's row, then its first job_events row: callers run it inside a write (one transaction). */
  private insertWithFirstEvent(record: JobRecord, detail: string, acceptedFiles: readonly AcceptedFile[] | undefined): void {
    this.statements.insert.run(insertRow(record, acceptedFiles));
    this.statements.event.run(record.id, record.status, record.updatedAt, detail);
  }

  /**
   * The files the job was accepted with, stored by its insert (the launch re-check compares them with what the paths
   * lead to then); undefined for a job stored without them (accepted before migration 007: see readLegacyAcceptedFiles).
   */
  findAcceptedFiles(id: string): AcceptedFile[] | undefined {
    const stored = this.statements.acceptedFiles.get(id) as string | null | undefined;
    return typeof stored === 'string' ? (JSON.parse(stored) as AcceptedFile[]) : undefined;
  }

  /** Applies the patch and records the event atomically (with `alongside`, further writes in the same transaction); returns the stored record. */
  update(id: string, patch: JobPatch, detail: string, at = Date.now(), alongside?: () => void): JobRecord {
    const statement = this.updateStatementFor(Object.keys(patch) as Array<keyof JobPatch>);
    return this.write(() => {
      alongside?.();
      statement.run({ ...patch, updatedAt: at, id });
      const row = this.statements.byId.get(id) as JobRow;
      this.statements.event.run(id, row.status, at, detail);
      return rowToRecord(row);
    });
  }

  /**
   * Stores a running job's progress. Progress is not a state change: it is stored without a job event and without
   * touching updated_at. False (nothing written) once the job is no longer running, so a log read that finishes after
   * the job ended cannot change the progress the lifecycle stored with its end.
   */
  updateProgress(id: string, percent: number): boolean {
    return this.write(() => this.statements.progress.run(percent, id).changes > 0);
  }

  findById(id: string): JobRecord | undefined {
    const row = this.statements.byId.get(id) as JobRow | undefined;
    return row && rowToRecord(row);
  }

  /** The stored jobs among `ids`, by id: one query however many ids (a batch's existence checks). */
  findByIds(ids: readonly string[]): Map<string, JobRecord> {
    const found = new Map<string, JobRecord>();
    if (ids.length === 0) return found;
    for (const row of this.statements.byIds.all(JSON.stringify(ids)) as JobRow[]) found.set(row.id, rowToRecord(row));
    return found;
  }

  /** Jobs not yet ended, in submission order, through the partial index of active jobs. */
  findActive(): JobRecord[] {
    return (this.statements.active.all() as JobRow[]).map(this.lazy);
  }

  /**
   * The queue entries of the queued local jobs, in submission order (start-up recovery): only what the queue keeps,
   * no record (a store can hold 100,000 queued jobs).
   */
  findQueuedLocalEntries(): QueueEntry[] {
    return (this.statements.queuedLocal.all() as Array<[string, number, number]>).map(([id, priority, seq]) => ({ id, priority, seq }));
  }

  /** The local jobs started but not ended (running; start-up recovery re-attaches or settles them), in submission order. */
  findStartedLocalJobs(): JobRecord[] {
    return (this.statements.startedLocal.all() as JobRow[]).map(this.lazy);
  }

  /** The active cluster jobs (start-up re-attach), through the index, without reading the local queue. */
  findActiveClusterJobs(): JobRecord[] {
    return (this.statements.activeCluster.all() as JobRow[]).map(this.lazy);
  }

  /** Jobs in one state, in submission order, through the (status, seq) index. */
  findWithStatus(status: JobStatus): JobRecord[] {
    return (this.statements.withStatus.all(status) as JobRow[]).map(this.lazy);
  }

  list(query: JobListQuery): { items: JobRecord[]; total: number } {
    if (query.q) return this.search({ ...query, q: query.q });
    const rows = (
      query.status ? this.statements.pageByStatus.all(query.status, query.limit, query.offset) : this.statements.page.all(query.limit, query.offset)
    ) as JobRow[];
    const total = query.status ? this.countWithStatus(query.status) : (this.statements.count.get() as { n: number }).n;
    return { items: rows.map(rowToRecord), total };
  }

  /**
   * The same page as `list`, for the list view: config and argv are not parsed (the view embeds their stored JSON),
   * which is most of the cost of a page of 500 jobs.
   */
  listForView(query: JobListQuery): { items: JobViewRow[]; total: number } {
    if (query.q) {
      const { items, total } = this.list(query);
      const toViewRow = ({ config, argv, ...job }: JobRecord): JobViewRow => ({
        job,
        configJson: Buffer.from(JSON.stringify(config)),
        argvJson: Buffer.from(JSON.stringify(argv)),
        user: config.user ?? null,
        projectPath: config.project_path ?? null,
      });
      return { items: items.map(toViewRow), total };
    }
    const rows = (
      query.status ? this.statements.narrowPageByStatus.all(query.status, query.limit, query.offset) : this.statements.narrowPage.all(query.limit, query.offset)
    ) as unknown[][];
    const total = query.status ? this.countWithStatus(query.status) : (this.statements.count.get() as { n: number }).n;
    return { items: this.withListedBytes(rows.map(narrowValuesToRecord)), total };
  }

  /** The listed jobs with their config and argv bytes: from the cache, and the jobs it misses in one query. */
  private withListedBytes(jobs: ReadonlyArray<Omit<JobRecord, 'config' | 'argv'>>): JobViewRow[] {
    const cached = jobs.map((job) => this.listedBytes.get(job.id, job.seq));
    const missing = jobs.filter((_, index) => cached[index] === undefined).map((job) => job.id);
    if (missing.length > 0) {
      // No await since the page was read: the rows are still there, as they were.
      for (const [id, seq, configJson, argvJson, user, projectPath] of this.statements.listedBytes.all(JSON.stringify(missing)) as ListedBytesValues[]) {
        this.listedBytes.set(id, seq, { configJson, argvJson, user, projectPath });
      }
    }
    return jobs.map((job, index) => {
      const bytes = cached[index] ?? this.listedBytes.get(job.id, job.seq);
      if (bytes === undefined) throw new Error(`Job ${job.id} was listed but its config could not be read back`);
      return { job, ...bytes };
    });
  }

  private search(query: JobListQuery & { q: string }): { items: JobRecord[]; total: number } {
    const where = query.status ? `${SEARCH_WHERE} AND status = @status` : SEARCH_WHERE;
    const filter = query.status ? { q: query.q, status: query.status } : { q: query.q };
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
      .all({ ...filter, limit: query.limit, offset: query.offset }) as JobRow[];
    const { n } = this.db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE ${where}`).get(filter) as { n: number };
    return { items: rows.map(rowToRecord), total: n };
  }

  /** Jobs per state, every state present (0 when none). */
  countsByStatus(): Record<JobStatus, number> {
    const counts = Object.fromEntries(Object.values(JobStatus).map((status) => [status, 0])) as Record<JobStatus, number>;
    for (const row of this.statements.countsByStatus.all() as Array<{
      status: JobStatus;
      n: number;
    }>) {
      counts[row.status] = row.n;
    }
    return counts;
  }

  countWithStatus(status: JobStatus): number {
    return (this.statements.countWithStatus.get(status) as { n: number }).n;
  }

  onApplicationShutdown(): void {
    // Inserts asked for in the last turn are committed (and flushed below) rather than dropped.
    if (this.db.open) this.flushTurnInserts();
    this.durability.close();
    if (this.db.open) {
      // The checkpoint of a clean close must fsync what it copies (the grouped connection runs with synchronous=OFF).
      if (this.durability.isGrouped) this.db.pragma('synchronous = FULL');
      this.db.close();
    }
    this.lock.release();
  }

  /** One prepared UPDATE per set of patched fields, built on first use. */
  private updateStatementFor(keys: Array<keyof JobPatch>): Database.Statement {
    const signature = keys.join(',');
    let statement = this.updateStatements.get(signature);
    if (!statement) {
      const assignments = keys.map((key) => `${PATCH_COLUMNS[key]} = @${key}`);
      statement = this.db.prepare(`UPDATE jobs SET ${[...assignments, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`);
      this.updateStatements.set(signature, statement);
    }
    return statement;
  }

  /** Set once a flush of the store failed: every write is refused from then on (see GroupCommit). */
  get storageFailure(): Error | undefined {
    return this.durability.failure;
  }

  private write<T>(work: () => T): T {
    const failure = this.durability.failure;
    if (failure) {
      const code = (failure as NodeJS.ErrnoException).code ?? failure.message;
      throw new StorageFailureError(
        `The job store failed to flush to disk earlier (${code}) and accepts no change until the service is restarted; nothing was changed`,
      );
    }
    try {
      const result = this.inTransaction(work) as T;
      this.durability.noteCommit();
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY') {
        throw new StorageFailureError(`The job store could not be written (${code}); nothing was changed`);
      }
      throw error;
    }
  }

  /**
   * Records, in one transaction, which job array task each job is about to be submitted as (migration 008); the
   * caller waits for durability before the array's submit command runs. Queuing a job again or deleting it drops it.
   */
  recordArrayTasks(tasks: ReadonlyArray<{ jobId: string } & ArrayTask>): void {
    this.write(() => {
      for (const task of tasks) this.statements.recordArrayTask.run(task.jobId, task.arrayName, task.index);
    });
  }

  /** The job array task the job was last submitted as, if it went in one (for the lookup of a lost submission). */
  findArrayTask(id: string): ArrayTask | undefined {
    return this.statements.arrayTask.get(id) as ArrayTask | undefined;
  }

  /**
   * Inserts every record with its first job_events row in ONE transaction (a batch submission): all of them are
   * stored or, when the write fails (an id stored already among them too), none is: never a row without its event.
   * `acceptedFiles[i]`, when given, are the files `records[i]` was accepted with (see findAcceptedFiles).
   */
  insertMany(records: readonly JobRecord[], detail: string, acceptedFiles?: ReadonlyArray<readonly AcceptedFile[]>): void {
    this.write(() => {
      for (const [index, record] of records.entries()) this.insertWithFirstEvent(record, detail, acceptedFiles?.[index]);
    });
  }
}

function insertRow(record: JobRecord, acceptedFiles: readonly AcceptedFile[] | undefined): JobRow & { accepted_files: string | null } {
  return { ...recordToRow(record), accepted_files: acceptedFiles === undefined ? null : JSON.stringify(acceptedFiles) };
}

const EMPTY_RECORD = {
  id: '',
  seq: 0,
  status: JobStatus.QUEUED,
  priority: 0,
  schedulerType: 'none',
  config: {},
  configHash: '',
  argv: [],
  workDir: '',
  logPath: '',
  nativeId: null,
  exitCode: null,
  error: null,
  progress: null,
  createdAt: 0,
  updatedAt: 0,
  startedAt: null,
  finishedAt: null,
  cancelRequestedAt: null,
  waitingReason: null,
  schedulerState: null,
  schedulerReason: null,
  run: 1,
} as unknown as JobRecord;
