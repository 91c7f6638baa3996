import { OpenAPIObject } from '@nestjs/swagger';
import { PACKAGE_VERSION } from '../package-version';
import { JOB_ID_PATTERN } from '../simulation/hfss-simulation-config.dto';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const JOB_STATUS: Schema = { type: 'string', enum: ['queued', 'scheduled', 'running', 'completed', 'failed', 'cancelled', 'timed_out'] };

const ENVELOPE: Record<string, Schema> = {
  seq: { type: 'integer', minimum: 1, description: 'Monotonic per boot_id; ask catch_up with the last one seen after a reconnect.' },
  boot_id: { type: 'string', description: 'Changes when the service restarts; sequence numbers restart with it.' },
  event: { type: 'string', description: 'The event name.' },
  emitted_at: { type: 'string', format: 'date-time' },
};

const ADMISSION: Record<string, Schema> = {
  admitting: { type: 'boolean', description: 'True when the next queued local job would start now.' },
  blocked_reasons: { type: 'array', items: { type: 'string' } },
  queued: { type: 'integer' },
  running: { type: 'integer' },
};

const object = (properties: Record<string, Schema>): Schema => ({ type: 'object', required: Object.keys(properties), properties });

const SCHEMAS: Record<string, Schema> = {
  JobEventPayload: object({
    ...ENVELOPE,
    job_id: { type: 'string' },
    status: JOB_STATUS,
    previous_status: nullable(JOB_STATUS),
    priority: { type: 'integer' },
    scheduler_type: { type: 'string' },
    native_id: nullable({ type: 'string' }),
    exit_code: nullable({ type: 'integer' }),
    error: nullable({ type: 'string' }),
    progress: nullable({ type: 'number', minimum: 0, maximum: 100 }),
    detail: { type: 'string', description: 'What happened, e.g. "accepted by slurm as 42".' },
    scheduler_state: nullable({ type: 'string', description: "The cluster scheduler's own state word (PENDING, SUSPENDED, Eqw, …), refreshed each poll." }),
    scheduler_reason: nullable({ type: 'string', description: "The scheduler's reason (JobHeldAdmin, BeginTime, an Eqw error message, …)." }),
    run: { type: 'integer', minimum: 1, description: 'Which run this is; incremented by every requeue.' },
    created_at: { type: 'string', format: 'date-time' },
    started_at: nullable({ type: 'string', format: 'date-time' }),
    finished_at: nullable({ type: 'string', format: 'date-time' }),
    job: ref('JobViewDto'),
  }),
  JobProgressPayload: object({
    ...ENVELOPE,
    job_id: { type: 'string' },
    status: JOB_STATUS,
    progress: { type: 'number', minimum: 0, maximum: 100 },
    message: { type: 'string', description: 'The solver log line the progress was read from.' },
  }),
  LimitsUpdatedPayload: object({ ...ENVELOPE, ...ADMISSION, limits: ref('ResourceLimitsDto'), previous: ref('ResourceLimitsDto') }),
  ResourcesUpdatedPayload: object({ ...ENVELOPE, ...ADMISSION, host: ref('HostSampleDto'), limits: ref('ResourceLimitsDto') }),
  JobLogPayload: object({
    job_id: { type: 'string' },
    attempt: { type: 'integer', minimum: 1, description: 'The run of the job the log belongs to (1 for the first).' },
    offset: { type: 'integer', minimum: 0, description: 'Byte offset of data in the log.' },
    next_offset: { type: 'integer', minimum: 0, description: 'Where the next chunk starts; follow_log again from it after a reconnect.' },
    data: { type: 'string', description: 'UTF-8 text, at most 64 KiB, never a split character.' },
    eof: { type: 'boolean', description: 'True on the last event: the job has ended and the whole log was sent.' },
  }),
  FollowLogRequest: {
    type: 'object',
    required: ['job_id'],
    properties: {
      job_id: { type: 'string', pattern: JOB_ID_PATTERN.source },
      offset: { type: 'integer', minimum: 0, description: 'Byte offset to start from (0 = the whole log; past the end = from the end).' },
    },
  },
  FollowLogAck: {
    type: 'object',
    required: ['ok'],
    properties: {
      ok: { type: 'boolean' },
      error: { type: 'string' },
      size: { type: 'integer', description: 'The log size when the follow started.' },
      offset: { type: 'integer', description: 'Where the first job_log chunk starts.' },
    },
  },
  SubscribeRequest: object({ job_id: { type: 'string', pattern: JOB_ID_PATTERN.source } }),
  WatchAllRequest: object({ enabled: { type: 'boolean' } }),
  CatchUpRequest: { type: 'object', required: ['since_seq'], properties: { since_seq: { type: 'integer', minimum: 0 }, boot_id: { type: 'string' } } },
  Ack: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, error: { type: 'string' } } },
  CatchUpAck: {
    type: 'object',
    required: ['ok', 'boot_id', 'seq', 'complete', 'events'],
    properties: {
      ok: { type: 'boolean' },
      error: { type: 'string' },
      boot_id: { type: 'string' },
      seq: { type: 'integer' },
      complete: { type: 'boolean', description: 'False when some events are lost for this client (other boot_id, or older than the buffer): re-read GET /jobs.' },
      events: { type: 'array', items: { type: 'object', description: 'Any server event payload, oldest first.' } },
    },
  },
};

