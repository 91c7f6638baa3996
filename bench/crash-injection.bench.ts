import { execFileSync } from 'node:child_process';
import { runCrashHarness } from '../test/support/crash-harness';
import { stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir } from '../test/support/test-app';
import { report } from './bench-support';

// Exactly once under SIGKILL: >= 200 kills at random moments while a client submits and retries a mixed batch.
it('crash injection: 200 SIGKILLs', async () => {
  let slurm = true;
  try {
    execFileSync('sinfo', ['-h']);
  } catch {
    slurm = false;
  }
  const dataDir = makeTempDir('bench-crash-');
  const projects = makeTempDir('bench-crash-projects-');
  try {
    const result = await runCrashHarness({
      dataDir,
      projects,
      injections: Number(process.env.BENCH_CRASH_INJECTIONS ?? 200),
      localJobs: 120,
      slurmJobs: slurm ? 20 : 0,
      killAfterMs: [0, 1500],
      seed: 7,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    report('crash-injection', result as unknown as Record<string, unknown>);
    expect(result.lost.length + result.solvesStartedTwice.length + result.multipleTerminalStates.length + result.notFinished.length).toBe(0);
  } finally {
    await stopServiceProcesses();
    removeDir(dataDir);
    removeDir(projects);
  }
});
