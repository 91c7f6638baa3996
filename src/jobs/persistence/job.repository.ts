import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { StorageFailureError } from '../../common/errors/job-manager.errors';
import { DATA_DIR_LOCK, SQLITE_DATABASE } from '../jobs.constants';
import { JobPatch, JobRecord } from '../model/job-record';
import { JobStatus, TERMINAL_JOB_STATUSES } from '../model/job-status';
import { DataDirLock } from './data-dir-lock';
import { JobRow, PATCH_COLUMNS, recordToRow, rowToRecord } from './job-row.mapper';

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
const SEARCH_WHERE = "((id >= @q AND id < @q || char(1114111)) OR instr(json_extract(config, '$.project_path'), @q) > 0)";

/**
 * Durable job store. Every write is one SQLite transaction that also appends to `job_events`, so a state
 * change is on disk (WAL, fsync per commit by default) before anyone is told about it.
 */
@Injectable()
export class JobRepository implements OnApplicationShutdown {
  private readonly statements;
  private readonly updateStatements = new Map<string, Database.Statement>();
  private nextSeq: number;

  constructor(
    @Inject(SQLITE_DATABASE) private readonly db: Database.Database,
    @Inject(DATA_DIR_LOCK) private readonly lock: DataDirLock,
  ) {
    const columns = Object.keys(recordToRow(EMPTY_RECORD));
    this.statements = {
      insert: db.prepare(`INSERT INTO jobs (${columns.join(',')}) VALUES (${columns.map((c) => `@${c}`).join(',')})`),
      event: db.prepare('INSERT INTO job_events (job_id, status, at, detail) VALUES (?, ?, ?, ?)'),
      byId: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      active: db.prepare(`SELECT * FROM jobs WHERE status NOT IN (${[...TERMINAL_JOB_STATUSES].map((s) => `'${s}'`).join(',')}) ORDER BY seq`),
      page: db.prepare('SELECT * FROM jobs ORDER BY seq DESC LIMIT ? OFFSET ?'),
      pageByStatus: db.prepare('SELECT * FROM jobs WHERE status = ? ORDER BY seq DESC LIMIT ? OFFSET ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM jobs'),
      countWithStatus: db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE status = ?'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM jobs'),
      progress: db.prepare('UPDATE jobs SET progress = ? WHERE id = ?'),
      countsByStatus: db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status'),
    };
    this.nextSeq = (this.statements.maxSeq.get() as { m: number }).m + 1;
  }

  allocateSeq(): number {
    return this.nextSeq++;
  }

  insert(record: JobRecord, detail: string): void {
    this.write(() => {
      this.statements.insert.run(recordToRow(record));
      this.statements.event.run(record.id, record.status, record.updatedAt, detail);
    });
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

  /** Progress is not a state change: it is stored without a job event and without touching updated_at. */
  updateProgress(id: string, percent: number): void {
    this.write(() => this.statements.progress.run(percent, id));
  }

  findById(id: string): JobRecord | undefined {
    const row = this.statements.byId.get(id) as JobRow | undefined;
    return row && rowToRecord(row);
  }

  findActive(): JobRecord[] {
    return (this.statements.active.all() as JobRow[]).map(rowToRecord);
  }

  list(query: JobListQuery): { items: JobRecord[]; total: number } {
    if (query.q) return this.search({ ...query, q: query.q });
    const rows = (
      query.status ? this.statements.pageByStatus.all(query.status, query.limit, query.offset) : this.statements.page.all(query.limit, query.offset)
    ) as JobRow[];
    const total = query.status ? this.countWithStatus(query.status) : (this.statements.count.get() as { n: number }).n;
    return { items: rows.map(rowToRecord), total };
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
    if (this.db.open) {
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

  private write<T>(work: () => T): T {
    try {
      return this.db.transaction(work)();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY') {
        throw new StorageFailureError(`The job store could not be written (${code}); nothing was changed`);
      }
      throw error;
    }
  }

  /**
   * Inserts every record with its first job_events row in ONE transaction (a batch submission): all of them are
   * stored or, when the write fails, none is. Each job is atomic like `insert`: never a row without its event.
   */
  insertMany(records: readonly JobRecord[], detail: string): void {
    this.write(() => {
      for (const record of records) {
        this.statements.insert.run(recordToRow(record));
        this.statements.event.run(record.id, record.status, record.updatedAt, detail);
      }
    });
  }

  /** Resolves once everything committed so far is on disk (every commit is synchronous here: already true). */
  whenDurable(): Promise<void> {
    return Promise.resolve();
  }
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
