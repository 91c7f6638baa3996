import { SchedulerType } from '../../simulation/scheduler-type.enum';

/** One batched status poll of a cluster scheduler finished (or failed). */
export class SchedulerPolledEvent {
  constructor(
    readonly scheduler: SchedulerType,
    readonly durationMs: number,
    readonly succeeded: boolean,
    readonly jobs: number,
  ) {}
}
