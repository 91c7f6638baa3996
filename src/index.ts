import 'reflect-metadata';

export { JobManagerHandler, JobManagerStartError } from './embedded/job-manager-handler';
export type { JobManagerHandlerOptions, SimulationConfigFields, SubmitManyResult } from './embedded/job-manager-handler';
export { HFSSSimulationConfig } from './simulation/hfss-simulation-config.dto';
export { SchedulerOptions } from './simulation/scheduler-options.dto';
export { MachineNode } from './simulation/machine-node.dto';
export { HFSS3DLayoutBatchOptions } from './simulation/hfss-3d-layout-batch-options.dto';
export { SchedulerType } from './simulation/scheduler-type.enum';
export { buildAnsysEdtArgv } from './simulation/ansysedt-command.builder';
export { parseSimulationConfig } from './simulation/simulation-config.validation';
export { JobStatus } from './jobs/model/job-status';
export type { JobViewDto } from './jobs/dto/job-view.dto';
export { DomainError, DomainErrorCode } from './common/errors/domain-error';
export {
  DuplicateJobIdError,
  FileNotFoundError,
  JobNotFoundError,
  JobStateConflictError,
  SchedulerFailureError,
  ShuttingDownError,
  StorageFailureError,
  TimeoutError,
  ValidationFailedError,
} from './common/errors/job-manager.errors';
export { createJobManagerApp } from './app.factory';
export { loadAppConfig } from './config/app-config';
export type { AppConfig, ResourceLimits } from './config/app-config';
