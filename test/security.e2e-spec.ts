import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { io } from 'socket.io-client';
import { InvalidConfigurationError, loadAppConfig } from '../src/config/app-config';
import { apiClient, waitFor } from './support/http';
import { BUILT_MAIN, startServiceProcess, stopServiceProcesses } from './support/service-process';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const TOKEN = 'test-token-9f2c41d7a0b3e8';

describe('security', () => {
  const dirs: string[] = [];
  const tempDir = (prefix: string): string => {
    const dir = makeTempDir(prefix);
    dirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    await stopServiceProcesses();
    dirs.splice(0).forEach(removeDir);
  });

  describe('bearer token on REST and Socket.IO', () => {
    let harness: TestApp;
    beforeEach(async () => {
      harness = await startTestApp({ env: { HFSS_JM_API_TOKEN: TOKEN } });
      dirs.push(harness.dataDir);
    });
    afterEach(() => harness.close());

    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${harness.url}${path}`, init).then(async (response) => ({ status: response.status, body: await response.json().catch(() => null) }));

    it('should refuse REST calls without the right token with 401 and the error envelope', async () => {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer wrong-token-xxxxxxxxxx' },
        { authorization: `Basic ${TOKEN}` },
        { authorization: `Bearer ${TOKEN}x` },
      ]) {
        const answer = await call('/jobs', { headers });
        expect(answer).toEqual({
          status: 401,
          body: { success: false, error: expect.stringMatching(/Missing or invalid bearer token/), code: 'UNAUTHORIZED' },
        });
        expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
      }
      const project = writeProject(tempDir('sec-projects-'), 'a.aedt');
      const refused = await call('/jobs/submit', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ project_path: project }),
      });
      expect(refused.status).toBe(401);
      expect((await call('/jobs', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      const accepted = await call('/jobs/submit', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ jobid: 'with_token', project_path: project }),
      });
      expect(accepted.status).toBe(201);
    });

    it('should keep liveness and the dashboard page public, but not the data behind them', async () => {
      expect((await call('/health')).status).toBe(200);
      const page = await fetch(`${harness.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('token-dialog');
      expect((await call('/queue')).status).toBe(401);
      expect((await call('/resources')).status).toBe(401);
    });

    it('should refuse Socket.IO handshakes without the token and accept it in auth or the Authorization header', async () => {
      const attempt = (options: Parameters<typeof io>[1]) =>
        new Promise<string>((resolve) => {
          const socket = io(harness.url, { transports: ['websocket'], reconnection: false, ...options });
          socket.on('connect', () => {
            socket.disconnect();
            resolve('connected');
          });
          socket.on('connect_error', (error) => {
            socket.disconnect();
            resolve(error.message);
          });
        });
      expect(await attempt({})).toMatch(/^unauthorized/);
      expect(await attempt({ auth: { token: 'nope-nope-nope-nope' } })).toMatch(/^unauthorized/);
      expect(await attempt({ auth: { token: TOKEN } })).toBe('connected');
      expect(await attempt({ extraHeaders: { authorization: `Bearer ${TOKEN}` } })).toBe('connected');
    });
  });

  describe('binding beyond loopback', () => {
    it('should refuse a non-loopback address without a token unless explicitly allowed', () => {
      expect(() => loadAppConfig({ HFSS_JM_HOST: '0.0.0.0' })).toThrow(InvalidConfigurationError);
      expect(() => loadAppConfig({ HFSS_JM_HOST: '0.0.0.0' })).toThrow(/refusing to listen on 0\.0\.0\.0 without HFSS_JM_API_TOKEN/);
      expect(loadAppConfig({ HFSS_JM_HOST: '0.0.0.0', HFSS_JM_API_TOKEN: TOKEN }).server.host).toBe('0.0.0.0');
      expect(loadAppConfig({ HFSS_JM_HOST: '0.0.0.0', HFSS_JM_ALLOW_UNAUTHENTICATED: 'true' }).security.apiToken).toBeUndefined();
      expect(loadAppConfig({ HFSS_JM_HOST: '::1' }).server.host).toBe('::1');
      expect(loadAppConfig({}).server.host).toBe('127.0.0.1');
      expect(() => loadAppConfig({ HFSS_JM_API_TOKEN: 'short' })).toThrow(/16-512 printable characters/);
    });

    it('should make the real service exit with the reason instead of listening unprotected', async () => {
      const dataDir = tempDir('sec-bind-');
      const result = await promisify(execFile)(process.execPath, [BUILT_MAIN], {
        env: { PATH: process.env.PATH, HFSS_JM_HOST: '0.0.0.0', HFSS_JM_PORT: '0', HFSS_JM_DATA_DIR: dataDir },
      }).then(
        () => ({ code: 0, stderr: '', stdout: '' }),
        (error: { code: number; stderr: string; stdout: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without HFSS_JM_API_TOKEN/);
    });
  });

  describe('allowed project and executable directories', () => {
    let harness: TestApp;
    let allowed: string;
    let outside: string;

    beforeEach(async () => {
      allowed = tempDir('sec-allowed-');
      outside = tempDir('sec-outside-');
      harness = await startTestApp({ env: { HFSS_JM_PROJECT_ROOTS: allowed, HFSS_JM_EXECUTABLE_ROOTS: join(FAKE_ANSYSEDT, '..') } });
      dirs.push(harness.dataDir);
    });
    afterEach(() => harness.close());

    it('should accept projects inside the roots and refuse others with 400, symlinks resolved', async () => {
      const api = apiClient(harness.url);
      const inside = writeProject(allowed, 'inside.aedt', { duration_ms: 100 });
      expect((await api.submit({ jobid: 'inside', project_path: inside })).status).toBe(201);

      const elsewhere = writeProject(outside, 'elsewhere.aedt');
      const refused = await api.submit({ jobid: 'elsewhere', project_path: elsewhere });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ success: false, error: expect.stringMatching(/project_path .*elsewhere\.aedt is outside the allowed directories/) });

      const link = join(allowed, 'sneaky.aedt');
      symlinkSync(elsewhere, link);
      const viaLink = await api.submit({ jobid: 'sneaky', project_path: link });
      expect(viaLink.status).toBe(400);
      expect(viaLink.body.error).toMatch(/resolves to .*elsewhere\.aedt/);

      const dotdot = await api.submit({ jobid: 'dotdot', project_path: `${allowed}/../${outside.split('/').pop()}/elsewhere.aedt` });
      expect(dotdot.status).toBe(400);

      // A symlink that stays inside is fine, and the solver is handed the real path it was checked against.
      mkdirSync(join(allowed, 'real'));
      const target = writeProject(join(allowed, 'real'), 'target.aedt', { duration_ms: 100 });
      symlinkSync(target, join(allowed, 'alias.aedt'));
      const aliased = await api.submit({ jobid: 'aliased', project_path: join(allowed, 'alias.aedt') });
      expect(aliased.status).toBe(201);
      expect(aliased.body.job.command.at(-1)).toBe(target);
      expect((await api.job('dotdot')).status).toBe(404);
      await api.waitForStatus('aliased', ['completed']);
    });

    it('should refuse a client-given solver executable outside the executable roots', async () => {
      const api = apiClient(harness.url);
      const project = writeProject(allowed, 'exe.aedt');
      const refused = await api.submit({ jobid: 'bad_exe', project_path: project, ansys_edt_path: '/bin/sh' });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(/ansys_edt_path .* is outside the allowed directories/);
      expect((await api.submit({ jobid: 'good_exe', project_path: project, ansys_edt_path: FAKE_ANSYSEDT })).status).toBe(201);
    });

    it('should refuse to start with a root that does not exist', () => {
      expect(() => loadAppConfig({ HFSS_JM_PROJECT_ROOTS: '/nonexistent-root-xyz' })).toThrow(
        /HFSS_JM_PROJECT_ROOTS names \/nonexistent-root-xyz, which does not exist/,
      );
      expect(() => loadAppConfig({ HFSS_JM_PROJECT_ROOTS: 'relative/dir' })).toThrow(/must list absolute directories/);
    });
  });

  it('should never write the token to its logs, even at verbose level and on failed attempts', async () => {
    const dataDir = tempDir('sec-logs-');
    const service = await startServiceProcess(dataDir, { HFSS_JM_API_TOKEN: TOKEN, HFSS_JM_LOG_LEVEL: 'verbose' });
    await fetch(`${service.url}/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await fetch(`${service.url}/jobs`, { headers: { authorization: `Bearer ${TOKEN.slice(0, -2)}zz` } });
    await fetch(`${service.url}/jobs/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ project_path: '/missing.aedt' }),
    });
    service.child.kill('SIGTERM');
    await service.exited;
    await waitFor(() => (service.output().length > 0 ? true : undefined), 2_000, 'log output');
    expect(service.output()).not.toContain(TOKEN);
    expect(service.output()).not.toContain(TOKEN.slice(0, 12));
    expect(readFileSync(join(dataDir, 'jobs.sqlite')).includes(Buffer.from(TOKEN))).toBe(false);
  });
});