/** Server → client events: name, summary, payload schema. The order and wording follow job-events.contract.ts. */
const SERVER_EVENTS: Array<[string, string, string]> = [
  ['job_queued', 'A job entered the local queue (or waits to be submitted to its scheduler).', 'JobEventPayload'],
  ['job_scheduled', 'A cluster scheduler accepted the job; native_id is its job id (external schedulers only).', 'JobEventPayload'],
  ['job_started', 'The solve started.', 'JobEventPayload'],
  ['job_completed', 'The job reached a terminal state: completed, failed, cancelled or timed_out (see status and exit_code).', 'JobEventPayload'],
  ['job_cancelled', 'The job was cancelled; always followed by job_completed with status cancelled.', 'JobEventPayload'],
  ['job_updated', "Something else about the job changed without a new status (priority, cancel requested, the scheduler's own state or reason, …); sent only when something changed.", 'JobEventPayload'],
  ['job_progress', 'The solver log shows new progress.', 'JobProgressPayload'],
  ['limits_updated', 'The admission limits were changed (PUT /resources/limits).', 'LimitsUpdatedPayload'],
  ['resources_updated', 'A new host telemetry sample, with the admission state.', 'ResourcesUpdatedPayload'],
  ['job_log', 'Appended solver-log bytes of a job this client follows (follow_log), sent to that client alone; not numbered, not kept for catch_up.', 'JobLogPayload'],
];

/** Client → server messages, answered through the Socket.IO acknowledgement. */
const CLIENT_MESSAGES: Array<[string, string, string, string]> = [
  ['subscribe', 'Receive the events of one job (room job:<id>), also when not watching all.', 'SubscribeRequest', 'Ack'],
  ['unsubscribe', 'Stop receiving one job’s events.', 'SubscribeRequest', 'Ack'],
  ['watch_all', 'Receive every event (the default on connect unless the handshake query names jobs=a,b).', 'WatchAllRequest', 'Ack'],
  ['catch_up', 'The buffered events after since_seq that this client would have received.', 'CatchUpRequest', 'CatchUpAck'],
  ['follow_log', 'Receive job_log events with the job’s solver log from offset on, until the job ends (eof) or unfollow_log.', 'FollowLogRequest', 'FollowLogAck'],
  ['unfollow_log', 'Stop receiving job_log events for one job.', 'SubscribeRequest', 'Ack'],
];

/**
 * AsyncAPI 3.0 description of the Socket.IO interface, sharing the REST document's schemas (JobViewDto, …).
 * Written to openapi/asyncapi.json next to openapi.json and checked fresh the same way.
 */
export function createAsyncApiDocument(openapi: OpenAPIObject): Record<string, unknown> {
  const shared = openapi.components?.schemas ?? {};
  const needed = ['JobViewDto', 'HostSampleDto', 'ResourceLimitsDto'];
  const schemas: Record<string, unknown> = { ...SCHEMAS };
  // JobViewDto refers to the config DTOs: copy the REST schemas it reaches.
  const queue = [...needed];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (schemas[name] || !shared[name]) continue;
    schemas[name] = shared[name];
    for (const [, referenced] of JSON.stringify(shared[name]).matchAll(/#\/components\/schemas\/([A-Za-z0-9_]+)/g)) queue.push(referenced);
  }
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  for (const [name, summary, payload] of SERVER_EVENTS) {
    messages[name] = { name, summary, payload: ref(payload) };
    channelMessages[name] = { $ref: `#/components/messages/${name}` };
    operations[`receive_${name}`] = { action: 'send', channel: { $ref: '#/channels/root' }, summary, messages: [{ $ref: `#/channels/root/messages/${name}` }] };
  }
  for (const [name, summary, payload, reply] of CLIENT_MESSAGES) {
    messages[name] = { name, summary, payload: ref(payload) };
    messages[`${name}_ack`] = { name: `${name} acknowledgement`, payload: ref(reply) };
    channelMessages[name] = { $ref: `#/components/messages/${name}` };
    channelMessages[`${name}_ack`] = { $ref: `#/components/messages/${name}_ack` };
    operations[`send_${name}`] = {
      action: 'receive',
      channel: { $ref: '#/channels/root' },
      summary,
      messages: [{ $ref: `#/channels/root/messages/${name}` }],
      reply: { channel: { $ref: '#/channels/root' }, messages: [{ $ref: `#/channels/root/messages/${name}_ack` }] },
    };
  }
  channels.root = {
    address: '/',
    title: 'Socket.IO default namespace',
    description: 'Connect with socket.io-client to the service URL (path /socket.io). Handshake query jobs=a,b watches only those jobs.',
    messages: channelMessages,
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'HFSS Job Manager events',
      version: PACKAGE_VERSION,
      description: 'Socket.IO events of the HFSS job manager: job state changes, solver progress, limits and host telemetry.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:8080', protocol: 'ws', description: 'Socket.IO (engine.io over WebSocket or long-polling)' } },
    channels,
    operations,
    components: { schemas, messages },
  };
}
