import { JOB_ID_PATTERN } from '../simulation/hfss-simulation-config.dto';
import { CatchUpRequest, FollowLogRequest, SubscribeRequest, WatchAllRequest } from './job-events.contract';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function onlyKeys(body: Record<string, unknown>, allowed: string[]): string | null {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  return extra.length > 0 ? `unknown field(s): ${extra.join(', ')}` : null;
}

export function parseSubscribeRequest(body: unknown): Parsed<SubscribeRequest> {
  if (!isObject(body)) return { ok: false, error: 'expected { "job_id": "<id>" }' };
  const extra = onlyKeys(body, ['job_id']);
  if (extra) return { ok: false, error: extra };
  if (typeof body.job_id !== 'string' || !JOB_ID_PATTERN.test(body.job_id)) {
    return { ok: false, error: 'job_id must be 1-64 letters, digits, underscores or hyphens' };
  }
  return { ok: true, value: { job_id: body.job_id } };
}

export function parseFollowLogRequest(body: unknown): Parsed<FollowLogRequest> {
  if (!isObject(body)) return { ok: false, error: 'expected { "job_id": "<id>", "offset"?: <bytes> }' };
  const extra = onlyKeys(body, ['job_id', 'offset']);
  if (extra) return { ok: false, error: extra };
  const job = parseSubscribeRequest({ job_id: body.job_id });
  if (!job.ok) return job;
  if (body.offset !== undefined && (typeof body.offset !== 'number' || !Number.isSafeInteger(body.offset) || body.offset < 0)) {
    return { ok: false, error: 'offset must be a non-negative integer (bytes)' };
  }
  return { ok: true, value: { job_id: job.value.job_id, offset: body.offset ?? 0 } };
}

export function parseWatchAllRequest(body: unknown): Parsed<WatchAllRequest> {
  if (!isObject(body)) return { ok: false, error: 'expected { "enabled": true|false }' };
  const extra = onlyKeys(body, ['enabled']);
  if (extra) return { ok: false, error: extra };
  if (typeof body.enabled !== 'boolean') return { ok: false, error: 'enabled must be a boolean' };
  return { ok: true, value: { enabled: body.enabled } };
}

export function parseCatchUpRequest(body: unknown): Parsed<CatchUpRequest> {
  if (!isObject(body)) return { ok: false, error: 'expected { "since_seq": <number>, "boot_id"?: "<id>" }' };
  const extra = onlyKeys(body, ['since_seq', 'boot_id']);
  if (extra) return { ok: false, error: extra };
  if (typeof body.since_seq !== 'number' || !Number.isSafeInteger(body.since_seq) || body.since_seq < 0) {
    return { ok: false, error: 'since_seq must be a non-negative integer' };
  }
  if (body.boot_id !== undefined && (typeof body.boot_id !== 'string' || body.boot_id.length > 64)) {
    return { ok: false, error: 'boot_id must be the string the service sent' };
  }
  return { ok: true, value: { since_seq: body.since_seq, boot_id: body.boot_id } };
}

/** `?jobs=a,b` in the handshake: watch only these jobs; invalid ids are dropped. */
export function parseHandshakeJobs(query: unknown): string[] | null {
  if (typeof query !== 'string' || query === '') return null;
  return query
    .split(',')
    .filter((id) => JOB_ID_PATTERN.test(id))
    .slice(0, 1000);
}
