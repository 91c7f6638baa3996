import { JobViewDto } from '../jobs/dto/job-view.dto';
import { JobStatus } from '../jobs/model/job-status';
import { HostSampleDto, ResourceLimitsDto } from '../resources/dto/resources-view.dto';

/** Fields every server → client event carries. */
export interface EventEnvelope {
  /** Monotonic per service instance (boot_id): a client that saw seq N asks `catch_up` for everything after N. */
  seq: number;
  /** Changes when the service restarts; sequence numbers of another boot_id cannot be caught up. */
  boot_id: string;
  /** The event's own name, so a client can store events in one list. */
  event: JobManagerEventName;
  /** ISO 8601. */
  emitted_at: string;
}

/** A job's state, with what a progress bar and a status line need, plus the full job. */
export interface JobEventPayload extends EventEnvelope {
  job_id: string;
  status: JobStatus;
  /** The status before this change; null for a new job. */
  previous_status: JobStatus | null;
  priority: number;
  scheduler_type: string;
  native_id: string | null;
  exit_code: number | null;
  error: string | null;
  /** Solver progress 0-100 when known. */
  progress: number | null;
  /** What happened, e.g. "accepted by slurm as 42". */
  detail: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The cluster scheduler's own state word (`PENDING`, `SUSPENDED`, `Eqw`, …), refreshed each poll; null locally. */
  scheduler_state: string | null;
  /** The scheduler's reason for it (`JobHeldAdmin`, `BeginTime`, an Eqw error message, …). */
  scheduler_reason: string | null;
  /** Which run this is; incremented by every requeue. */
  run: number;
  job: JobViewDto;
}

export interface JobProgressPayload extends EventEnvelope {
  job_id: string;
  status: JobStatus;
  /** 0-100. */
  progress: number;
  /** The solver log line the progress was read from. */
  message: string;
}

export interface AdmissionPayload {
  /** True when the next queued local job would start now. */
  admitting: boolean;
  blocked_reasons: string[];
  queued: number;
  running: number;
}

export interface LimitsUpdatedPayload extends EventEnvelope, AdmissionPayload {
  limits: ResourceLimitsDto;
  previous: ResourceLimitsDto;
}

export interface ResourcesUpdatedPayload extends EventEnvelope, AdmissionPayload {
  host: HostSampleDto;
  limits: ResourceLimitsDto;
}

/**
 * Appended solver-log bytes, sent only to the client that asked `follow_log` for the job. Not numbered and not
 * kept for catch_up: a client that reconnects follows again from the `next_offset` it last saw.
 */
export interface JobLogPayload {
  job_id: string;
  /** The run of the job the log belongs to (1 for the first). */
  attempt: number;
  /** Byte offset of `data` in the log. */
  offset: number;
  /** Where the next chunk starts (offset + the byte length of data). */
  next_offset: number;
  /** UTF-8 text, at most 64 KiB; never a split character. */
  data: string;
  /** True on the last event: the job has ended and the whole log was sent; the follow is over. */
  eof: boolean;
}

/** Server → client events (Socket.IO typed event map). */
export interface ServerToClientEvents {
  /** A job entered the local queue (or is waiting to be submitted to its scheduler). */
  job_queued: (payload: JobEventPayload) => void;
  /** A cluster scheduler accepted the job (native_id is its job id); external schedulers only. */
  job_scheduled: (payload: JobEventPayload) => void;
  /** The solve started. */
  job_started: (payload: JobEventPayload) => void;
  /** The job reached a terminal state: completed, failed, cancelled or timed_out (see status and exit_code). */
  job_completed: (payload: JobEventPayload) => void;
  /** The job was cancelled; always followed by job_completed with status cancelled. */
  job_cancelled: (payload: JobEventPayload) => void;
  /** Something else about the job changed without a new status (priority, cancel requested, the scheduler's state or reason, …). */
  job_updated: (payload: JobEventPayload) => void;
  /** The solver log shows new progress. */
  job_progress: (payload: JobProgressPayload) => void;
  /** The admission limits were changed (PUT /resources/limits). */
  limits_updated: (payload: LimitsUpdatedPayload) => void;
  /** A new host telemetry sample (every HFSS_JM_TELEMETRY_INTERVAL_MS), with the admission state. */
  resources_updated: (payload: ResourcesUpdatedPayload) => void;
  /** Appended log bytes of a job this client follows (follow_log); sent to that client alone. */
  job_log: (payload: JobLogPayload) => void;
}

/** The journaled events (every one but job_log, which goes to its follower alone). */
export type JobManagerEventName = Exclude<keyof ServerToClientEvents, 'job_log'>;
export type JobManagerEvent = Parameters<ServerToClientEvents[JobManagerEventName]>[0];

export interface SubscribeRequest {
  job_id: string;
}

export interface WatchAllRequest {
  enabled: boolean;
}

export interface CatchUpRequest {
  /** The last seq the client has seen (0 for everything still buffered). */
  since_seq: number;
  /** The boot_id those sequence numbers belong to. */
  boot_id?: string;
}

export interface FollowLogRequest {
  job_id: string;
  /** Byte offset to start from (0 = the whole log; past the end = from the end). */
  offset?: number;
}

export interface FollowLogAck extends Ack {
  /** The log's size when the follow started. */
  size?: number;
  /** Where the first job_log chunk starts. */
  offset?: number;
}

export interface Ack {
  ok: boolean;
  error?: string;
}

export interface CatchUpAck extends Ack {
  boot_id: string;
  /** The newest seq; ask again with it after processing `events`. */
  seq: number;
  /**
   * False when events after since_seq were lost for this client: another boot_id, or older than the buffer.
   * The client should then re-read GET /jobs and continue from `seq`.
   */
  complete: boolean;
  events: JobManagerEvent[];
}

/** Client → server messages; each answers through the Socket.IO acknowledgement callback. */
export interface ClientToServerEvents {
  /** Receive the events of one job (room `job:<id>`), also when not watching all. */
  subscribe: (request: SubscribeRequest, ack: (answer: Ack) => void) => void;
  unsubscribe: (request: SubscribeRequest, ack: (answer: Ack) => void) => void;
  /** Receive every event (the default on connect, unless the handshake names `jobs`). */
  watch_all: (request: WatchAllRequest, ack: (answer: Ack) => void) => void;
  /** The buffered events after since_seq that this client would have received. */
  catch_up: (request: CatchUpRequest, ack: (answer: CatchUpAck) => void) => void;
  /** Receive job_log events with the job's solver log from `offset` on, until the job ends (eof) or unfollow_log. */
  follow_log: (request: FollowLogRequest, ack: (answer: FollowLogAck) => void) => void;
  unfollow_log: (request: SubscribeRequest, ack: (answer: Ack) => void) => void;
}

/** Room of the clients watching every event. */
export const ALL_EVENTS_ROOM = 'all';

export const jobRoom = (jobId: string): string => `job:${jobId}`;
