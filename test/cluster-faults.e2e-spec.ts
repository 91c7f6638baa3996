import { execFileSync } from 'node:child_process';
import { backendConformance } from './conformance/backend-conformance';
import { gridEngineAdapter, slurmAdapter } from './conformance/real-cluster-adapters';
import { describeWhen } from './support/required-in-ci';

/**
 * The backend conformance scenarios on the real SLURM and Grid Engine, with faults injected on their controllers:
 * stopped during a submit, a cancel and polls, SIGSTOPped during a submit, a job requeued. The controller is
 * always restored (SIGCONT, then the idempotent scripts/ci/*-up.sh) in afterEach. The clusters are shared: run
 * under `flock /tmp/hfss-cluster.lock` outside CI. Fault injection needs root (CI runs as root).
 */
function answers(command: string, args: string[], pattern: RegExp): boolean {
  try {
    return pattern.test(execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe', timeout: 10_000 }));
  } catch {
    return false;
  }
}

const root = process.getuid?.() === 0;
describeWhen(
  root && answers('sinfo', ['-h', '-o', '%t'], /idle|mix|alloc/),
  'a running SLURM cluster and root',
  '.ci/run calls scripts/ci/slurm-up.sh (as root)',
)('Cluster faults on real SLURM 22.05 (conformance scenarios)', () => backendConformance(slurmAdapter()));

describeWhen(
  root && answers('qstat', ['-xml'], /job_info/),
  'a running Grid Engine and root',
  '.ci/run calls scripts/ci/sge-up.sh (as root)',
)('Cluster faults on real Grid Engine 8.1.9 (conformance scenarios)', () => backendConformance(gridEngineAdapter()));
