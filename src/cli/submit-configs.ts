import { jobLine, JobView } from './job-line';
import { Json, JobManagerClient } from './job-manager-client';

/** Configs per POST /jobs/submit-batch (the service's limit). */
const BATCH_LIMIT = 10_000;
const out = (text: string): boolean => process.stdout.write(text);

export interface SubmitOutcome {
  ids: string[];
  answers: unknown[];
  refused: number;
}

export async function submitOne(client: JobManagerClient, body: Json, json: boolean): Promise<SubmitOutcome> {
  const answer = await client.call<{ duplicate: boolean; job_id: string; job: JobView }>('POST', '/jobs/submit', body);
  if (!json) out(`${answer.duplicate ? 'exists   ' : 'submitted'} ${jobLine(answer.job)}\n`);
  return { ids: [answer.job_id], answers: [answer], refused: 0 };
}

/** An item of the batch answer's summary view: the stored job named by id and state. */
interface BatchResult {
  index: number;
  jobid?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  job_status?: string;
  queue_position?: number;
  error?: { code: string; message: string };
}

/** Several configs: POST /jobs/submit-batch, 10,000 per request; every config's outcome is printed, in order. */
export async function submitBatch(client: JobManagerClient, bodies: Json[], json: boolean): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = { ids: [], answers: [], refused: 0 };
  for (let start = 0; start < bodies.length; start += BATCH_LIMIT) {
    const answer = await client.call<{ results: BatchResult[] }>('POST', '/jobs/submit-batch', { jobs: bodies.slice(start, start + BATCH_LIMIT) });
    for (const result of answer.results) {
      const shown = { ...result, index: result.index + start };
      outcome.answers.push(shown);
      if (result.status === 'rejected') {
        outcome.refused++;
        process.stderr.write(`refused   [${shown.index}] ${result.jobid ?? ''} ${result.error?.code}: ${result.error?.message}\n`);
        continue;
      }
      outcome.ids.push(result.jobid!);
      if (!json && result.job_status) {
        out(`${result.status === 'duplicate' ? 'exists   ' : 'submitted'} ${jobLine({ job_id: result.jobid!, status: result.job_status })}\n`);
      }
    }
  }
  return outcome;
}
