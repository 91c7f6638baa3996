import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { io, Socket } from 'socket.io-client';
import { apiClient, waitFor } from './support/http';
import { describeWhen } from './support/required-in-ci';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SOCKET_IO_CLIENT = readFileSync(resolve(__dirname, '../node_modules/socket.io-client/dist/socket.io.min.js'), 'utf8');

const describeWithChromium = describeWhen(existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`, '.ci/run installs the chromium package; or set CHROMIUM_PATH');

/** What the hostile page does to the service at `target`; it records what it got in window.attack. */
function hostilePage(target: string, project: string): string {
  const submitBody = JSON.stringify({ jobid: 'evil_fetch', project_path: project });
  return `<!doctype html><html><head><script>${SOCKET_IO_CLIENT}</script></head><body><script>
    const target = ${JSON.stringify(target)};
    window.attack = { events: [], sockets: [], fetches: [], done: false };
    const settle = (promise, what) => promise.then((r) => window.attack.fetches.push(what + ': ' + r.type + ' ' + r.status), (e) => window.attack.fetches.push(what + ': ' + e.name));
    const fetches = [
      settle(fetch(target + '/jobs/victim/cancel', { method: 'POST', mode: 'no-cors' }), 'cancel no-cors'),
      settle(fetch(target + '/jobs/submit', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(submitBody)} }), 'submit text/plain'),
      settle(fetch(target + '/resources/limits', { method: 'PUT', mode: 'no-cors', body: '{"max_concurrent_jobs":9}' }), 'limits no-cors'),
      settle(fetch(target + '/jobs'), 'read jobs'),
    ];
    const sockets = ['websocket', 'polling'].map((transport) => new Promise((resolve) => {
      const socket = io(target, { transports: [transport], reconnection: false });
      socket.onAny((name) => window.attack.events.push(transport + ' ' + name));
      socket.on('connect', () => { window.attack.sockets.push(transport + ' connected'); resolve(); });
      socket.on('connect_error', () => { window.attack.sockets.push(transport + ' refused'); resolve(); });
    }));
    const raw = new Promise((resolve) => {
      const ws = new WebSocket(target.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket');
      ws.onopen = () => { window.attack.sockets.push('raw open'); ws.send('40'); };
      ws.onmessage = (message) => window.attack.events.push('raw ' + message.data);
      ws.onerror = () => { window.attack.sockets.push('raw error'); resolve(); };
      ws.onclose = () => resolve();
    });
    Promise.all([...fetches, ...sockets, raw]).then(() => { window.attack.done = true; });
  </script></body></html>`;
}

/** A page that submits a form to the service as soon as it loads: a plain cross-site form POST, navigating away. */
function autoSubmittingForm(action: string, enctype: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name='${name}' value='${value}'>`)
    .join('');
  return `<!doctype html><html><body><form method="POST" action="${action}" enctype="${enctype}">${inputs}</form><script>document.forms[0].submit()</script></body></html>`;
}

