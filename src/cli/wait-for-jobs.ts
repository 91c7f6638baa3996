import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from './exit-codes';
import { JobManagerClient } from './job-manager-client';
import { jobLine, JobView, TERMINAL } from './job-line';

/** Polls the jobs until all are terminal, printing each change (progress); true when all completed. */
export async function waitForJobs(client: JobManagerClient, ids: string[], timeoutS: number, print: (text: string) => void): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  const last = new Map<string, string>();
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => client.call<JobView>('GET', `/jobs/${encodeURIComponent(id)}`)));
    for (const job of jobs) {
      const text = jobLine(job);
      if (last.get(job.job_id) !== text) {
        print(`${text}\n`);
        last.set(job.job_id, text);
      }
    }
    if (jobs.every((job) => TERMINAL.has(job.status))) {
      return jobs.every((job) => job.status === 'completed');
    }
    if (Date.now() > deadline) {
      throw new CliError(`timed out after ${timeoutS} s waiting for ${ids.join(', ')}`, ExitCode.TIMEOUT);
    }
    await sleep(1000);
  }
}
