import { execFileSync } from 'node:child_process';
import { describeWhen } from './required-in-ci';

function gridEngineIsUp(): boolean {
  try {
    execFileSync('qstat', ['-xml'], { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** A describe block for the real Grid Engine: CI provisions it with scripts/ci/sge-up.sh, and there it must run. */
export const describeWithGridEngine = describeWhen(gridEngineIsUp(), 'a running Grid Engine', '.ci/run calls scripts/ci/sge-up.sh (as root)');
