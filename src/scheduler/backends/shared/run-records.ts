import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NativeJobRef, NativeJobState } from '../../scheduler-backend';
import { RUNS_FILE } from './batch-script';

export interface RunRecord {
  /** 1 for the first run, 2 after one requeue, … */
  run: number;
  /** When the script started this run, epoch ms. */
  startedAt: number;
}

/** The last well-formed line of the runs file, or null when the script never started. */
export function parseRunsFile(text: string): RunRecord | null {
  let last: RunRecord | null = null;
  for (const line of text.split('\n')) {
    const match = /^\s*(\d{1,6})\s+(\d{9,12})\s*$/.exec(line);
    if (match) last = { run: Number(match[1]), startedAt: Number(match[2]) * 1000 };
  }
  return last;
}

export async function recordedRun(workDir: string): Promise<RunRecord | null> {
  return parseRunsFile(await readFile(join(workDir, RUNS_FILE), 'utf8').catch(() => ''));
}

/**
 * Adds what the batch script recorded to each polled state: the run number, and the run's start time when the
 * scheduler gave none (a job that ran between two polls is first seen finished; for a finished job the script's own
 * record wins). A pending job's record belongs to its previous run (it was requeued): it only gives the run number.
 */
export async function withRunRecords(states: Map<string, NativeJobState>, refs: readonly NativeJobRef[]): Promise<Map<string, NativeJobState>> {
  for (const ref of refs) {
    const state = states.get(ref.nativeId);
    const record = state && (await recordedRun(ref.workDir));
    if (!state || !record) {
      continue;
    }
    const startedAt = state.status === 'pending' ? state.startedAt : state.status === 'running' ? (state.startedAt ?? record.startedAt) : record.startedAt;
    states.set(ref.nativeId, {
      ...state,
      run: Math.max(record.run, state.run ?? 0),
      ...(startedAt === undefined ? {} : { startedAt }),
    });
  }
  return states;
}
