import { NativeJobState } from '../../scheduler-backend';

/** What the supervisor writes to exit.json. */
export interface ExitRecord {
  exitCode: number | null;
  signal: string | null;
  error?: string;
  endedAt: number;
}

export function exitRecordToState(record: ExitRecord): NativeJobState {
  if (record.error) {
    return { status: 'failed', exitCode: record.exitCode, reason: record.error };
  }
  if (record.signal) {
    return { status: 'failed', exitCode: null, reason: `solver killed by ${record.signal}` };
  }
  if (record.exitCode === 0) {
    return { status: 'completed', exitCode: 0 };
  }
  return { status: 'failed', exitCode: record.exitCode, reason: `solver exited with code ${record.exitCode}` };
}
