import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { io, Socket } from 'socket.io-client';
import type { CatchUpAck, JobEventPayload, JobManagerEvent, LimitsUpdatedPayload } from '../src/gateway/job-events.contract';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const EVENT_NAMES = [
  'job_queued',
  'job_scheduled',
  'job_started',
  'job_completed',
  'job_cancelled',
  'job_updated',
  'job_progress',
  'limits_updated',
  'resources_updated',
];

/** A real Socket.IO client that records every event it receives, in arrival order. */
function connect(url: string, options: { jobs?: string } = {}): { socket: Socket; events: JobManagerEvent[]; of: (jobId: string) => JobManagerEvent[] } {
  const socket = io(url, { transports: ['websocket'], query: options.jobs ? { jobs: options.jobs } : undefined, reconnection: false });
  const events: JobManagerEvent[] = [];
  for (const name of EVENT_NAMES) {
    socket.on(name, (payload: JobManagerEvent) => events.push(payload));
  }
  return { socket, events, of: (jobId) => events.filter((event) => 'job_id' in event && event.job_id === jobId) };
}

const connected = (socket: Socket): Promise<void> => (socket.connected ? Promise.resolve() : new Promise((resolve) => socket.once('connect', () => resolve())));

describe('Socket.IO events (real socket.io-client against the real gateway)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    harness = await startTestApp({ env: { HFSS_JM_PROGRESS_INTERVAL_MS: '100' } });
    api = apiClient(harness.url);
    projects = makeTempDir('hfss-socket-projects-');
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const client = async (options: { jobs?: string } = {}) => {
    const created = connect(harness.url, options);
    sockets.push(created.socket);
    await connected(created.socket);
    return created;
  };
  const submit = (jobid: string, behaviour: Record<string, unknown> = {}) =>
    api.submit({ jobid, project_path: writeProject(projects, `${jobid}.aedt`, behaviour) });

  it('should announce a job from queued through progress to completed, numbered without gaps', async () => {
    const watcher = await client();
    await submit('sock_ok', { duration_ms: 1500, progress_steps: 5 });
    await waitFor(() => watcher.of('sock_ok').find((event) => event.event === 'job_completed'), 20_000, 'job_completed');
    const names = watcher.of('sock_ok').map((event) => event.event);
    expect(names[0]).toBe('job_queued');
    expect(names).toContain('job_started');
    expect(names.at(-1)).toBe('job_completed');
    const progress = watcher
      .of('sock_ok')
      .filter((event) => event.event === 'job_progress')
      .map((event) => (event as { progress: number }).progress);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(progress.every((percent) => percent > 0 && percent <= 100)).toBe(true);
    const completed = watcher.of('sock_ok').at(-1) as JobEventPayload;
    expect(completed).toMatchObject({
      job_id: 'sock_ok',
      status: 'completed',
      previous_status: 'running',
      exit_code: 0,
      progress: 100,
      boot_id: expect.any(String),
    });
    expect(completed.job).toMatchObject({ job_id: 'sock_ok', status: 'completed', log_path: expect.stringMatching(/solver\.log$/) });
    expect(Date.parse(completed.emitted_at)).not.toBeNaN();
    // Every event this client got (telemetry included) carries the next sequence number: nothing was skipped.
    const seqs = watcher.events.map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0] + index));
    expect((await api.job('sock_ok')).body.progress).toBe(100);
  });

  it('should send a job-scoped client only the jobs it watches, and more after it subscribes', async () => {
    const scoped = await client({ jobs: 'sock_a' });
    await submit('sock_a', { duration_ms: 200 });
    await submit('sock_b', { duration_ms: 200 });
    await api.waitForStatus('sock_b', ['completed'], 20_000);
    await waitFor(() => scoped.of('sock_a').find((event) => event.event === 'job_completed'), 10_000, 'sock_a completion');
    expect(scoped.of('sock_b')).toEqual([]);
    expect(scoped.events.some((event) => event.event === 'resources_updated')).toBe(false);

    expect(await scoped.socket.emitWithAck('subscribe', { job_id: 'sock_c' })).toEqual({ ok: true });
    await submit('sock_c', { duration_ms: 200 });
    await waitFor(() => scoped.of('sock_c').find((event) => event.event === 'job_completed'), 20_000, 'sock_c completion');
    expect(await scoped.socket.emitWithAck('subscribe', { job_id: '../etc' })).toEqual({ ok: false, error: expect.stringMatching(/job_id must be/) });
    expect(await scoped.socket.emitWithAck('subscribe', { job_id: 'x', extra: 1 })).toEqual({ ok: false, error: 'unknown field(s): extra' });
  });

  it('should let a reconnecting client catch up on exactly the events it missed', async () => {
    const first = await client();
    await submit('sock_before', { duration_ms: 100 });
    await waitFor(() => first.of('sock_before').find((event) => event.event === 'job_completed'), 20_000, 'first job');
    const lastSeen = first.events.at(-1)!;
    first.socket.disconnect();

    await submit('sock_missed', { duration_ms: 300 });
    await api.waitForStatus('sock_missed', ['completed'], 20_000);

    const again = await client();
    const ack = (await again.socket.emitWithAck('catch_up', { since_seq: lastSeen.seq, boot_id: lastSeen.boot_id })) as CatchUpAck;
    expect(ack).toMatchObject({ ok: true, complete: true, boot_id: lastSeen.boot_id });
    const seqs = ack.events.map((event) => event.seq);
    expect(seqs[0]).toBe(lastSeen.seq + 1);
    expect(seqs).toEqual(seqs.map((_, index) => lastSeen.seq + 1 + index));
    const missed = ack.events.filter((event) => 'job_id' in event && event.job_id === 'sock_missed').map((event) => event.event);
    expect(missed).toEqual(expect.arrayContaining(['job_queued', 'job_started', 'job_completed']));
    // Another boot's numbers cannot be caught up: the client is told to re-read the REST API.
    const foreign = (await again.socket.emitWithAck('catch_up', { since_seq: 3, boot_id: 'another-boot' })) as CatchUpAck;
    expect(foreign.complete).toBe(false);
    expect((await again.socket.emitWithAck('catch_up', { since_seq: -1 })) as CatchUpAck).toMatchObject({
      ok: false,
      error: expect.stringMatching(/since_seq/),
    });
  });

  it('should announce a cancellation with job_cancelled followed by job_completed', async () => {
    const watcher = await client();
    await submit('sock_cancel', { duration_ms: 60_000 });
    await api.waitForStatus('sock_cancel', ['running'], 20_000);
    await api.post('/jobs/sock_cancel/cancel');
    await waitFor(() => watcher.of('sock_cancel').find((event) => event.event === 'job_completed'), 20_000, 'completion');
    const tail = watcher.of('sock_cancel').slice(-2);
    expect(tail.map((event) => event.event)).toEqual(['job_cancelled', 'job_completed']);
    expect(tail[1]).toMatchObject({ status: 'cancelled', error: 'cancelled on request' });
  });

  it('should broadcast limits_updated when the limits change, and reject invalid limits with 400', async () => {
    const watcher = await client();
    const changed = await api.put('/resources/limits', { max_concurrent_jobs: 5, max_cpu_percent: 75 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ max_concurrent_jobs: 5, max_cpu_percent: 75 });
    const event = await waitFor(() => watcher.events.find((e) => e.event === 'limits_updated') as LimitsUpdatedPayload | undefined, 5_000, 'limits_updated');
    expect(event).toMatchObject({ limits: { max_concurrent_jobs: 5, max_cpu_percent: 75 }, previous: { max_concurrent_jobs: 2 }, admitting: true });
    expect((await api.get('/resources')).body.limits.max_concurrent_jobs).toBe(5);
    expect((await api.get('/queue')).body.max_concurrent_jobs).toBe(5);
    const invalid = await api.put('/resources/limits', { max_concurrent_jobs: 0, surprise: true });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ success: false, error: expect.stringMatching(/max_concurrent_jobs/) });
    await waitFor(() => watcher.events.find((e) => e.event === 'resources_updated'), 5_000, 'a telemetry event');
  });

  it('should send only events the committed AsyncAPI document describes, each with every required field', async () => {
    const asyncapi = JSON.parse(readFileSync(resolve(__dirname, '../openapi/asyncapi.json'), 'utf8'));
    const watcher = await client();
    await submit('sock_contract', { duration_ms: 600 });
    await api.put('/resources/limits', { max_cpu_percent: 95 });
    await api.waitForStatus('sock_contract', ['completed']);
    await waitFor(() => watcher.events.find((event) => event.event === 'resources_updated'), 5_000, 'telemetry');
    const seen = new Set(watcher.events.map((event) => event.event));
    expect([...seen]).toEqual(expect.arrayContaining(['job_queued', 'job_started', 'job_completed', 'job_progress', 'limits_updated', 'resources_updated']));
    for (const event of watcher.events) {
      const message = asyncapi.components.messages[event.event];
      expect(message).toBeDefined();
      const schema = asyncapi.components.schemas[message.payload.$ref.split('/').pop()];
      expect(Object.keys(event)).toEqual(expect.arrayContaining(schema.required));
      expect(Object.keys(event).filter((key) => !(key in schema.properties))).toEqual([]);
    }
  });
});
