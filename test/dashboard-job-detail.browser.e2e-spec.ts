import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { apiClient, waitFor } from './support/http';
import { describeWhen } from './support/required-in-ci';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../test-artifacts');
const describeWithChromium = describeWhen(existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`, '.ci/run installs the chromium package; or set CHROMIUM_PATH');

describeWithChromium('Dashboard job detail, search, filters and paging in headless Chromium at 1440 and 390 px', () => {
  let browser: Browser;
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    harness = await startTestApp({ env: { HFSS_JM_PROGRESS_INTERVAL_MS: '100', HFSS_JM_MAX_CONCURRENT_JOBS: '2' } });
    api = apiClient(harness.url);
    projects = makeTempDir('hfss-detail-projects-');
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const openPage = async (width: number): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  };
  /** Nothing wider than the viewport: [] when the page does not scroll sideways, else the elements that stick out. */
  const horizontalOverflow = (page: Page) =>
    page.evaluate(() =>
      document.documentElement.scrollWidth <= window.innerWidth
        ? []
        : [...document.querySelectorAll('body *')]
            .filter((node) => node.getBoundingClientRect().right > window.innerWidth && !node.closest('.scroll'))
            .map((node) => `${node.tagName.toLowerCase()}#${node.id}.${node.className} ${Math.round(node.getBoundingClientRect().right)}`)
            .slice(0, 10),
    );
  const row = (page: Page, jobId: string) => page.locator(`#jobs tbody tr[data-job-id="${jobId}"]`);

  afterEach(() => {
    // The retry endpoint may not exist on this service yet: its 404 is shown on the page, not a script error.
    expect(pageErrors.splice(0).filter((message) => !/404/.test(message))).toEqual([]);
  });

  it('should show a failed job: fields, command line, timeline, log, files with downloads, and the retry answer', async () => {
    const project = writeProject(projects, 'broken.aedt', { duration_ms: 200, exit_code: 7, results_files: { 'S11.csv': 'f,s11\n1e9,-12\n' } });
    await api.submit({ jobid: 'detail_broken', project_path: project, design_name: 'HFSSDesign1' });
    await api.waitForStatus('detail_broken', ['failed']);

    for (const width of [1440, 390]) {
      const page = await openPage(width);
      await page.goto(`${harness.url}/#job=detail_broken`);
      await page.locator('#detail-fields[data-status="failed"]').waitFor();
      const fields = await page.locator('#detail-fields').textContent();
      expect(fields).toMatch(/Exit code\s*7/);
      expect(fields).toMatch(/Error.*code 7/);
      expect(fields).toContain(project);
      expect(await page.locator('#detail-command').textContent()).toMatch(/-batchsolve/);
      expect(await page.locator('#detail-config').textContent()).toContain('"design_name": "HFSSDesign1"');
      await page.locator('#detail-events li', { hasText: 'failed' }).waitFor();
      await page.locator('#detail-log', { hasText: 'Simulation failed with exit code 7' }).waitFor();
      const link = page.locator('#detail-files a', { hasText: 'S11.csv' });
      await link.waitFor();
      const href = await link.getAttribute('href');
      const downloaded = await page.evaluate(async (path) => (await fetch(path!)).text(), href);
      expect(downloaded).toBe('f,s11\n1e9,-12\n');
      expect(await page.locator('#detail-archive').getAttribute('href')).toBe('/jobs/detail_broken/archive');
      expect(await page.locator('#detail-retry').isDisabled()).toBe(false);
      expect(await page.locator('#detail-cancel').isDisabled()).toBe(true);
      expect(await horizontalOverflow(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-job-detail-${width}.png`), fullPage: true });
      await page.close();
    }

    // Retry: either a new attempt starts, or (a service without POST /jobs/{id}/retry) its answer is shown.
    const page = await openPage(1440);
    await page.goto(`${harness.url}/#job=detail_broken`);
    await page.locator('#detail-fields[data-status="failed"]').waitFor();
    await page.click('#detail-retry');
    await page.locator('#detail-status-line', { hasText: /retrying detail_broken|retry detail_broken: .*404|Cannot POST/ }).waitFor();
    await page.close();
  });

  it("should tail a running job's log live and cancel it only after confirmation", async () => {
    await api.submit({ jobid: 'detail_live', project_path: writeProject(projects, 'live.aedt', { duration_ms: 30_000, progress_steps: 30 }) });
    await api.waitForStatus('detail_live', ['running']);
    const page = await openPage(1440);
    await page.goto(`${harness.url}/#job=detail_live`);
    await page.locator('#detail-fields[data-status="running"]').waitFor();
    // The fake solver logs a pass a second: new passes arrive without reloading (job_log events or ?offset polling).
    const passes = () => page.locator('#detail-log').evaluate((pre) => (pre.textContent ?? '').split('adaptive pass').length - 1);
    const before = await passes();
    await waitFor(async () => ((await passes()) >= before + 2 ? true : undefined), 20_000, 'new log lines on the page');

    const asked = new Promise<string>((resolveAsked) =>
      page.once('dialog', (dialog) => {
        resolveAsked(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.click('#detail-cancel');
    expect(await asked).toMatch(/^Cancel job detail_live\?/);
    expect((await api.job('detail_live')).body.status).toBe('running');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#detail-cancel');
    await page.locator('#detail-fields[data-status="cancelled"]').waitFor({ timeout: 15_000 });
    expect((await api.job('detail_live')).body.status).toBe('cancelled');
    await page.close();
  });

  it('should page through more than 200 jobs on the server, search by job id and project, and filter every status', async () => {
    // Nothing starts while the memory floor is out of reach: the jobs stay queued.
    await api.put('/resources/limits', { max_concurrent_jobs: 2, max_cpu_percent: 100, min_free_memory_mb: 16_777_216, min_free_disk_mb: 0 });
    const project = writeProject(projects, 'bulk.aedt', { duration_ms: 100 });
    for (let i = 0; i < 205; i += 1) {
      const answer = await api.submit({ jobid: `bulk_${String(i).padStart(3, '0')}`, project_path: project });
      expect(answer.status).toBe(201);
    }
    await api.submit({ jobid: 'special_one', project_path: writeProject(projects, 'unique-feed-horn.aedt', { duration_ms: 100 }) });

    for (const width of [1440, 390]) {
      const page = await openPage(width);
      await page.goto(harness.url);
      await page.locator('#page-info', { hasText: /^1–50 of \d+$/ }).waitFor();
      const total = Number((await page.locator('#page-info').textContent())!.split(' of ')[1]);
      expect(total).toBeGreaterThanOrEqual(206);
      for (let pageNo = 1; pageNo * 50 < total; pageNo += 1) {
        await page.click('#page-next');
        await page.locator('#page-info', { hasText: new RegExp(`^${pageNo * 50 + 1}–`) }).waitFor();
      }
      await row(page, 'bulk_000').waitFor();
      expect(await page.locator('#page-next').isDisabled()).toBe(true);

      await page.fill('#job-search', 'bulk_01');
      await page.locator('#page-info', { hasText: '1–10 of 10' }).waitFor();
      expect(await page.locator('#jobs tbody tr').count()).toBe(10);
      await page.fill('#job-search', 'feed-horn');
      await row(page, 'special_one').waitFor();
      await page.locator('#page-info', { hasText: '1–1 of 1' }).waitFor();
      await page.fill('#job-search', '');

      const options = await page.locator('#status-filter option').evaluateAll((nodes) => nodes.map((node) => (node as HTMLOptionElement).value));
      expect(options).toEqual(['', 'queued', 'scheduled', 'running', 'completed', 'failed', 'cancelled', 'timed_out']);
      await page.selectOption('#status-filter', 'timed_out');
      await page.locator('#jobs-empty', { hasText: 'No job matches.' }).waitFor();
      await page.selectOption('#status-filter', 'queued');
      await page.locator('#page-info', { hasText: /^1–50 of 20\d$/ }).waitFor();
      await page.selectOption('#status-filter', '');
      await page.locator('#page-info', { hasText: /^1–50 of / }).waitFor();
      await page.click('#scheduler-options summary');
      expect(await horizontalOverflow(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-list-${width}.png`), fullPage: true });
      await page.close();
    }
  });
});
