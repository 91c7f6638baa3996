import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { JobRow, recordToRow, rowToRecordWithout } from './job-row.mapper';
import { LazyJobRecord } from './lazy-job-record';

const {
  config: storedConfig,
  argv: storedArgv,
  ...narrow
}: JobRow = recordToRow({
  id: 'lazy_1',
  seq: 4,
  status: JobStatus.RUNNING,
  priority: 3,
  schedulerType: 'slurm',
  config: { project_path: '/p.aedt', user: 'ann' },
  configHash: 'hash',
  argv: ['ansysedt', '-batchsolve'],
  workDir: '/w',
  logPath: '/w/solver.log',
  nativeId: '9',
  exitCode: null,
  error: null,
  progress: 50,
  createdAt: 1,
  updatedAt: 2,
  startedAt: 3,
  finishedAt: null,
  cancelRequestedAt: 4,
  waitingReason: null,
  schedulerState: 'RUNNING',
  schedulerReason: 'None',
  run: 2,
} as unknown as JobRecord);

describe(LazyJobRecord.name, () => {
  it('should hold every field of the row and read config and argv once, on first use', () => {
    const reads: string[] = [];
    const record = new LazyJobRecord(narrow, (id) => {
      reads.push(id);
      return { config: storedConfig, argv: storedArgv };
    });
    expect({ ...record }).toEqual(rowToRecordWithout(narrow));
    expect(reads).toEqual([]);
    expect(record.config).toEqual({ project_path: '/p.aedt', user: 'ann' });
    expect(record.argv).toEqual(['ansysedt', '-batchsolve']);
    expect(record.config).toBe(record.config);
    expect(reads).toEqual(['lazy_1', 'lazy_1']);
  });

  it('should keep a config or argv set on it instead of reading the store', () => {
    const record = new LazyJobRecord(narrow, () => {
      throw new Error('read');
    });
    record.config = { project_path: '/other.aedt' } as JobRecord['config'];
    record.argv = ['x'];
    expect([record.config, record.argv]).toEqual([{ project_path: '/other.aedt' }, ['x']]);
  });

  it('should share its accessors through the prototype: config and argv are not own properties (a spread leaves them out)', () => {
    const record = new LazyJobRecord(narrow, () => ({ config: storedConfig, argv: storedArgv }));
    expect(Object.keys(record)).not.toContain('config');
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(record))).toEqual(expect.arrayContaining(['config', 'argv']));
  });
});
