import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { apiClient } from './support/http';
import { describeWhen } from './support/required-in-ci';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithChromium = describeWhen(existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`, '.ci/run installs the chromium package; or set CHROMIUM_PATH');

describeWithChromium("Dashboard: the scheduler's own state and reason, live", () => {
  let browser: Browser;
  let harness: TestApp;
  let scheduler: FakeClusterBackend;
  let projects: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    scheduler = new FakeClusterBackend();
    projects = makeTempDir('hfss-dashboard-projects-');
    harness = await startTestApp({
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '100' },
      configure: (builder) =>
        builder.overrideProvider(SCHEDULER_BACKENDS).useFactory({
          inject: [LocalProcessBackend],
          factory: (local: LocalProcessBackend) => [local, scheduler],
        }),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it("should show a held job's reason and a requeued job's run without a reload", async () => {
    const api = apiClient(harness.url);
    await api.submit({
      jobid: 'held',
      project_path: writeProject(projects, 'held.aedt'),
      scheduler_type: 'slurm',
    });
    const page = await browser.newPage();
    await page.goto(harness.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    const line = page.locator('#jobs tbody tr[data-job-id="held"] .scheduler-state');
    scheduler.set('held', {
      status: 'pending',
      nativeState: 'PENDING',
      nativeReason: 'JobHeldAdmin',
    });
    await line.filter({ hasText: 'PENDING · JobHeldAdmin' }).waitFor({ timeout: 10_000 });
    scheduler.set('held', { status: 'running', nativeState: 'RUNNING' });
    await page.locator('#jobs tbody tr[data-job-id="held"] .badge[data-status="running"]').waitFor({ timeout: 10_000 });
    scheduler.set('held', {
      status: 'pending',
      nativeState: 'PENDING',
      nativeReason: 'BeginTime',
    });
    await line.filter({ hasText: 'PENDING · BeginTime — run 2' }).waitFor({ timeout: 10_000 });
    await page.close();
  });
});
