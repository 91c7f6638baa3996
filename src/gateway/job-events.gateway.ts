import { OnEvent } from '@nestjs/event-emitter';
import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { JobProgressEvent } from '../jobs/events/job-progress.event';
import { JobStateChangedEvent } from '../jobs/events/job-state-changed.event';
import { JobsSubmittedEvent } from '../jobs/events/jobs-submitted.event';
import { toJobView } from '../jobs/job-view.mapper';
import { LocalJobRunner } from '../jobs/local/local-job-runner.service';
import { JobRecord } from '../jobs/model/job-record';
import { JobStatus } from '../jobs/model/job-status';
import { HostSampledEvent } from '../resources/host-sampled.event';
import { LimitsChangedEvent } from '../resources/limits-changed.event';
import { ResourceLimitsService } from '../resources/resource-limits.service';
import { toHostSampleDto, toResourceLimitsDto } from '../resources/resources-view.mapper';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { bearerTokenOf, tokenMatches } from '../security/bearer-token';
import { socketHandshakeCheck } from '../security/socket-handshake.check';
import { EventJournal } from './event-journal';
import { parseCatchUpRequest, parseFollowLogRequest, parseHandshakeJobs, parseSubscribeRequest, parseWatchAllRequest } from './gateway-requests.validation';
import { JobLogFollowService } from './log-follow/job-log-follow.service';
import {
  Ack,
  AdmissionPayload,
  ALL_EVENTS_ROOM,
  CatchUpAck,
  ClientToServerEvents,
  FollowLogAck,
  JobManagerEventName,
  jobRoom,
  ServerToClientEvents,
} from './job-events.contract';

type JobManagerSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** job_queued events of a batch sent per event-loop turn: 10,000 jobs take 20 turns, none blocking for long. */
export const BATCH_EVENTS_PER_TURN = 500;

/** The seed's event for each state a job enters. */
const EVENT_BY_STATUS: Record<JobStatus, JobManagerEventName> = {
  [JobStatus.QUEUED]: 'job_queued',
  [JobStatus.SCHEDULED]: 'job_scheduled',
  [JobStatus.RUNNING]: 'job_started',
  [JobStatus.COMPLETED]: 'job_completed',
  [JobStatus.FAILED]: 'job_completed',
  [JobStatus.CANCELLED]: 'job_completed',
  [JobStatus.TIMED_OUT]: 'job_completed',
};

/**
 * Publishes job, progress, limit and telemetry events to Socket.IO clients, numbered by the EventJournal.
 * Clients watch everything by default, or only the jobs they subscribe to (rooms), and catch up after a reconnect.
 */
