import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeScheduler } from './support/fake-scheduler';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** HFSS_JM_CLUSTER_WORK_DIR: cluster work dirs on the share the nodes see, the store and local jobs in the data dir. */
describe('cluster work dir apart from the data dir (Windows HPC from a Windows host: a UNC share)', () => {
  let harness: TestApp;
  let share: string;
  let projects: string;
  const fake = useFakeScheduler('windows-hpc', ['job']);

  beforeEach(async () => {
    share = makeTempDir('hfss cluster share ');
    projects = makeTempDir('hfss cwd projects ');
    harness = await startTestApp({ env: { HFSS_JM_CLUSTER_WORK_DIR: share, HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '300' } });
  });

  afterEach(async () => {
    await harness.close();
    [harness.dataDir, share, projects].forEach(removeDir);
  });

  it('should run a Windows HPC job in <cluster work dir>/jobs/<jobid> and read its exit code there', async () => {
    const api = apiClient(harness.url);
    const submitted = await api.submit({
      jobid: 'share_job',
      project_path: writeProject(projects, 'share_job.aedt', { duration_ms: 200, exit_code: 4 }),
      scheduler_type: 'windows_hpc',
      scheduler_options: { time: '00:10:00' },
    });
    expect(submitted.status).toBe(201);
    const workDir = join(share, 'jobs', 'share_job');
    const submit = fake
      .spy()
      .calls('job')
      .find((argv) => argv[0] === 'submit');
    expect(submit).toContain(`/workdir:${workDir}`);
    expect(await api.waitForStatus('share_job', ['completed', 'failed'], 20_000)).toMatchObject({ status: 'failed', exit_code: 4 });
    expect(existsSync(join(workDir, 'solver.log'))).toBe(true);
    expect(existsSync(join(harness.dataDir, 'jobs', 'share_job'))).toBe(false);
  });
});
