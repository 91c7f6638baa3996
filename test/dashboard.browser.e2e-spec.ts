import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { apiClient, waitFor } from './support/http';
import { describeWhen } from './support/required-in-ci';
import { startServiceProcess } from './support/service-process';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../test-artifacts');

// .ci/run installs Debian's chromium; there these tests must run.
const describeWithChromium = describeWhen(existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`, '.ci/run installs the chromium package; or set CHROMIUM_PATH');

describeWithChromium('Dashboard and Swagger UI in real headless Chromium', () => {
  let browser: Browser;
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    harness = await startTestApp({ env: { HFSS_JM_PROGRESS_INTERVAL_MS: '100', HFSS_JM_MAX_CONCURRENT_JOBS: '1' } });
    api = apiClient(harness.url);
    projects = makeTempDir('hfss-dashboard-projects-');
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A 4xx answer the test provokes on purpose is logged by Chromium as a failed resource; script errors are not.
      if (message.type() === 'error' && !/status of 400/.test(message.text())) pageErrors.push(message.text());
    });
  });

  afterEach(async () => {
    await page.close();
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
    expect(pageErrors.splice(0)).toEqual([]);
  });

  const row = (jobId: string) => page.locator(`#jobs tbody tr[data-job-id="${jobId}"]`);
  /** Waits for the row's status badge; on a timeout the error tells what the page and the service showed instead. */
  const waitForBadge = async (jobId: string, status: string, timeout = 30_000): Promise<void> => {
    try {
      await row(jobId).locator(`.badge[data-status="${status}"]`).waitFor({ timeout });
    } catch (error) {
      const shown = await row(jobId)
        .getAttribute('data-status', { timeout: 1000 })
        .catch(() => 'no row');
      const stored = await api.get(`/jobs/${jobId}`).then(
        (answer) => String(answer.body?.status),
        (failure: Error) => failure.message,
      );
      const events = await page
        .locator('#events')
        .innerText({ timeout: 1000 })
        .catch(() => '');
      throw new Error(`${jobId} never showed ${status}: the row shows ${shown}, the service says ${stored}; live events:\n${events}`, { cause: error });
    }
  };
  const submit = (jobid: string, behaviour: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    api.submit({ jobid, project_path: writeProject(projects, `${jobid}.aedt`, behaviour), ...extra });

  it('should show jobs live over Socket.IO: new rows, progress, completion, cancel and priority actions', async () => {
    await submit('done_before', { duration_ms: 100 });
    await api.waitForStatus('done_before', ['completed']);
    await page.goto(harness.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    await waitForBadge('done_before', 'completed');

    // A job submitted after the page loaded appears and moves without a reload.
    await submit('live_solve', { duration_ms: 2500, progress_steps: 10 });
    await waitForBadge('live_solve', 'running', 15_000);
    await waitFor(
      async () =>
        (await row('live_solve')
          .locator('progress')
          .evaluate((bar: HTMLProgressElement) => bar.value)) > 0
          ? true
          : undefined,
      10_000,
      'the progress bar to move',
    );

    // Two more wait behind it (max 1 concurrent); raising the later one's priority reorders the queue.
    await submit('queued_a', { duration_ms: 100 });
    await submit('queued_b', { duration_ms: 100 });
    await waitForBadge('queued_b', 'queued');
    await row('queued_b').getByTitle('Raise priority').click();
    await waitFor(async () => ((await api.job('queued_b')).body.priority === 10 ? true : undefined), 5_000, 'the priority change');
    expect((await api.get('/queue')).body.next.map((entry: { job_id: string }) => entry.job_id)).toEqual(['queued_b', 'queued_a']);
    await waitFor(
      async () => ((await row('queued_b').locator('td').nth(3).textContent())?.startsWith('10') ? true : undefined),
      5_000,
      'the new priority on the page',
    );

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    await waitForBadge('live_solve', 'completed', 20_000);
    expect(
      await row('live_solve')
        .locator('progress')
        .evaluate((bar: HTMLProgressElement) => bar.value),
    ).toBe(100);

    // Cancel from the page.
    await submit('to_cancel', { duration_ms: 60_000 });
    await waitForBadge('to_cancel', 'running', 20_000);
    // The page asks first: declining leaves the job running.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await row('to_cancel').getByRole('button', { name: 'Cancel' }).click();
    await new Promise((settle) => setTimeout(settle, 300));
    expect((await api.job('to_cancel')).body.status).toBe('running');
    page.once('dialog', (dialog) => void dialog.accept());
    await row('to_cancel').getByRole('button', { name: 'Cancel' }).click();
    await waitForBadge('to_cancel', 'cancelled', 10_000);
    expect((await api.job('to_cancel')).body.status).toBe('cancelled');
    await expect(row('to_cancel').getByRole('button', { name: 'Cancel' }).isDisabled()).resolves.toBe(true);
    expect(await page.locator('#events li').count()).toBeGreaterThan(5);
  });

  it('should submit a job and change limits from the forms, with errors shown on the page', async () => {
    await page.goto(harness.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    await page.waitForFunction(() => (document.querySelector('#cpu-value')?.textContent ?? '–') !== '–');
    expect(await page.locator('#limits-form input[name="max_concurrent_jobs"]').inputValue()).toBe('1');

    await page.fill('#limits-form input[name="max_concurrent_jobs"]', '3');
    await page.click('#limits-form button[type="submit"]');
    await page.locator('#limits-status', { hasText: 'applied' }).waitFor();
    expect((await api.get('/resources')).body.limits.max_concurrent_jobs).toBe(3);

    const project = writeProject(projects, 'from_form.aedt', { duration_ms: 200 });
    await page.fill('#submit-form input[name="project_path"]', project);
    await page.fill('#submit-form input[name="jobid"]', 'from_form');
    await page.click('#submit-form button[type="submit"]');
    await page.locator('#submit-status', { hasText: 'submitted from_form' }).waitFor();
    await waitForBadge('from_form', 'completed', 15_000);

    await page.fill('#submit-form input[name="project_path"]', '/nowhere/missing.aedt');
    await page.fill('#submit-form input[name="jobid"]', 'missing_project');
    await page.click('#submit-form button[type="submit"]');
    await page.locator('#submit-status', { hasText: 'not found: /nowhere/missing.aedt' }).waitFor();
    expect((await api.job('missing_project')).status).toBe(404);
  });

  it('should keep a job that live events brought when a list read before it answers late', async () => {
    // The page's first GET /jobs is read at once (no jobs yet) but answered only after the job below has run.
    let releaseList: () => void = () => undefined;
    const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
    let held = false;
    await page.route(
      (url) => url.pathname === '/jobs',
      async (route) => {
        if (held) return route.continue();
        held = true;
        const response = await route.fetch();
        await listHeld;
        await route.fulfill({ response });
      },
    );
    await page.goto(harness.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    await submit('late_list', { duration_ms: 100 });
    await waitForBadge('late_list', 'completed', 15_000);
    releaseList();
    // The stale, empty list has been applied: the job is still there.
    await page.waitForFunction(() => document.querySelector('#page-info') !== null);
    await new Promise((settle) => setTimeout(settle, 500));
    expect(await row('late_list').locator('.badge[data-status="completed"]').count()).toBe(1);
    await page.unroute((url) => url.pathname === '/jobs');
  });

  it('should keep hostile job data as text, never as markup', async () => {
    await page.goto(harness.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    await submit('xss_probe', { duration_ms: 100, exit_code: 4 });
    await waitForBadge('xss_probe', 'failed', 15_000);
    // The error text comes from the server; a design name with markup travels in the job's config.
    await submit('xss_design', { duration_ms: 100 }, { design_name: '<img src=x onerror="window.pwned=1">' });
    await row('xss_design').waitFor();
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('#jobs img').count()).toBe(0);
  });

  it('should ask for the access token when the service has one, then work with it', async () => {
    await harness.close();
    removeDir(harness.dataDir);
    harness = await startTestApp({ env: { HFSS_JM_API_TOKEN: 'dashboard-token-123456', HFSS_JM_PROGRESS_INTERVAL_MS: '100' } });
    api = apiClient(harness.url);
    await fetch(`${harness.url}/jobs/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dashboard-token-123456' },
      body: JSON.stringify({ jobid: 'secret_job', project_path: writeProject(projects, 'secret_job.aedt', { duration_ms: 100 }) }),
    });
    // Chromium logs the 401 answers as failed resources; expected here.
    page.removeAllListeners('console');
    await page.goto(harness.url);
    await page.locator('#token-dialog').waitFor();
    await expect(page.locator('#connection').textContent()).resolves.toBe('token required');
    expect(await row('secret_job').count()).toBe(0);
    await page.fill('#token-form input[name="token"]', 'dashboard-token-123456');
    await page.click('#token-form button[type="submit"]');
    await page.locator('#connection[data-state="live"]').waitFor();
    await row('secret_job').waitFor();
    expect(await page.locator('#token-dialog').isHidden()).toBe(true);
  });

  it('should serve Swagger UI that lists the API and runs a request', async () => {
    await page.goto(`${harness.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
    const paths = await page.locator('.opblock-summary-path').allTextContents();
    expect(paths.map((path) => path.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/jobs/submit', '/jobs/{id}/cancel', '/queue', '/resources/limits', '/health']),
    );
    const health = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path', { hasText: /^\/health$/ }) });
    await health.locator('.opblock-summary').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    await health.getByRole('button', { name: 'Execute' }).click();
    await health.locator('.live-responses-table .response-col_status', { hasText: '200' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui.png') });
  });

  it('should submit the body Swagger UI pre-fills for POST /jobs/submit, with only project_path pointed at a real project', async () => {
    // The built service (dist/, from `nest build` with the Swagger plugin), whose /docs serves the committed document.
    const dataDir = makeTempDir('hfss-dashboard-built-');
    // The test helper turns Swagger UI off for the built service; this test is about it, so it is turned back on.
    const service = await startServiceProcess(dataDir, { HFSS_JM_SWAGGER: 'true' });
    try {
      await page.goto(`${service.url}/docs`);
      await trySubmitExample(service.url);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      removeDir(dataDir);
    }
  });

  async function trySubmitExample(url: string): Promise<void> {
    expect(url).toMatch(/^http/);
    const submit = page.locator('.opblock-post', { has: page.locator('.opblock-summary-path', { hasText: /^\/jobs\/submit$/ }) });
    await submit.locator('.opblock-summary').waitFor({ timeout: 15_000 });
    await submit.locator('.opblock-summary').click();
    await submit.getByRole('button', { name: 'Try it out' }).click();
    const editor = submit.locator('textarea.body-param__text');
    // The example's project path (/projects/antenna.aedt) cannot exist on every machine; everything else is kept.
    const prefilled = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    expect(prefilled.project_path).toBe('/projects/antenna.aedt');
    await editor.fill(JSON.stringify({ ...prefilled, project_path: writeProject(projects, 'antenna.aedt', { duration_ms: 100 }) }));
    await submit.getByRole('button', { name: 'Execute' }).click();
    const status = submit.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    const answer = await submit.locator('.live-responses-table tr.response .response-col_description').first().textContent();
    expect(`${(await status.textContent())?.trim()} ${answer}`).toMatch(/^201 /);
  }
});
