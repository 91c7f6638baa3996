import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobListJson } from './job-list-json';
import { toJobView } from './job-view.mapper';
import { JobRecord } from './model/job-record';
import { JobStatus } from './model/job-status';
import { DataDirLock } from './persistence/data-dir-lock';
import { JobRepository } from './persistence/job.repository';
import { openJobDatabase } from './persistence/sqlite-database.provider';
import { jobRecordFixture } from '../../test/support/job-record.fixture';

const base = jobRecordFixture('', { priority: 2, workDir: '/w', logPath: '/w/solver.log', updatedAt: 1_700_000_000_001 });

const jobs = [
  {
    ...base,
    id: 'with_user',
    config: { jobid: 'with_user', project_path: '/p "quoted" ü.aedt', user: 'alice', machine_nodes: [{ hostname: 'h', cores: 4 }] },
    argv: ['ansysedt', '-batchsolve', 'a b'],
  },
  {
    ...base,
    id: 'anonymous',
    seq: 2,
    status: JobStatus.FAILED,
    exitCode: 3,
    error: 'solver exited with code 3',
    finishedAt: 1_700_000_000_500,
    config: { project_ref: 'ref' },
    argv: [],
  },
  {
    ...base,
    id: 'every_field_ü_😀',
    seq: 3,
    status: JobStatus.RUNNING,
    priority: -7,
    schedulerType: 'slurm',
    nativeId: '4242',
    progress: 12.5,
    startedAt: 1_700_000_000_002,
    cancelRequestedAt: 1_700_000_000_003,
    waitingReason: 'scheduler unreachable',
    schedulerState: 'PENDING',
    schedulerReason: 'line\nbreak\ttab \u2028 \u0001 "q" \\ é 😀',
    logPath: '/w/ü/solver.log',
    run: 2,
    config: { jobid: 'every_field', project_path: '/ü/😀.aedt', user: 'bö "b"', timeout: 0.1, tiny: 1e-7, huge: 1e21, nested: { list: [1, null, true] } },
    argv: ['ansysedt', '-batchoptions', 'a="1"', 'ü\n'],
  },
  { ...base, id: 'queued_second', seq: 4, priority: 9, config: { project_path: '/q.aedt', user: '' }, argv: ['x'] },
] as unknown as JobRecord[];

/** What the list wrote before it was written by hand: each view with command and config last, then the page's fields. */
function expectedList(items: JobRecord[], positions: Map<string, number>, rest: Record<string, unknown>): string {
  const views = items.map((job) => {
    const { command, config, ...view } = toJobView(job, positions.get(job.id));
    return { ...view, command, config };
  });
  return JSON.stringify({ items: views, ...rest });
}

describe(jobListJson.name, () => {
  let dir: string;
  let repository: JobRepository;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-job-list-json-'));
    repository = new JobRepository(openJobDatabase(dir, 'normal'), DataDirLock.acquire(dir));
    jobs.forEach((job) => repository.insertMany([job], 'submitted'));
  });

  afterEach(() => {
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should write, byte for byte, the JSON of the parsed records, without parsing the stored config and argv', () => {
    const positions = new Map([
      ['queued_second', 1],
      ['with_user', 2],
    ]);
    for (const query of [
      { limit: 10, offset: 0 },
      { limit: 2, offset: 1 },
      { status: JobStatus.FAILED, limit: 10, offset: 0 },
      { status: JobStatus.COMPLETED, limit: 10, offset: 0 },
      { q: 'with', limit: 10, offset: 0 },
      { q: 'nothing matches', limit: 10, offset: 0 },
    ]) {
      const expected = repository.list(query);
      const page = repository.listForView(query);
      expect(page.total).toBe(expected.total);
      const rest = { total: page.total, limit: query.limit, offset: query.offset };
      const body = jobListJson(page.items, ({ job }) => positions.get(job.id), rest);
      expect(body.toString()).toBe(expectedList(expected.items, positions, rest));
      expect(body.equals(Buffer.from(expectedList(expected.items, positions, rest)))).toBe(true);
    }
  });

  it('should close an empty page and a page without further fields', () => {
    expect(jobListJson([], () => undefined, { total: 0 }).toString()).toBe('{"items":[],"total":0}');
    const page = repository.listForView({ limit: 1, offset: 0 });
    expect(JSON.parse(jobListJson(page.items, () => undefined, {}).toString())).toEqual({ items: [expect.objectContaining({ job_id: 'queued_second' })] });
  });

  it('should give each queued job the position it is asked for, and null to the others', () => {
    const page = repository.listForView({ limit: 10, offset: 0 });
    const body = JSON.parse(jobListJson(page.items, ({ job }) => (job.status === JobStatus.QUEUED ? job.seq * 10 : undefined), {}).toString()) as {
      items: Array<{ job_id: string; queue_position: number | null }>;
    };
    expect(body.items.map((item) => [item.job_id, item.queue_position])).toEqual([
      ['queued_second', 40],
      ['every_field_ü_😀', null],
      ['anonymous', null],
      ['with_user', 10],
    ]);
  });
});
