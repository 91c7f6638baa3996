import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../test/support/http';
import { freePort, startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, load, report, summary } from './bench-support';

/**
 * Side by side with the service this project replaces: PyEDB's job manager (Python, aiohttp, jobs in memory, no
 * fsync), started by bench/peer/start-peer.py from a PyEDB checkout at 857204f58 given as PEER_PYEDB_SRC (its `src`
 * dir; see docs/performance.md, "Peer comparison"). Both get the same requests (PyEDB's own `{"config": …,
 * "priority": n}` body on POST /jobs/submit, POST /jobs/{id}/priority, GET /queue), the same fake solver, one job
 * at a time, a fresh data dir per round, and rounds interleaved (ours, peer, ours, peer, …) so that whatever else
 * the machine does hits both alike. Per round and service: submit throughput at 1, 8 and 32 in flight, the
 * service's CPU time per submit (/proc/<pid>/stat), GET /queue and a priority change with 10,000 queued, and the
 * hand-over from one solve's end to the next one's start (the fake solver's own records).
 */
const PEER_SOURCE = process.env.PEER_PYEDB_SRC;
const PEER_SCRIPT = resolve(__dirname, 'peer/start-peer.py');
const ROUNDS = Number(process.env.PEER_ROUNDS ?? 3);
const SUBMITS = Number(process.env.PEER_SUBMITS ?? 2000);
const QUEUED = 10_000;
const HAND_OVERS = 20;
const CLOCK_TICKS_PER_S = 100;

interface Target {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

type Kind = 'ours' | 'peer';

/** user + system CPU time of a process so far, in ms (all its threads). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1000;
}

async function startOurs(dataDir: string): Promise<Target> {
  const service = await startServiceProcess(dataDir, {
    HFSS_JM_MAX_CONCURRENT_JOBS: '1',
    HFSS_JM_LOG_LEVEL: 'warn',
    HFSS_JM_SQLITE_SYNCHRONOUS: 'full',
    HFSS_JM_TELEMETRY_INTERVAL_MS: '5000',
    HFSS_JM_LOCAL_POLL_INTERVAL_MS: '1000',
  });
  return {
    url: service.url,
    pid: service.child.pid!,
    stop: async () => {
      service.child.kill('SIGKILL');
      await service.exited;
    },
  };
}

async function startPeer(workDir: string): Promise<Target> {
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/python3', [PEER_SCRIPT, PEER_SOURCE!, String(port)], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', HOME: workDir, ANSYSEM_ROOT252: dirname(FAKE_ANSYSEDT), PEER_MAX_CONCURRENT: '1' },
    stdio: 'ignore', // it logs every request at INFO; discarded, the cheapest place for it
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => ((await http(`${url}/queue`).catch(() => ({ status: 0 }))).status === 200 ? true : undefined), 30_000, 'the peer to answer');
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const submitBody = (jobid: string, project: string, priority: number) => ({ config: { jobid, project_path: project, user: 'bench' }, priority });

async function submitAll(target: Target, prefix: string, total: number, concurrency: number, project: string) {
  return load(total, concurrency, async (i) => {
    const response = await http(`${target.url}/jobs/submit`, 'POST', submitBody(`${prefix}_${i}`, project, i % 7));
    if (response.status !== 200 && response.status !== 201) throw new Error(`submit answered ${response.status}: ${response.text}`);
  });
}

async function sequentialLatencies(count: number, request: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await request(i);
    latencies.push(performance.now() - t0);
  }
  return latencies;
}

/** Throughput, CPU per submit, and the two queue operations with 10,000 queued, on a fresh service. */
async function queueRound(kind: Kind, root: string): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(root, `${kind}-`));
  const project = writeProject(dataDir, 'long.aedt', { duration_ms: 600_000, spawn_child: false });
  const target = kind === 'ours' ? await startOurs(dataDir) : await startPeer(dataDir);
  try {
    await submitAll(target, 'warm', 200, 8, project);
    const figures: Record<string, unknown> = {};
    let submitted = 200;
    for (const concurrency of [1, 8, 32]) {
      const cpuBefore = cpuMs(target.pid);
      const run = await submitAll(target, `c${concurrency}`, SUBMITS, concurrency, project);
      figures[`submits_per_s_${concurrency}`] = Math.round(SUBMITS / run.seconds);
      figures[`cpu_ms_per_submit_${concurrency}`] = Math.round(((cpuMs(target.pid) - cpuBefore) / SUBMITS) * 1000) / 1000;
      submitted += SUBMITS;
    }
    if (kind === 'ours') {
      const health = await load(SUBMITS, 32, () => http(`${target.url}/health`).then(() => undefined));
      figures.health_per_s_32 = Math.round(SUBMITS / health.seconds);
    }
    if (submitted < QUEUED) await submitAll(target, 'fill', QUEUED - submitted, 32, project);
    const queue = await sequentialLatencies(300, async () => {
      const response = await http(`${target.url}/queue`);
      if (response.status !== 200) throw new Error(`GET /queue answered ${response.status}`);
    });
    const priority = await sequentialLatencies(300, async (i) => {
      const response = await http(`${target.url}/jobs/fill_${i}/priority`, 'POST', { priority: 9 - (i % 5) });
      if (response.status !== 200) throw new Error(`priority answered ${response.status}: ${response.text}`);
    });
    figures.queue_ms_10k = summary(queue);
    figures.priority_ms_10k = summary(priority);
    return figures;
  } finally {
    await target.stop();
  }
}

