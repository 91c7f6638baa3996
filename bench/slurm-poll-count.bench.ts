import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { spyOnCommands } from '../test/support/command-spy';
import { apiClient } from '../test/support/http';
import { makeTempDir, removeDir, startTestApp, writeProject } from '../test/support/test-app';
import { report, summary } from './bench-support';

// Target: one status query per poll interval with 1,000 tracked SLURM jobs, on the real single-node cluster
// (scripts/ci/slurm-up.sh). The jobs are submitted held (--hold) so that the cluster is not flooded with solves.
it('squeue calls per poll interval with 1,000 tracked SLURM jobs', async () => {
  try {
    execFileSync('sinfo', ['-h']);
  } catch {
    report('slurm-poll-count', { skipped: 'SLURM is not running here (scripts/ci/slurm-up.sh)' });
    return;
  }
  const spy = spyOnCommands(['squeue', 'sbatch', 'scancel']);
  const harness = await startTestApp({ env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '2000', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '30000' } });
  const projects = makeTempDir('bench-slurm-');
  const api = apiClient(harness.url);
  try {
    const project = writeProject(projects, 's.aedt', { duration_ms: 100 });
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const response = await api.submit({
        jobid: `s_${i}`,
        project_path: project,
        scheduler_type: 'slurm',
        scheduler_options: { time: '00:05:00', extra_directives: ['--hold'] },
      });
      if (response.status !== 201) throw new Error(`submit ${i}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    const submitSeconds = (performance.now() - t0) / 1000;
    const before = spy.calls('squeue').length;
    const windowMs = 20_000;
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const polls = spy.calls('squeue').slice(before);
    const idsPerCall = polls.map((argv) => argv[argv.indexOf('-j') + 1].split(',').length);
    const started = performance.now();
    execFileSync('squeue', ['-h', '-t', 'all', '-j', polls.at(-1)![polls.at(-1)!.indexOf('-j') + 1], '-o', '%i|%T|%r']);
    report('slurm-poll-count', {
      tracked_jobs: 1000,
      poll_interval_ms: 2000,
      window_ms: windowMs,
      squeue_calls: polls.length,
      squeue_calls_per_interval: Math.round((polls.length / (windowMs / 2000)) * 100) / 100,
      ids_per_call: summary(idsPerCall),
      one_squeue_of_1000_ids_ms: Math.round(performance.now() - started),
      sbatch_submits_per_s: Math.round(1000 / submitSeconds),
    });
  } finally {
    execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
    await harness.close();
    spy.restore();
    removeDir(harness.dataDir);
    removeDir(projects);
  }
});
