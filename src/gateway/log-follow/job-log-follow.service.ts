import { open, stat } from 'node:fs/promises';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { isTerminal } from '../../jobs/model/job-status';
import { JobRepository } from '../../jobs/persistence/job.repository';
import { JobAttemptsRepository } from '../../jobs/retry/job-attempts.repository';
import { JobLogPayload } from '../job-events.contract';
import { completeUtf8Length } from './utf8-boundary';

/** Largest `data` of one job_log event, in bytes. */
export const LOG_CHUNK_BYTES = 64 * 1024;
/** Chunks sent to one follower per tick; more wait for the next tick. */
const CHUNKS_PER_TICK = 8;
/** A client whose socket still holds this many unsent packets gets nothing more until it has read them. */
const MAX_UNSENT_PACKETS = 16;
/** Jobs one client may follow at once. */
export const MAX_FOLLOWS_PER_CLIENT = 32;
const TICK_MS = 250;

/** What the follower needs from a Socket.IO socket (kept small so the service does not depend on the gateway). */
export interface LogFollowClient {
  readonly id: string;
  emit(event: 'job_log', payload: JobLogPayload): unknown;
  /** Packets queued but not yet written to the transport (engine.io's writeBuffer). */
  unsentPackets(): number;
}

interface Follow {
  client: LogFollowClient;
  jobId: string;
  /** The attempt whose log is followed; a retry during the follow starts a new log, so the follow ends there. */
  attempt: number;
  offset: number;
  busy: boolean;
}

export type FollowResult = { ok: true; size: number; offset: number } | { ok: false; error: string };

/**
 * Live log follow: each follower gets the bytes appended to a job's solver log from the offset it asked for, in
 * chunks of at most LOG_CHUNK_BYTES read by offset (never the whole file), and a last event with `eof: true`
 * once the job has ended and everything was sent. Memory per follower is bounded by the unsent-packet limit.
 */
@Injectable()
export class JobLogFollowService implements OnModuleDestroy {
  private readonly byClient = new Map<string, Map<string, Follow>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly jobs: JobRepository,
    private readonly attempts: JobAttemptsRepository,
  ) {}

  async follow(client: LogFollowClient, jobId: string, offset: number): Promise<FollowResult> {
    const job = this.jobs.findById(jobId);
    if (!job) return { ok: false, error: `Job ${jobId} not found` };
    const follows = this.byClient.get(client.id) ?? new Map<string, Follow>();
    if (!follows.has(jobId) && follows.size >= MAX_FOLLOWS_PER_CLIENT) {
      return { ok: false, error: `A client may follow at most ${MAX_FOLLOWS_PER_CLIENT} logs at once; unfollow_log one first` };
    }
    const size = (await stat(job.logPath).catch(() => undefined))?.size ?? 0;
    const start = Math.min(offset, size);
    follows.set(jobId, { client, jobId, attempt: this.attempts.currentAttempt(jobId), offset: start, busy: false });
    this.byClient.set(client.id, follows);
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    this.tick();
    return { ok: true, size, offset: start };
  }

  unfollow(clientId: string, jobId: string): void {
    this.byClient.get(clientId)?.delete(jobId);
    this.stopWhenIdle(clientId);
  }

  dropClient(clientId: string): void {
    this.byClient.delete(clientId);
    this.stopWhenIdle(clientId);
  }

  get followerCount(): number {
    let count = 0;
    for (const follows of this.byClient.values()) count += follows.size;
    return count;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.byClient.clear();
  }

  private tick(): void {
    for (const follows of this.byClient.values()) {
      for (const follow of follows.values()) {
        if (!follow.busy) {
          follow.busy = true;
          void this.pump(follow).finally(() => (follow.busy = false));
        }
      }
    }
  }

  /** Sends what was appended since the follower's offset; the job's status is read before the size, so eof is never early. */
  private async pump(follow: Follow): Promise<void> {
    const job = this.jobs.findById(follow.jobId);
    if (!job) {
      this.send(follow, '', true);
      return this.unfollow(follow.client.id, follow.jobId);
    }
    if (this.attempts.currentAttempt(job.id) !== follow.attempt) {
      // Retried since the follow began: the followed attempt's log was moved to attempts/<n>/ (GET …/log?attempt=n).
      this.send(follow, '', true);
      return this.unfollow(follow.client.id, follow.jobId);
    }
    const ended = isTerminal(job.status);
    const size = (await stat(job.logPath).catch(() => undefined))?.size ?? 0;
    for (let sent = 0; follow.offset < size && sent < CHUNKS_PER_TICK; sent++) {
      if (follow.client.unsentPackets() >= MAX_UNSENT_PACKETS) return;
      const chunk = await readChunk(job.logPath, follow.offset, Math.min(LOG_CHUNK_BYTES, size - follow.offset));
      if (chunk.length === 0) break;
      const usable = chunk.subarray(0, completeUtf8Length(chunk));
      if (!this.isFollowing(follow)) return;
      this.send(follow, usable.toString('utf8'), false, usable.length);
    }
    if (ended && follow.offset >= size && this.isFollowing(follow)) {
      this.send(follow, '', true);
      this.unfollow(follow.client.id, follow.jobId);
    }
  }

  private send(follow: Follow, data: string, eof: boolean, bytes = 0): void {
    const offset = follow.offset;
    follow.offset += bytes;
    follow.client.emit('job_log', { job_id: follow.jobId, attempt: follow.attempt, offset, next_offset: follow.offset, data, eof });
  }

  private isFollowing(follow: Follow): boolean {
    return this.byClient.get(follow.client.id)?.get(follow.jobId) === follow;
  }

  private stopWhenIdle(clientId: string): void {
    if (this.byClient.get(clientId)?.size === 0) this.byClient.delete(clientId);
    if (this.byClient.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

async function readChunk(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return Buffer.alloc(0);
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