/** Slot free → next solve's start: the fake solver's own `end` and `start` records, one job at a time. */
async function handOverRound(kind: Kind, root: string): Promise<number[]> {
  const dataDir = mkdtempSync(join(root, `${kind}-`));
  const project = writeProject(dataDir, 'short.aedt', { duration_ms: 200, spawn_child: false });
  const target = kind === 'ours' ? await startOurs(dataDir) : await startPeer(dataDir);
  try {
    await submitAll(target, 'h', HAND_OVERS + 1, 1, project);
    const records = () =>
      existsSync(`${project}.runs`)
        ? readFileSync(`${project}.runs`, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as { event: string; at: number })
        : [];
    await waitFor(() => (records().filter((r) => r.event === 'end').length > HAND_OVERS ? true : undefined), 120_000, `${kind}: every short solve to end`);
    const events = records()
      .filter((r) => r.event === 'start' || r.event === 'end')
      .sort((a, b) => a.at - b.at);
    const gaps: number[] = [];
    for (let i = 1; i < events.length; i++) {
      if (events[i - 1].event === 'end' && events[i].event === 'start') gaps.push(events[i].at - events[i - 1].at);
    }
    return gaps;
  } finally {
    await target.stop();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];

it('side by side with the PyEDB job manager it replaces', async () => {
  if (!PEER_SOURCE || !existsSync(join(PEER_SOURCE, 'pyedb/workflows/job_manager/backend/service.py'))) {
    report('peer-comparison', { skipped: 'set PEER_PYEDB_SRC to the src dir of a PyEDB checkout at 857204f58 (docs/performance.md, "Peer comparison")' });
    return;
  }
  const root = makeTempDir('bench-peer-');
  const rounds: Record<Kind, Array<Record<string, unknown>>> = { ours: [], peer: [] };
  const handOvers: Record<Kind, number[][]> = { ours: [], peer: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 === 0 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const)) {
        rounds[kind].push(await queueRound(kind, root));
        handOvers[kind].push(await handOverRound(kind, root));
        await sleep(1000);
      }
    }
    const figures: Record<string, unknown> = { rounds: ROUNDS, submits_per_concurrency: SUBMITS, loadavg_end: readFileSync('/proc/loadavg', 'utf8').trim() };
    for (const key of Object.keys(rounds.ours[0]).filter((k) => typeof rounds.ours[0][k] === 'number')) {
      const ours = rounds.ours.map((r) => r[key] as number);
      const peer = rounds.peer.map((r) => r[key] as number).filter((v) => v !== undefined);
      figures[key] = { ours_median: median(ours), ours_range: spread(ours), ...(peer.length ? { peer_median: median(peer), peer_range: spread(peer) } : {}) };
    }
    for (const key of ['queue_ms_10k', 'priority_ms_10k']) {
      const p50 = (kind: Kind) => rounds[kind].map((r) => (r[key] as { p50: number }).p50);
      figures[`${key}_p50`] = {
        ours_median: median(p50('ours')),
        ours_range: spread(p50('ours')),
        peer_median: median(p50('peer')),
        peer_range: spread(p50('peer')),
      };
    }
    const handOverP50 = (kind: Kind) => handOvers[kind].map((gaps) => summary(gaps).p50);
    figures.hand_over_ms_p50 = {
      ours_median: median(handOverP50('ours')),
      ours_range: spread(handOverP50('ours')),
      peer_median: median(handOverP50('peer')),
      peer_range: spread(handOverP50('peer')),
    };
    report('peer-comparison', figures);
  } finally {
    await stopServiceProcesses();
    removeDir(root);
  }
});
