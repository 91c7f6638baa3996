import { NativeJobState } from '../../scheduler-backend';
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
 * Parses `qstat -xml` (the invoking user's jobs; running ones under <queue_info>, pending ones under <job_info>):
 *   <job_list state="running"><JB_job_number>13</JB_job_number>…<JB_name>job_b</JB_name>…<state>r</state>…</job_list>
 * An array job has one <job_list> per task range; they share a job number and the first listed wins.
 * Finished jobs are not listed at all. Running jobs carry <JAT_start_time> (local time, no zone).
 */
export function parseQstatXml(stdout: string): Map<string, QstatJob> {
  const jobs = new Map<string, QstatJob>();
  for (const [, block] of stdout.matchAll(/<job_list\b[^>]*>([\s\S]*?)<\/job_list>/g)) {
    const id = TAG(block, 'JB_job_number');
    const state = TAG(block, 'state');
    if (!id || !state || jobs.has(id)) {
      continue;
    }
    const status = gridEngineStatus(state);
    const startedAt = status.status === 'running' ? parseGridEngineTime(TAG(block, 'JAT_start_time')) : undefined;
    jobs.set(id, {
      name: unescapeXml(TAG(block, 'JB_name') ?? ''),
      ...status,
      ...(startedAt === undefined ? {} : { startedAt }),
    });
  }
  return jobs;
}

/** qstat -xml times: local `YYYY-MM-DDTHH:MM:SS` (optionally with fractional seconds). */
export function parseGridEngineTime(text: string | undefined): number | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?$/.exec(text?.trim() ?? '');
  const ms = match ? new Date(match[1]).getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}
