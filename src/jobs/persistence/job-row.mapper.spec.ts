import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { JobRow, NARROW_COLUMNS, narrowValuesToRecord, recordToRow, rowToRecordWithout } from './job-row.mapper';

/** A row whose every column holds a value of its own, so a value read from the wrong place shows. */
const row: JobRow = recordToRow({
  id: 'j1',
  seq: 11,
  status: JobStatus.RUNNING,
  priority: -3,
  schedulerType: 'slurm',
  config: { project_path: '/p.aedt' },
  configHash: 'hash',
  argv: ['ansysedt'],
  workDir: '/w',
  logPath: '/w/solver.log',
  nativeId: '77',
  exitCode: 5,
  error: 'boom',
  progress: 42.5,
  createdAt: 1001,
  updatedAt: 1002,
  startedAt: 1003,
  finishedAt: 1004,
  cancelRequestedAt: 1005,
  waitingReason: 'waiting',
  schedulerState: 'PENDING',
  schedulerReason: 'Priority',
  run: 3,
} as unknown as JobRecord);

describe(narrowValuesToRecord.name, () => {
  it('should name every column of a row but config and argv', () => {
    const stored = Object.keys(row).filter((column) => column !== 'config' && column !== 'argv');
    expect([...NARROW_COLUMNS].sort()).toEqual(stored.sort());
  });

  it('should read the values of NARROW_COLUMNS, in that order, into the record rowToRecordWithout gives', () => {
    const values = [...NARROW_COLUMNS.map((column) => row[column]), 'more', 'values'];
    expect(narrowValuesToRecord(values)).toEqual(rowToRecordWithout(row));
    expect(narrowValuesToRecord(NARROW_COLUMNS.map((column) => (column === 'waiting_reason' ? undefined : row[column]))).waitingReason).toBeNull();
  });
});