@WebSocketGateway({ cors: false })
export class JobEventsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer() private readonly server?: Server<ClientToServerEvents, ServerToClientEvents>;

  /** job_queued events of batch submissions not sent yet, oldest first (job id → the job and the batch's detail). */
  private readonly pendingQueued = new Map<string, { job: JobRecord; detail: string }>();
  private flushScheduled = false;

  constructor(
    private readonly journal: EventJournal,
    private readonly runner: LocalJobRunner,
    private readonly limits: ResourceLimitsService,
    private readonly logFollow: JobLogFollowService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Every handshake passes the Host and origin checks (a page of another origin gets no events), and with
   * HFSS_JM_API_TOKEN set must carry the token: `io(url, { auth: { token } })` or an Authorization header.
   */
  afterInit(server: Server<ClientToServerEvents, ServerToClientEvents>): void {
    server.engine.opts.allowRequest = socketHandshakeCheck(this.config);
    const expected = this.config.security.apiToken;
    if (!expected) return;
    server.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const given = auth?.token ?? bearerTokenOf(socket.handshake.headers.authorization);
      next(tokenMatches(given, expected) ? undefined : new Error('unauthorized: missing or invalid token (io(url, { auth: { token } }))'));
    });
  }

  handleConnection(client: JobManagerSocket): void {
    const jobs = parseHandshakeJobs(client.handshake.query.jobs);
    if (jobs === null) {
      void client.join(ALL_EVENTS_ROOM);
    } else {
      void client.join(jobs.map(jobRoom));
    }
  }

  handleDisconnect(client: JobManagerSocket): void {
    this.logFollow.dropClient(client.id);
  }

  @SubscribeMessage('follow_log')
  async followLog(@ConnectedSocket() client: JobManagerSocket, @MessageBody() body: unknown): Promise<FollowLogAck> {
    const request = parseFollowLogRequest(body);
    if (!request.ok) return { ok: false, error: request.error };
    const follower = {
      id: client.id,
      emit: (event: 'job_log', payload: Parameters<ServerToClientEvents['job_log']>[0]) => client.emit(event, payload),
      unsentPackets: () => (client.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0,
    };
    return this.logFollow.follow(follower, request.value.job_id, request.value.offset ?? 0);
  }

  @SubscribeMessage('unfollow_log')
  unfollowLog(@ConnectedSocket() client: JobManagerSocket, @MessageBody() body: unknown): Ack {
    const request = parseSubscribeRequest(body);
    if (!request.ok) return { ok: false, error: request.error };
    this.logFollow.unfollow(client.id, request.value.job_id);
    return { ok: true };
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() client: JobManagerSocket, @MessageBody() body: unknown): Ack {
    const request = parseSubscribeRequest(body);
    if (!request.ok) return { ok: false, error: request.error };
    void client.join(jobRoom(request.value.job_id));
    return { ok: true };
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() client: JobManagerSocket, @MessageBody() body: unknown): Ack {
    const request = parseSubscribeRequest(body);
    if (!request.ok) return { ok: false, error: request.error };
    void client.leave(jobRoom(request.value.job_id));
    return { ok: true };
  }

  @SubscribeMessage('watch_all')
  watchAll(@ConnectedSocket() client: JobManagerSocket, @MessageBody() body: unknown): Ack {
    const request = parseWatchAllRequest(body);
    if (!request.ok) return { ok: false, error: request.error };
    void (request.value.enabled ? client.join(ALL_EVENTS_ROOM) : client.leave(ALL_EVENTS_ROOM));
    return { ok: true };
  }

  @SubscribeMessage('catch_up')
  catchUp(@ConnectedSocket() client: JobManagerSocket, @MessageBody() body: unknown): CatchUpAck {
    const request = parseCatchUpRequest(body);
    if (!request.ok) {
      return {
        ok: false,
        error: request.error,
        boot_id: this.journal.bootId,
        seq: this.journal.seq,
        complete: false,
        events: [],
      };
    }
    const { complete, events } = this.journal.since(request.value.since_seq, request.value.boot_id);
    const watchesAll = client.rooms.has(ALL_EVENTS_ROOM);
    const visible = events.filter((event) => watchesAll || ('job_id' in event && client.rooms.has(jobRoom(event.job_id))));
    return {
      ok: true,
      boot_id: this.journal.bootId,
      seq: this.journal.seq,
      complete,
      events: visible,
    };
  }

  /**
   * A batch: each job still gets its own job_queued event, in submission order, but BATCH_EVENTS_PER_TURN per
   * event-loop turn. A later event of one of these jobs (started, cancelled…) first sends its job_queued, so per job
   * the order stays queued → started → completed.
   */
  @OnEvent(JobsSubmittedEvent.name)
  onJobsSubmitted(event: JobsSubmittedEvent): void {
    for (const job of event.jobs) this.pendingQueued.set(job.id, { job, detail: event.detail });
    this.scheduleFlush();
  }

  @OnEvent(JobStateChangedEvent.name)
  onJobStateChanged(event: JobStateChangedEvent): void {
    this.sendPendingQueued(event.job.id);
    const view = toJobView(event.job, this.runner.positionOf(event.job.id));
    const base = {
      job_id: view.job_id,
      status: view.status,
      previous_status: event.previousStatus,
      priority: view.priority,
      scheduler_type: view.scheduler_type,
      native_id: view.native_id,
      exit_code: view.exit_code,
      error: view.error,
      progress: view.progress,
      detail: event.detail,
      created_at: view.created_at,
      started_at: view.started_at,
      finished_at: view.finished_at,
      scheduler_state: view.scheduler_state,
      scheduler_reason: view.scheduler_reason,
      run: view.run,
      job: view,
    };
    if (event.previousStatus === event.job.status) {
      this.emitForJob('job_updated', base);
      return;
    }
    if (event.job.status === JobStatus.CANCELLED) {
      this.emitForJob('job_cancelled', base);
    }
    this.emitForJob(EVENT_BY_STATUS[event.job.status], base);
  }

  @OnEvent(JobProgressEvent.name)
  onJobProgress(event: JobProgressEvent): void {
    this.sendPendingQueued(event.jobId);
    this.emitForJob('job_progress', {
      job_id: event.jobId,
      status: JobStatus.RUNNING,
      progress: event.percent,
      message: event.message,
    });
  }

  @OnEvent(LimitsChangedEvent.name)
  onLimitsChanged(event: LimitsChangedEvent): void {
    this.emitToAll('limits_updated', {
      limits: toResourceLimitsDto(event.limits),
      previous: toResourceLimitsDto(event.previous),
      ...this.admission(),
    });
  }

  @OnEvent(HostSampledEvent.name)
  onHostSampled(event: HostSampledEvent): void {
    this.emitToAll('resources_updated', {
      host: toHostSampleDto(event.sample),
      limits: toResourceLimitsDto(this.limits.current),
      ...this.admission(),
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.pendingQueued.size === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      let sent = 0;
      for (const id of this.pendingQueued.keys()) {
        if (sent++ >= BATCH_EVENTS_PER_TURN) break;
        this.sendPendingQueued(id);
      }
      this.scheduleFlush();
    });
  }

  private sendPendingQueued(jobId: string): void {
    const pending = this.pendingQueued.get(jobId);
    if (!pending) return;
    this.pendingQueued.delete(jobId);
    this.onJobStateChanged(new JobStateChangedEvent(pending.job, null, pending.detail));
  }

  private admission(): AdmissionPayload {
    const blockers = this.runner.blockers();
    return {
      admitting: blockers.length === 0,
      blocked_reasons: this.runner.waitingBlockers(),
      queued: this.runner.queuedCount,
      running: this.runner.runningCount,
    };
  }

  private emitForJob(name: JobManagerEventName, payload: { job_id: string } & Record<string, unknown>): void {
    // Socket.IO sends once to a client that is in both rooms.
    this.broadcast([ALL_EVENTS_ROOM, jobRoom(payload.job_id)], name, payload);
  }

  private emitToAll(name: JobManagerEventName, payload: Record<string, unknown>): void {
    this.broadcast([ALL_EVENTS_ROOM], name, payload);
  }

  /** Numbers the event, keeps it for catch_up, sends it. Payload shapes are fixed by the callers above. */
  private broadcast(rooms: string[], name: JobManagerEventName, payload: Record<string, unknown>): void {
    const stamped = this.journal.record(name, payload as never);
    // Nobody in these rooms (a service no dashboard watches): skip Socket.IO's encoding of a packet no one gets.
    const joined = this.server?.sockets.adapter.rooms;
    if (joined === undefined || !rooms.some((room) => joined.has(room))) return;
    const target = this.server?.to(rooms) as { emit(event: string, payload: unknown): boolean } | undefined;
    target?.emit(name, stamped);
  }
}
