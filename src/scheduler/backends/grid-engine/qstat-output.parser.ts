import { NativeJobState } from '../../scheduler-backend';
import { GRID_ENGINE_MAX_ARRAY_TASKS } from './grid-engine-script.renderer';
import { gridEngineStatus } from './grid-engine-state';

export interface QstatJob extends NativeJobState {
  name: string;
}

const TAG = (block: string, tag: string): string | undefined => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(block)?.[1];

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Task numbers of a qstat `<tasks>` field: `3`, a range `1-4:1` (first-last:step), or a comma-separated list of
 * both; empty for anything else, and for a list of more than `limit` tasks (an array job of ours never has more than
 * GRID_ENGINE_MAX_ARRAY_TASKS, while one submitted with its own `-t` may hold up to max_aj_tasks, unlimited at 0:
 * its tasks are not ours to track one by one, and listing them could take the event loop for as long as it likes).
 */
export function parseTaskNumbers(text: string, limit = GRID_ENGINE_MAX_ARRAY_TASKS): number[] {
  const numbers: number[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)(?:-(\d+)(?::(\d+))?)?\s*$/.exec(part);
    if (!match) return [];
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    const step = Math.max(1, Number(match[3] ?? 1));
    if (last >= first && numbers.length + Math.floor((last - first) / step) + 1 > limit) return [];
    for (let task = first; task <= last; task += step) numbers.push(task);
  }
  return numbers;
}

/**
 * Parses `qstat -xml` (the invoking user's jobs; running ones under <queue_info>, pending ones under <job_info>):
 *   <job_list state="running"><JB_job_number>13</JB_job_number>…<JB_name>job_b</JB_name>…<state>r</state>…</job_list>
 * An array job has one <job_list> per running task and per range of pending ones (`<tasks>2</tasks>`,
 * `<tasks>3-8:1</tasks>`): each task is keyed `<job>.<task>`, as the job manager names the tasks it submits, and the
 * job number alone keeps the first listed. Finished jobs are not listed at all. Running jobs carry <JAT_start_time>
 * (local time, no zone).
 */
export function parseQstatXml(stdout: string): Map<string, QstatJob> {
  const jobs = new Map<string, QstatJob>();
  for (const [, block] of stdout.matchAll(/<job_list\b[^>]*>([\s\S]*?)<\/job_list>/g)) {
    const id = TAG(block, 'JB_job_number');
    const state = TAG(block, 'state');
    if (!id || !state) {
      continue;
    }
    const status = gridEngineStatus(state);
    const startedAt = status.status === 'running' ? parseGridEngineTime(TAG(block, 'JAT_start_time')) : undefined;
    const job: QstatJob = {
      name: unescapeXml(TAG(block, 'JB_name') ?? ''),
      ...status,
      ...(startedAt === undefined ? {} : { startedAt }),
    };
    if (!jobs.has(id)) jobs.set(id, job);
    const tasks = TAG(block, 'tasks');
    for (const task of tasks === undefined ? [] : parseTaskNumbers(tasks)) jobs.set(`${id}.${task}`, { ...job });
  }
  return jobs;
}

/** qstat -xml times: local `YYYY-MM-DDTHH:MM:SS` (optionally with fractional seconds). */
export function parseGridEngineTime(text: string | undefined): number | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?$/.exec(text?.trim() ?? '');
  const ms = match ? new Date(match[1]).getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}
