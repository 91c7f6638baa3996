/** Every live SchedulerBackend, one per SchedulerType. */
export const SCHEDULER_BACKENDS = Symbol('SCHEDULER_BACKENDS');
