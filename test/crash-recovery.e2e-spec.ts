import { execFileSync } from 'node:child_process';
import { runCrashHarness } from './support/crash-harness';
import { useServiceSandbox } from './support/service-process';

function slurmIsUp(): boolean {
  try {
    return /idle|mix|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%t']).toString());
  } catch {
    return false;
  }
}

// The benchmark (npm run bench) runs the same harness with 200+ kills; CI runs a short version on every change.
describe('exactly once under SIGKILL (real service processes, random kill moments)', () => {
  const sandbox = useServiceSandbox();
  const slurm = slurmIsUp();
  if (!slurm && process.env.CI) {
    throw new Error('SLURM is not running: .ci/run must call scripts/ci/slurm-up.sh before the tests');
  }

  it(`should run every job exactly once and lose none across 12 kills (local${slurm ? ' + SLURM' : ' only: no SLURM here'})`, async () => {
    const report = await runCrashHarness({
      dataDir: sandbox.dataDir,
      projects: sandbox.projects,
      injections: 12,
      localJobs: 24,
      slurmJobs: slurm ? 4 : 0,
      killAfterMs: [0, 1200],
      seed: 20261125,
    });

    console.log(`crash harness: ${JSON.stringify(report)}`);
    expect(report.injections).toBe(12);
    expect(report.lost).toEqual([]);
    expect(report.badDuplicateAnswers).toEqual([]);
    expect(report.duplicateAnswers).toBeGreaterThan(0);
    expect(report.notFinished).toEqual([]);
    expect(report.multipleTerminalStates).toEqual([]);
    expect(report.solvesStartedTwice).toEqual([]);
    expect(report.completedWithoutStart).toEqual([]);
    expect(report.byStatus.completed).toBe(report.submitted);
  }, 240_000);
});
