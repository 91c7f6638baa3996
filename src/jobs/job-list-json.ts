import { isoTime } from '../common/time/iso-time';
import { JobViewRow } from './persistence/job.repository';

/**
 * The body of `GET /jobs` as UTF-8, written straight into one buffer: per listed job the fields of toJobView in its
 * order with `command` and `config` moved last, whose stored JSON (written by JSON.stringify, so the text a parse and
 * stringify round trip would give) is copied in as bytes, never parsed or decoded. Byte for byte what
 * `JSON.stringify({ items: [{ ...view, command, config }], ...rest })` of the parsed records gives (see the spec).
 */
export function jobListJson(rows: readonly JobViewRow[], queuePositionOf: (row: JobViewRow) => number | undefined, rest: Record<string, unknown>): Buffer {
  const heads = rows.map((row) => listedJobHead(row, queuePositionOf(row)));
  const restJson = JSON.stringify(rest);
  const tail = restJson === '{}' ? ']}' : `],${restJson.slice(1)}`;
  // Room for the worst case (3 UTF-8 bytes per UTF-16 unit) instead of measuring each head's UTF-8 first.
  let room = LIST_OPEN.length + tail.length * 3 + Math.max(0, rows.length - 1);
  rows.forEach((row, index) => {
    room += heads[index].length * 3 + row.argvJson.length + CONFIG_KEY.length + row.configJson.length + 1;
  });
  const body = Buffer.allocUnsafe(room);
  let at = body.write(LIST_OPEN, 0, 'latin1');
  rows.forEach((row, index) => {
    if (index > 0) body[at++] = COMMA;
    at += body.write(heads[index], at);
    at += row.argvJson.copy(body, at);
    at += body.write(CONFIG_KEY, at, 'latin1');
    at += row.configJson.copy(body, at);
    body[at++] = CLOSE_BRACE;
  });
  at += body.write(tail, at);
  return body.subarray(0, at);
}

/**
 * The JSON text of a listed job up to and with `"command":` (toJobView's fields but command and config, in its
 * order): what `JSON.stringify(view)` writes for them, field by field.
 */
export function listedJobHead({ job, user, projectPath }: JobViewRow, queuePosition: number | undefined): string {
  return (
    `{"job_id":${jsonText(job.id)},"status":${jsonText(job.status)},"priority":${jsonValue(job.priority)},"user":${jsonValue(user)}` +
    `,"scheduler_type":${jsonText(job.schedulerType)},"native_id":${jsonValue(job.nativeId)},"exit_code":${jsonValue(job.exitCode)}` +
    `,"error":${jsonValue(job.error)},"progress":${jsonValue(job.progress)},"queue_position":${jsonValue(queuePosition)}` +
    `,"project_path":${jsonValue(projectPath ?? '')},"log_path":${jsonText(job.logPath)},"created_at":${isoJson(job.createdAt)}` +
    `,"updated_at":${isoJson(job.updatedAt)},"started_at":${isoJson(job.startedAt)},"finished_at":${isoJson(job.finishedAt)}` +
    `,"cancel_requested_at":${isoJson(job.cancelRequestedAt)},"waiting_reason":${jsonValue(job.waitingReason)}` +
    `,"scheduler_state":${jsonValue(job.schedulerState)},"scheduler_reason":${jsonValue(job.schedulerReason)}` +
    `,"run":${jsonValue(job.run)},"command":`
  );
}

const jsonText = (text: string): string => JSON.stringify(text);

/** JSON.stringify of a field's value; null and undefined (the view's `?? null`) are null, as are NaN and ±Infinity. */
function jsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? `${value}` : 'null';
  return JSON.stringify(value);
}

/** A time (epoch ms) as the view writes it: its ISO string in quotes, or null. */
const isoJson = (ms: number | null): string => (ms === null ? 'null' : `"${isoTime(ms)}"`);

const LIST_OPEN = '{"items":[';
const CONFIG_KEY = ',"config":';
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
