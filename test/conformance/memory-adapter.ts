import { LocalProcessBackend } from '../../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../../src/scheduler/scheduler.constants';
import { AutoRunFakeClusterBackend } from '../fakes/auto-run-fake-cluster-backend';
import { ConformanceAdapter } from './conformance-adapter';

/** The in-memory fake (swapped in through DI as the `slurm` backend). */
export function memoryAdapter(): ConformanceAdapter {
  let scheduler = new AutoRunFakeClusterBackend();
  return {
    name: 'in-memory fake scheduler',
    schedulerType: 'slurm',
    env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '150', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '600' },
    patienceMs: 10_000,
    configure: (builder) =>
      builder.overrideProvider(SCHEDULER_BACKENDS).useFactory({ inject: [LocalProcessBackend], factory: (local: LocalProcessBackend) => [local, scheduler] }),
    beforeEach: () => {
      scheduler = new AutoRunFakeClusterBackend();
    },
    down: async () => {
      scheduler.down = true;
    },
    hang: async () => {
      scheduler.hung = true;
    },
    holdJobs: async () => {
      scheduler.holding = true;
    },
    restore: async () => {
      Object.assign(scheduler, { down: false, hung: false });
      scheduler.release();
    },
    requeue: async (nativeId) => scheduler.requeue(nativeId),
    jobsNamed: async (jobId) => [...scheduler.jobs].filter(([, job]) => job.name === jobId).map(([id]) => id),
  };
}
