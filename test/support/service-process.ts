import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { waitFor } from './http';
import { FAKE_ANSYSEDT, makeTempDir, removeDir } from './test-app';

export const BUILT_MAIN = resolve(__dirname, '../../dist/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
}

const started = new Set<ServiceProcess>();

/** SIGKILLs every service a test started and left running (after a failed assertion, say). */
export async function stopServiceProcesses(): Promise<void> {
  await Promise.all(
    [...started].map(async (service) => {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill('SIGKILL');
      }
      await service.exited;
      started.delete(service);
    }),
  );
}

function serviceEnv(dataDir: string, port: number, env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HFSS_JM_PORT: String(port),
    HFSS_JM_DATA_DIR: dataDir,
    HFSS_JM_TEMP_DIR: join(dataDir, 'tmp'),
    HFSS_JM_ANSYSEDT_PATH: FAKE_ANSYSEDT,
    HFSS_JM_MAX_CPU_PERCENT: '100',
    HFSS_JM_MIN_FREE_MEMORY_MB: '0',
    HFSS_JM_MIN_FREE_DISK_MB: '0',
    HFSS_JM_TELEMETRY_INTERVAL_MS: '500',
    HFSS_JM_LOCAL_POLL_INTERVAL_MS: '200',
    HFSS_JM_KILL_GRACE_MS: '1000',
    HFSS_JM_SWAGGER: 'false',
    ...env,
  };
}

function assertBuilt(): void {
  if (!existsSync(BUILT_MAIN)) {
    throw new Error(`${BUILT_MAIN} is missing: run "npm run build" before the e2e tests (npm test does)`);
  }
}

/** Runs the built service on a data dir when it is expected to refuse to start: resolves with its exit code and output. */
export async function runServiceUntilExit(
  dataDir: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ code: number | string; output: string }> {
  assertBuilt();
  const child = spawn(process.execPath, [BUILT_MAIN], { env: serviceEnv(dataDir, await freePort(), env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolveExit) => child.on('exit', (exitCode, signal) => resolveExit(exitCode ?? signal ?? -1)));
  clearTimeout(timer);
  return { code, output };
}

/** Starts the built service (`node dist/main.js`) as a real process on a data dir and waits for /health. */
export async function startServiceProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  assertBuilt();
  const port = await freePort();
  const child = spawn(process.execPath, [BUILT_MAIN], { env: serviceEnv(dataDir, port, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolveExit) => child.on('exit', (code, signal) => resolveExit(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const service = { url, child, output: () => output, exited };
  started.add(service);
  await waitFor(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`service exited during start:\n${output}`);
      }
      try {
        return (await fetch(`${url}/health`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    20_000,
    `the service on ${url} to answer /health`,
  );
  return service;
}

/** A fresh data dir and project dir per test; services still running afterwards are killed, both dirs removed. */
export function useServiceSandbox(): { dataDir: string; projects: string } {
  const sandbox = { dataDir: '', projects: '' };
  beforeEach(() => {
    sandbox.dataDir = makeTempDir('hfss-data-');
    sandbox.projects = makeTempDir('hfss-projects-');
  });
  afterEach(async () => {
    await stopServiceProcesses();
    removeDir(sandbox.dataDir);
    removeDir(sandbox.projects);
  });
  return sandbox;
}
