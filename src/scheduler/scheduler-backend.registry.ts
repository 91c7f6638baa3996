import { Inject, Injectable } from '@nestjs/common';
import { SchedulerFailureError } from '../common/errors/job-manager.errors';
import { SchedulerType } from '../simulation/scheduler-type.enum';
import { SchedulerBackend } from './scheduler-backend';
import { SCHEDULER_BACKENDS } from './scheduler.constants';

/** Finds the backend for a job's `scheduler_type`; several backends are live at once. */
@Injectable()
export class SchedulerBackendRegistry {
  private readonly byKind: ReadonlyMap<SchedulerType, SchedulerBackend>;

  constructor(@Inject(SCHEDULER_BACKENDS) backends: SchedulerBackend[]) {
    this.byKind = new Map(backends.map((backend) => [backend.kind, backend]));
  }

  has(kind: SchedulerType): boolean {
    return this.byKind.has(kind);
  }

  get(kind: SchedulerType): SchedulerBackend {
    const backend = this.byKind.get(kind);
    if (!backend) {
      throw new SchedulerFailureError(`Scheduler "${kind}" is not available in this job manager`);
    }
    return backend;
  }
}
