import { Module } from '@nestjs/common';
import { LocalProcessBackend } from './backends/local/local-process.backend';
import { GridEngineBackend } from './backends/grid-engine/grid-engine.backend';
import { LsfBackend } from './backends/lsf/lsf.backend';
import { PbsBackend } from './backends/pbs/pbs.backend';
import { SlurmBackend } from './backends/slurm/slurm.backend';
import { WindowsHpcBackend } from './backends/windows-hpc/windows-hpc.backend';
import { SchedulerCli } from './cli/scheduler-cli';
import { SchedulerBackend } from './scheduler-backend';
import { SchedulerBackendRegistry } from './scheduler-backend.registry';
import { SCHEDULER_BACKENDS } from './scheduler.constants';

const BACKENDS = [LocalProcessBackend, SlurmBackend, LsfBackend, PbsBackend, WindowsHpcBackend, GridEngineBackend];

@Module({
  providers: [
    ...BACKENDS,
    { provide: SCHEDULER_BACKENDS, inject: BACKENDS, useFactory: (...backends: SchedulerBackend[]) => backends },
    SchedulerBackendRegistry,
    SchedulerCli,
  ],
  exports: [LocalProcessBackend, SchedulerBackendRegistry, SchedulerCli],
})
export class SchedulerModule {}
