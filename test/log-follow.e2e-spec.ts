import { io, Socket } from 'socket.io-client';
import type { FollowLogAck, JobLogPayload } from '../src/gateway/job-events.contract';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CHUNK_LIMIT = 64 * 1024;

/** A real socket.io-client that records the job_log events it receives. */
async function logClient(url: string): Promise<{ socket: Socket; chunks: JobLogPayload[] }> {
  const socket = io(url, { transports: ['websocket'], reconnection: false });
  const chunks: JobLogPayload[] = [];
  socket.on('job_log', (payload: JobLogPayload) => chunks.push(payload));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, chunks };
}

const ask = <T>(socket: Socket, message: string, body: unknown): Promise<T> => socket.timeout(10_000).emitWithAck(message, body) as Promise<T>;

describe('live log follow over Socket.IO (job_log)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    harness = await startTestApp();
    api = apiClient(harness.url);
    projects = makeTempDir('log-follow-');
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const client = async () => {
    const created = await logClient(harness.url);
    sockets.push(created.socket);
    return created;
  };

  it('should stream a growing log to its follower alone, in contiguous chunks of at most 64 KiB, ending with eof', async () => {
    const project = writeProject(projects, 'follow_1.aedt', { duration_ms: 3_000, progress_steps: 6, stdout_bytes: 100_000, spawn_child: false });
    const follower = await client();
    const bystander = await client();
    expect((await api.submit({ jobid: 'follow_1', project_path: project })).status).toBe(201);
    const ack = await ask<FollowLogAck>(follower.socket, 'follow_log', { job_id: 'follow_1', offset: 0 });
    expect(ack).toMatchObject({ ok: true, offset: 0 });
    await waitFor(() => follower.chunks.some((chunk) => chunk.eof), 60_000, 'the eof chunk');

    const whole = await (await fetch(`${harness.url}/jobs/follow_1/log`)).text();
    expect(Buffer.byteLength(whole)).toBeGreaterThan(4 * CHUNK_LIMIT);
    expect(follower.chunks.map((chunk) => chunk.data).join('')).toBe(whole);
    let expected = 0;
    for (const chunk of follower.chunks) {
      expect(chunk).toMatchObject({ job_id: 'follow_1', attempt: 1, offset: expected });
      expect(Buffer.byteLength(chunk.data)).toBeLessThanOrEqual(CHUNK_LIMIT);
      expect(chunk.next_offset).toBe(expected + Buffer.byteLength(chunk.data));
      expected = chunk.next_offset;
    }
    expect(follower.chunks.filter((chunk) => chunk.eof)).toHaveLength(1);
    expect(follower.chunks[follower.chunks.length - 1].eof).toBe(true);
    expect(bystander.chunks).toHaveLength(0);
  }, 90_000);

  it('should resume from an offset, and end at once for a finished job', async () => {
    const whole = await (await fetch(`${harness.url}/jobs/follow_1/log`)).text();
    const size = Buffer.byteLength(whole);
    const follower = await client();
    expect(await ask<FollowLogAck>(follower.socket, 'follow_log', { job_id: 'follow_1', offset: size - 100 })).toEqual({ ok: true, size, offset: size - 100 });
    await waitFor(() => follower.chunks.some((chunk) => chunk.eof), 20_000, 'the eof chunk');
    expect(follower.chunks.map((chunk) => chunk.data).join('')).toBe(
      Buffer.from(whole)
        .subarray(size - 100)
        .toString(),
    );
  });

  it('should refuse an unknown job and a malformed request, and stop after unfollow_log', async () => {
    const follower = await client();
    expect(await ask<FollowLogAck>(follower.socket, 'follow_log', { job_id: 'nope' })).toEqual({ ok: false, error: 'Job nope not found' });
    expect(await ask<FollowLogAck>(follower.socket, 'follow_log', { job_id: '../x' })).toMatchObject({ ok: false });
    expect(await ask<FollowLogAck>(follower.socket, 'follow_log', { job_id: 'follow_1', offset: -1 })).toMatchObject({ ok: false });
    expect(await ask<FollowLogAck>(follower.socket, 'follow_log', { job_id: 'follow_1', extra: 1 })).toMatchObject({ ok: false });

    const project = writeProject(projects, 'follow_2.aedt', { duration_ms: 60_000, progress_steps: 60, spawn_child: false });
    await api.submit({ jobid: 'follow_2', project_path: project });
    await api.waitForStatus('follow_2', ['running']);
    expect((await ask<FollowLogAck>(follower.socket, 'follow_log', { job_id: 'follow_2' })).ok).toBe(true);
    await waitFor(() => follower.chunks.length > 0, 20_000, 'a first chunk');
    expect(await ask(follower.socket, 'unfollow_log', { job_id: 'follow_2' })).toEqual({ ok: true });
    const seen = follower.chunks.length;
    const logSize = async () => Number((await fetch(`${harness.url}/jobs/follow_2/log?tail=1`)).headers.get('x-log-size'));
    const sizeThen = await logSize();
    await waitFor(async () => (await logSize()) > sizeThen + 100, 30_000, 'the log to grow');
    expect(follower.chunks.length).toBe(seen);
    await api.post('/jobs/follow_2/cancel');
    await api.waitForStatus('follow_2', ['cancelled']);
  }, 90_000);
});
