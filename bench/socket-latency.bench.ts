import { io, Socket } from 'socket.io-client';
import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir } from '../test/support/test-app';
import { http, report, summary } from './bench-support';

// Target: Socket.IO event latency to 100 clients p99 <= 50 ms. The service runs as its own process; each round
// changes the limits (PUT /resources/limits → limits_updated) and every client records when the event arrived
// relative to the moment the request was sent. Baseline in the same run: the same round trip with 1 client.
it('Socket.IO event latency to 100 clients', async () => {
  const dataDir = makeTempDir('bench-socket-');
  const service = await startServiceProcess(dataDir, { HFSS_JM_LOG_LEVEL: 'warn', HFSS_JM_TELEMETRY_INTERVAL_MS: '60000' });
  const sockets: Socket[] = [];
  try {
    const connect = async (count: number): Promise<Array<(round: number) => Promise<number>>> => {
      const waiters = await Promise.all(
        Array.from(
          { length: count },
          () =>
            new Promise<(round: number) => Promise<number>>((resolve) => {
              const socket = io(service.url, { transports: ['websocket'], reconnection: false });
              sockets.push(socket);
              const pending = new Map<number, (at: number) => void>();
              socket.on('limits_updated', (event: { limits: { max_concurrent_jobs: number } }) =>
                pending.get(event.limits.max_concurrent_jobs)?.(performance.now()),
              );
              socket.on('connect', () => resolve((round) => new Promise<number>((done) => pending.set(round, done))));
            }),
        ),
      );
      return waiters;
    };
    const rounds = async (clients: Array<(round: number) => Promise<number>>, count: number, offset: number): Promise<number[]> => {
      const latencies: number[] = [];
      for (let r = 0; r < count; r++) {
        const value = offset + r;
        const arrivals = clients.map((wait) => wait(value));
        const sent = performance.now();
        await http(`${service.url}/resources/limits`, 'PUT', { max_concurrent_jobs: value });
        for (const at of await Promise.all(arrivals)) latencies.push(at - sent);
      }
      return latencies;
    };
    const single = await connect(1);
    const baseline = await rounds(single, 50, 1);
    const hundred = await connect(99);
    const all = [...single, ...hundred];
    const latencies = await rounds(all, 50, 100);
    report('socket-latency', { clients: all.length, rounds: 50, event_latency_ms: summary(latencies), baseline_one_client_ms: summary(baseline) });
  } finally {
    sockets.forEach((socket) => socket.disconnect());
    service.child.kill('SIGKILL');
    await stopServiceProcesses();
    removeDir(dataDir);
  }
});
