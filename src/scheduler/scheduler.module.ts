import { Module } from '@nestjs/common';
import { LocalProcessBackend } from './backends/local/local-process.backend';
import { SchedulerCli } from './cli/scheduler-cli';
import { SchedulerBackendRegistry } from './scheduler-backend.registry';
import { SCHEDULER_BACKENDS } from './scheduler.constants';

const BACKENDS = [LocalProcessBackend];

@Module({
  providers: [
    ...BACKENDS,
    { provide: SCHEDULER_BACKENDS, inject: BACKENDS, useFactory: (...backends: LocalProcessBackend[]) => backends },
    SchedulerBackendRegistry,
    SchedulerCli,
  ],
  exports: [LocalProcessBackend, SchedulerBackendRegistry, SchedulerCli],
})
export class SchedulerModule {}
