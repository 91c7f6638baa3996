import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from './exit-codes';
import { JobManagerClient } from './job-manager-client';
import { JobView, TERMINAL } from './job-line';

export interface LogOptions {
  follow: boolean;
  tail?: number;
  source?: string;
  timeoutS: number;
}

/**
 * Prints a job's log; with `follow`, keeps polling `?offset=` (continuing at X-Next-Offset) until the job has ended
 * and the log has no more bytes. Answers the job's final status (or its current one without follow).
 */
export async function printLog(client: JobManagerClient, id: string, options: LogOptions, write: (chunk: Uint8Array) => void): Promise<string> {
  const base = `/jobs/${encodeURIComponent(id)}`;
  const source = options.source ? `&source=${encodeURIComponent(options.source)}` : '';
  const first = await client.request(`${base}/log?${options.tail === undefined ? 'offset=0' : `tail=${options.tail}`}${source}`);
  write(new Uint8Array(await first.arrayBuffer()));
  let offset = Number(first.headers.get('x-next-offset') ?? first.headers.get('x-log-size') ?? 0);
  const deadline = Date.now() + options.timeoutS * 1000;
  for (;;) {
    const job = await client.call<JobView>('GET', base);
    const ended = TERMINAL.has(job.status);
    if (!options.follow) return job.status;
    const next = await client.request(`${base}/log?offset=${offset}${source}`);
    const bytes = new Uint8Array(await next.arrayBuffer());
    write(bytes);
    offset = Number(next.headers.get('x-next-offset') ?? offset + bytes.length);
    // The status was read before this chunk: once it was terminal and the log gave nothing more, it is complete.
    if (ended && bytes.length === 0) return job.status;
    if (Date.now() > deadline) throw new CliError(`timed out after ${options.timeoutS} s following ${id}`, ExitCode.TIMEOUT);
    if (bytes.length === 0) await sleep(1000);
  }
}
