import { request as httpRequest } from 'node:http';
import { io } from 'socket.io-client';
import request from 'supertest';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** Cross-site attacks as a browser would send them (issue 10, item 1), and what must keep working. */
describe('web security: Host, Origin, Sec-Fetch-Site, content type, CORS and Socket.IO handshakes', () => {
  let harness: TestApp;
  let projects: string;
  let port: string;

  const start = async (env: Record<string, string> = {}): Promise<void> => {
    harness = await startTestApp({ env });
    port = new URL(harness.url).port;
  };
  const http = () => request(harness.url);
  const api = () => apiClient(harness.url);
  const runningJob = async (jobid: string): Promise<void> => {
    expect((await api().submit({ jobid, project_path: writeProject(projects, `${jobid}.aedt`, { duration_ms: 60_000 }) })).status).toBe(201);
    await api().waitForStatus(jobid, ['running']);
  };
  const forbidden = (code: string) => ({ success: false, error: expect.any(String), code });

  beforeEach(() => {
    projects = makeTempDir('hfss-websec-projects-');
  });

  afterEach(async () => {
    await harness?.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  describe('without a token and without allowed origins (the default)', () => {
    beforeEach(() => start());

    it('should refuse a cross-site form POST to /jobs/{id}/cancel with 403 and leave the job running', async () => {
      await runningJob('victim');
      const answer = await http()
        .post('/jobs/victim/cancel')
        .set({ origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' })
        .type('form')
        .send('x=1');
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual(forbidden('FORBIDDEN_ORIGIN'));
      expect(answer.body.error).toMatch(/http:\/\/evil\.example/);
      // The same form from a browser that sends neither Origin nor Sec-Fetch-* still fails: forms are not JSON.
      const legacy = await http().post('/jobs/victim/cancel').type('form').send('');
      expect(legacy.status).toBe(415);
      expect(legacy.body).toEqual(forbidden('UNSUPPORTED_MEDIA_TYPE'));
      expect((await api().job('victim')).body.status).toBe('running');
    });

    it('should refuse text/plain and form bodies with 415 and store nothing', async () => {
      const body = JSON.stringify({ jobid: 'plain', project_path: writeProject(projects, 'plain.aedt') });
      for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const answer = await http().post('/jobs/submit').set('content-type', type).send(body);
        expect([type, answer.status, answer.body]).toEqual([type, 415, forbidden('UNSUPPORTED_MEDIA_TYPE')]);
      }
      // A body without any Content-Type is refused too (body-parser would ignore it and the request mean something else).
      const untyped = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${harness.url}/resources/limits`, { method: 'PUT', headers: { 'content-length': '2' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
      expect(untyped).toBe(415);
      expect((await api().job('plain')).status).toBe(404);
    });

    it('should refuse a foreign Origin on every method, also with a JSON body, and change nothing', async () => {
      const before = (await api().get('/resources')).body.limits;
      for (const origin of ['http://evil.example', 'null', `http://localhost:${Number(port) + 1}`, `http://evil.example:${port}`]) {
        const put = await http().put('/resources/limits').set('origin', origin).send({ max_concurrent_jobs: 7 });
        expect([origin, put.status, put.body.code]).toEqual([origin, 403, 'FORBIDDEN_ORIGIN']);
        const get = await http().get('/jobs').set('origin', origin);
        expect([origin, get.status]).toEqual([origin, 403]);
        expect(get.headers['access-control-allow-origin']).toBeUndefined();
      }
      expect((await api().get('/resources')).body.limits).toEqual(before);
      // The project upload takes multipart/form-data, which a cross-site form can send: refused by origin.
      const upload = await http().post('/projects').set('origin', 'http://evil.example').attach('file', Buffer.from('{}'), 'evil.aedt');
      expect([upload.status, upload.body.code]).toEqual([403, 'FORBIDDEN_ORIGIN']);
    });

    it('should refuse Sec-Fetch-Site cross-site and same-site (another port of this host), except a top-level navigation', async () => {
      await runningJob('site_probe');
      for (const site of ['cross-site', 'same-site']) {
        const cancel = await http().post('/jobs/site_probe/cancel').set({ 'sec-fetch-site': site, 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'empty' });
        expect([site, cancel.status, cancel.body.code]).toEqual([site, 403, 'FORBIDDEN_ORIGIN']);
        // <script src> / <img src> inclusion of the JSON (cross-site reads) is refused as well.
        const include = await http().get('/jobs').set({ 'sec-fetch-site': site, 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' });
        expect([site, include.status]).toEqual([site, 403]);
        const framed = await http().get('/').set({ 'sec-fetch-site': site, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' });
        expect([site, framed.status]).toEqual([site, 403]);
      }
      const sameSitePort = await http()
        .post('/jobs/site_probe/cancel')
        .set({ origin: `http://127.0.0.1:${Number(port) + 1}`, 'sec-fetch-site': 'same-site' });
      expect(sameSitePort.status).toBe(403);
      expect((await api().job('site_probe')).body.status).toBe('running');
      // A link to the dashboard from another site still opens it.
      const link = await http().get('/').set({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
      expect(link.status).toBe(200);
    });

    it('should refuse a rebinding Host (evil.example:port) on every route, the dashboard and /docs included', async () => {
      for (const [method, path] of [
        ['get', '/jobs'],
        ['get', '/health'],
        ['get', '/'],
        ['get', '/docs'],
        ['get', '/docs/swagger-ui.css'],
        ['get', '/dashboard/dashboard.js'],
        ['get', '/nowhere'],
        ['post', '/jobs/submit'],
      ] as const) {
        for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`, '']) {
          const answer = await http()[method](path).set('host', host).set('content-type', 'application/json');
          expect([method, path, host, answer.status, answer.body]).toEqual([method, path, host, 403, forbidden('FORBIDDEN_HOST')]);
        }
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.2:${port}`, 'localhost']) {
        expect([host, (await http().get('/health').set('host', host)).status]).toEqual([host, 200]);
      }
    });

    it("should keep working for clients that send no Origin (curl, requests, the CLI) and for the service's own pages", async () => {
      const project = writeProject(projects, 'ok.aedt', { duration_ms: 60_000 });
      expect((await api().submit({ jobid: 'plain_client', project_path: project })).status).toBe(201);
      await api().waitForStatus('plain_client', ['running']);
      // Bodiless POST without Content-Type, as `curl -X POST` and `requests.post(url)` send it.
      const cancel = await http().post('/jobs/plain_client/cancel');
      expect(cancel.status).toBe(200);
      expect(cancel.body.job.status).toBe('cancelled');
      // What the dashboard sends: same Origin, Sec-Fetch-Site same-origin, JSON with a charset.
      const own = await http()
        .put('/resources/limits')
        .set({ origin: harness.url, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'content-type': 'application/json; charset=utf-8' })
        .send(JSON.stringify({ max_concurrent_jobs: 3 }));
      expect(own.status).toBe(200);
      expect((await http().get('/').set('sec-fetch-site', 'none')).status).toBe(200);
    });

    it('should send no CORS headers and answer preflights from any origin with 403', async () => {
      const preflight = await http()
        .options('/jobs/submit')
        .set({ origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
      expect(preflight.status).toBe(403);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    });

    it('should forbid framing and sniffing on every answer', async () => {
      for (const path of ['/', '/docs', '/jobs', '/nowhere']) {
        const answer = await http().get(path);
        expect(answer.headers).toMatchObject({
          'x-frame-options': 'DENY',
          'content-security-policy': "frame-ancestors 'none'",
          'x-content-type-options': 'nosniff',
          'cross-origin-resource-policy': 'same-origin',
        });
      }
    });
  });

  describe('with HFSS_JM_ALLOWED_ORIGINS and HFSS_JM_ALLOWED_HOSTS', () => {
    const PORTAL = 'https://portal.example:8443';
    beforeEach(() => start({ HFSS_JM_ALLOWED_ORIGINS: `${PORTAL}, http://tools.example`, HFSS_JM_ALLOWED_HOSTS: 'jobs.example,.cluster.example' }));

    it('should answer preflights of an allowed origin and let its requests through with CORS headers', async () => {
      const preflight = await http()
        .options('/jobs/submit')
        .set({ origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' });
      expect(preflight.status).toBe(204);
      expect(preflight.headers).toMatchObject({
        'access-control-allow-origin': PORTAL,
        'access-control-allow-methods': expect.stringContaining('POST'),
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
        vary: expect.stringContaining('Origin'),
      });
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      expect(preflight.headers['access-control-allow-private-network']).toBeUndefined();
      const privateNetwork = await http()
        .options('/jobs/submit')
        .set({ origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' });
      expect(privateNetwork.status).toBe(204);
      expect(privateNetwork.headers['access-control-allow-private-network']).toBe('true');
      const submitted = await http()
        .post('/jobs/submit')
        .set({ origin: PORTAL, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' })
        .send({ jobid: 'from_portal', project_path: writeProject(projects, 'portal.aedt') });
      expect(submitted.status).toBe(201);
      expect(submitted.headers['access-control-allow-origin']).toBe(PORTAL);
      const other = await http().options('/jobs/submit').set({ origin: 'https://portal.example', 'access-control-request-method': 'POST' });
      expect(other.status).toBe(403);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.headers.vary).toMatch(/Origin/);
      // An allowed origin still needs JSON.
      expect((await http().post('/jobs/submit').set({ origin: 'http://tools.example' }).type('form').send('a=b')).status).toBe(415);
    });

    it('should accept the allow-listed host names and still refuse others', async () => {
      for (const host of ['jobs.example', `jobs.example:${port}`, 'cluster.example', `node7.cluster.example:${port}`]) {
        expect([host, (await http().get('/health').set('host', host)).status]).toEqual([host, 200]);
      }
      for (const host of ['evil.example', 'jobs.example.evil.example', 'xcluster.example']) {
        expect([host, (await http().get('/health').set('host', host)).status]).toEqual([host, 403]);
      }
    });
  });

  describe('Socket.IO handshakes', () => {
    type Attempt = { outcome: 'connected' | 'refused'; events: string[] };
    /** Connects, and when connected, submits a job and collects events until its job_queued arrives. */
    const attempt = (options: Parameters<typeof io>[1], jobid: string): Promise<Attempt> =>
      new Promise((resolve) => {
        const events: string[] = [];
        const socket = io(harness.url, { reconnection: false, ...options });
        socket.onAny((name: string, payload: { job_id?: string }) => {
          events.push(name);
          if (name === 'job_queued' && payload.job_id === jobid) {
            socket.disconnect();
            resolve({ outcome: 'connected', events });
          }
        });
        socket.on('connect', () => void api().submit({ jobid, project_path: writeProject(projects, `${jobid}.aedt`, { duration_ms: 100 }) }));
        socket.on('connect_error', () => {
          socket.disconnect();
          resolve({ outcome: 'refused', events });
        });
      });

    it('should refuse a foreign Origin, Sec-Fetch-Site cross-site and a rebinding Host over WebSocket and polling', async () => {
      await start();
      for (const transports of [['websocket'], ['polling']]) {
        const hostile: Array<Record<string, string>> = [
          { origin: 'http://evil.example' },
          { origin: `http://127.0.0.1:${Number(port) + 1}` },
          { origin: 'null' },
          { 'sec-fetch-site': 'cross-site' },
        ];
        for (const extraHeaders of hostile) {
          const result = await attempt({ transports, extraHeaders }, `sio_${transports[0]}_${Object.keys(extraHeaders)[0]}`);
          expect([transports, extraHeaders, result]).toEqual([transports, extraHeaders, { outcome: 'refused', events: [] }]);
        }
      }
      // ws sends the Host header it is given; the polling transport's XMLHttpRequest may not, so its handshake is sent by hand.
      expect(await attempt({ transports: ['websocket'], extraHeaders: { host: `evil.example:${port}` } }, 'sio_host')).toEqual({
        outcome: 'refused',
        events: [],
      });
      const pollingHandshake = await http().get('/socket.io/?EIO=4&transport=polling').set('host', `evil.example:${port}`);
      expect(pollingHandshake.status).toBe(403);
      expect((await http().get('/socket.io/?EIO=4&transport=polling')).status).toBe(200);
      // Nothing was submitted by the refused clients (they never connected), so no job exists.
      expect((await api().get('/jobs')).body.total).toBe(0);
    });

    it("should accept clients without Origin, the service's own origin and an allowed origin, and deliver events", async () => {
      await start({ HFSS_JM_ALLOWED_ORIGINS: 'https://portal.example' });
      for (const [transports, extraHeaders] of [
        [['websocket'], {}],
        [['polling'], {}],
        [['websocket'], { origin: harness.url }],
        [['polling'], { origin: harness.url, 'sec-fetch-site': 'same-origin' }],
        [['websocket'], { origin: 'https://portal.example', 'sec-fetch-site': 'cross-site' }],
      ] as Array<[string[], Record<string, string>]>) {
        const jobid = `ok_${transports[0]}_${Object.keys(extraHeaders).length}_${extraHeaders.origin === harness.url ? 'own' : 'other'}`;
        const result = await attempt({ transports, extraHeaders }, jobid);
        expect([transports, extraHeaders, result.outcome]).toEqual([transports, extraHeaders, 'connected']);
        expect(result.events).toContain('job_queued');
      }
    });
  });
});