describeWithChromium('Cross-site attacks from a hostile page in real headless Chromium', () => {
  let browser: Browser;
  let harness: TestApp;
  let hostile: Server;
  let hostilePort: number;
  let projects: string;
  const pages = new Map<string, string>();
  const watchers: Socket[] = [];

  beforeAll(async () => {
    // evil.example resolves to 127.0.0.1 inside this browser: what DNS rebinding achieves.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--host-resolver-rules=MAP evil.example 127.0.0.1'],
    });
    hostile = createServer((request, response) => {
      const page = pages.get(new URL(request.url ?? '/', 'http://x').pathname);
      response.writeHead(page ? 200 : 404, { 'content-type': 'text/html' }).end(page ?? 'not found');
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    hostilePort = (hostile.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => hostile?.close(resolve));
  });

  const boot = async (env: Record<string, string> = {}): Promise<void> => {
    harness = await startTestApp({ env: { HFSS_JM_PROGRESS_INTERVAL_MS: '100', ...env } });
    projects = makeTempDir('hfss-cross-site-projects-');
  };

  afterEach(async () => {
    watchers.splice(0).forEach((socket) => socket.disconnect());
    pages.clear();
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  /** A legitimate client without Origin: once it has an event, every hostile socket that was connected would have it too. */
  const legitimateWatcher = async (): Promise<string[]> => {
    const received: string[] = [];
    const socket = io(harness.url, { transports: ['websocket'], reconnection: false });
    watchers.push(socket);
    socket.onAny((name: string, payload: { job_id?: string }) => received.push(`${name} ${payload?.job_id ?? ''}`));
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    return received;
  };

  it.each([
    ['another loopback name (cross-site)', 'localhost'],
    ['another port of the same address (same-site)', '127.0.0.1'],
    ['a foreign name (cross-site)', 'evil.example'],
  ])('should not let a page on %s cancel, create or read jobs, change limits or receive events', async (_what, hostname) => {
    await boot();
    const api = apiClient(harness.url);
    expect((await api.submit({ jobid: 'victim', project_path: writeProject(projects, 'victim.aedt', { duration_ms: 60_000 }) })).status).toBe(201);
    await api.waitForStatus('victim', ['running']);
    const limitsBefore = (await api.get('/resources')).body.limits;
    const received = await legitimateWatcher();
    const origin = `http://${hostname}:${hostilePort}`;
    const project = writeProject(projects, 'evil.aedt', { duration_ms: 100 });
    pages.set('/attack', hostilePage(harness.url, project));
    // text/plain form whose single field forges a JSON body: {"jobid":"evil_form",...,"x":"="}
    pages.set(
      '/form-json',
      autoSubmittingForm(`${harness.url}/jobs/submit`, 'text/plain', { [`{"jobid":"evil_form","project_path":"${project}","x":"`]: '"}' }),
    );
    pages.set('/form-cancel', autoSubmittingForm(`${harness.url}/jobs/victim/cancel`, 'application/x-www-form-urlencoded', { confirm: 'yes' }));

    const attackPage = await browser.newPage();
    const formPage = await browser.newPage();
    try {
      await attackPage.goto(`${origin}/attack`);
      await attackPage.waitForFunction(() => (window as unknown as { attack: { done: boolean } }).attack.done, undefined, { timeout: 20_000 });

      for (const [path, action] of [
        ['/form-json', '/jobs/submit'],
        ['/form-cancel', '/jobs/victim/cancel'],
      ]) {
        const formPost = formPage.waitForResponse((response) => response.url() === `${harness.url}${action}`);
        await formPage.goto(`${origin}${path}`);
        const answer = await formPost;
        expect([path, answer.status(), (await answer.json()).code]).toEqual([path, 403, 'FORBIDDEN_ORIGIN']);
      }

      // An event every connected socket gets; the legitimate watcher's copy proves it was sent.
      expect((await api.submit({ jobid: 'after_attack', project_path: writeProject(projects, 'after.aedt', { duration_ms: 100 }) })).status).toBe(201);
      await waitFor(() => (received.includes('job_completed after_attack') ? true : undefined), 15_000, 'the watcher to see after_attack complete');

      const attack = await attackPage.evaluate(() => (window as unknown as { attack: { events: string[]; sockets: string[]; fetches: string[] } }).attack);
      expect(attack.events).toEqual([]);
      expect(attack.sockets.sort()).toEqual(['polling refused', 'raw error', 'websocket refused']);
      // Not even an opaque answer: Cross-Origin-Resource-Policy blocks it (and no CORS headers for the readable fetch).
      // What the service did with them (refused) is checked below.
      expect(attack.fetches.sort()).toEqual(['cancel no-cors: TypeError', 'limits no-cors: TypeError', 'read jobs: TypeError', 'submit text/plain: TypeError']);
    } finally {
      await attackPage.close();
      await formPage.close();
    }

    expect((await api.job('victim')).body.status).toBe('running');
    expect((await api.job('evil_fetch')).status).toBe(404);
    expect((await api.job('evil_form')).status).toBe(404);
    expect((await api.get('/resources')).body.limits).toEqual(limitsBefore);
    expect(received.filter((event) => /victim/.test(event) && /cancel|completed/.test(event))).toEqual([]);
  });

  it('should refuse the dashboard and the API to a rebound name, in the browser', async () => {
    await boot();
    const page = await browser.newPage();
    try {
      const rebound = `http://evil.example:${new URL(harness.url).port}`;
      for (const path of ['/', '/docs', '/jobs']) {
        const answer = await page.goto(`${rebound}${path}`);
        expect([path, answer?.status()]).toEqual([path, 403]);
        expect(await page.locator('body').textContent()).toContain('FORBIDDEN_HOST');
      }
    } finally {
      await page.close();
    }
  });

  it('should let a configured origin call the API and receive events from the browser', async () => {
    const origin = `http://localhost:${hostilePort}`;
    await boot({ HFSS_JM_ALLOWED_ORIGINS: origin });
    const project = writeProject(projects, 'portal.aedt', { duration_ms: 100 });
    pages.set(
      '/portal',
      `<!doctype html><html><head><script>${SOCKET_IO_CLIENT}</script></head><body><script>
      window.portal = { events: [], submit: null };
      const socket = io(${JSON.stringify(harness.url)}, { transports: ['websocket'] });
      socket.on('job_completed', (event) => window.portal.events.push(event.job_id));
      socket.on('connect', async () => {
        const response = await fetch(${JSON.stringify(`${harness.url}/jobs/submit`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobid: 'from_portal', project_path: ${JSON.stringify(project)} }) });
        window.portal.submit = response.status + ' ' + (await response.json()).job.job_id;
      });
    </script></body></html>`,
    );
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/portal`);
      await page.waitForFunction(() => (window as unknown as { portal: { events: string[] } }).portal.events.includes('from_portal'), undefined, {
        timeout: 20_000,
      });
      expect(await page.evaluate(() => (window as unknown as { portal: { submit: string } }).portal.submit)).toBe('201 from_portal');
    } finally {
      await page.close();
    }
    expect((await apiClient(harness.url).job('from_portal')).body.status).toBe('completed');
  });
});
