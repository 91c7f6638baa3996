import { NativeJobState } from '../../scheduler-backend';
import { gridEngineFinalState } from './grid-engine-state';

/**
 * Parses lines of Grid Engine's accounting file (accounting(5): one colon-separated record per finished job or
 * task; field 6 job_number, 12 failed, 13 exit_status, 36 task_number, 0 for a job that is not an array; `#` lines
 * are comments). A task's record is keyed `<job>.<task>`, as the job manager names the tasks it submits, and also by
 * the job number. Only `wanted` ids are kept; a job that ran more than once (rescheduled) has several records and
 * the last one wins.
 */
export function parseAccountingRecords(text: string, wanted: ReadonlySet<string>): Map<string, NativeJobState> {
  const states = new Map<string, NativeJobState>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      continue;
    }
    const fields = line.split(':');
    const job = fields[5];
    if (fields.length < 13 || !job) {
      continue;
    }
    const task = Number.parseInt(fields[35] ?? '', 10);
    const ids = [job, ...(task > 0 ? [`${job}.${task}`] : [])].filter((id) => wanted.has(id));
    if (ids.length === 0) {
      continue;
    }
    const failed = Number.parseInt(fields[11], 10);
    const exitStatus = Number.parseInt(fields[12], 10);
    if (Number.isFinite(failed) && Number.isFinite(exitStatus)) {
      for (const id of ids) states.set(id, gridEngineFinalState(failed, exitStatus));
    }
  }
  return states;
}
