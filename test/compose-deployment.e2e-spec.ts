import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './support/http';
import { BUILT_MAIN, freePort } from './support/service-process';
import { makeTempDir, removeDir } from './support/test-app';

interface ComposeService {
  environment: Record<string, string>;
  secrets: Array<{ source: string; target: string }>;
  volumes: Array<{ source: string; target: string }>;
}

const COMPOSE_SERVICE = resolve(__dirname, '../scripts/ci/compose-service.cjs');

/**
 * The deployment as shipped (issue 10, item 9): `node dist/main.js` with exactly the environment docker-compose.yml
 * gives the container (read through `docker-compose config` when installed), its paths mapped to temporary
 * directories: the volume's mount point to a data dir, each secret's /run/secrets/<name> to a file. Only the port
 * is changed (the container's 8080 may be taken here). scripts/ci/container-smoke.sh runs the real image.
 */
describe('docker-compose.yml deployment', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach(removeDir));

  const composeEnvironment = (token: string): { env: Record<string, string>; secretFiles: string[] } => {
    const service = JSON.parse(execFileSync(process.execPath, [COMPOSE_SERVICE], { encoding: 'utf8' })) as ComposeService;
    const root = makeTempDir('hfss-compose-');
    dirs.push(root);
    const mounts = new Map<string, string>();
    for (const volume of service.volumes) mounts.set(volume.target, join(root, `volume-${volume.source}`));
    const secretFiles = service.secrets.map((secret) => {
      const file = join(root, `secret-${secret.source}`);
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
      mounts.set(secret.target, file);
      return file;
    });
    const mapPath = (value: string): string => {
      for (const [target, local] of mounts) {
        if (value === target || value.startsWith(`${target}/`)) return local + value.slice(target.length);
      }
      return value;
    };
    const env = Object.fromEntries(Object.entries(service.environment).map(([key, value]) => [key, mapPath(value)]));
    return { env, secretFiles };
  };

  it('should boot with the Compose environment and secret, answer /health and require the token from the secret file', async () => {
    const token = randomBytes(24).toString('hex');
    const { env, secretFiles } = composeEnvironment(token);
    expect(env.HFSS_JM_HOST).toBe('0.0.0.0');
    expect(secretFiles).toHaveLength(1);
    expect(env.HFSS_JM_API_TOKEN_FILE).toBe(secretFiles[0]);
    expect(env.HFSS_JM_API_TOKEN).toBeUndefined();
    const port = await freePort();
    const child = spawn(process.execPath, [BUILT_MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env, HFSS_JM_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | string>((resolveExit) => child.on('exit', (code, signal) => resolveExit(code ?? signal ?? -1)));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`the service exited at boot:\n${output}`);
          return fetch(`${url}/health`).then(
            (response) => response.ok || undefined,
            () => undefined,
          );
        },
        20_000,
        '/health',
      );
      expect((await fetch(`${url}/jobs`)).status).toBe(401);
      expect((await fetch(`${url}/jobs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`http://localhost:${port}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    // Nest re-raises the signal once it has shut down.
    expect([0, 'SIGTERM']).toContain(await exited);
    expect(output).not.toContain(token);
  });

  it('should stop at boot with a clear message when the secret file is missing or empty', async () => {
    const { env, secretFiles } = composeEnvironment('unused-token-0123456789');
    const boot = (extra: Record<string, string>) =>
      promisify(execFile)(process.execPath, [BUILT_MAIN], { env: { PATH: process.env.PATH, ...env, HFSS_JM_PORT: '0', ...extra } }).then(
        () => ({ code: 0, output: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
      );
    const missing = await boot({ HFSS_JM_API_TOKEN_FILE: `${secretFiles[0]}.absent` });
    expect(missing.code).toBe(1);
    expect(missing.output).toContain(`HFSS_JM_API_TOKEN_FILE ${secretFiles[0]}.absent cannot be read (ENOENT)`);
    writeFileSync(secretFiles[0], '\n');
    const empty = await boot({});
    expect(empty.code).toBe(1);
    expect(empty.output).toMatch(/HFSS_JM_API_TOKEN_FILE .* must hold one token of 16-512 printable characters/);
  });
});
