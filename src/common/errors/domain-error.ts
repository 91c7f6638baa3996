export enum DomainErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  FileNotFound = 'FILE_NOT_FOUND',
  JobNotFound = 'JOB_NOT_FOUND',
  JobStateConflict = 'JOB_STATE_CONFLICT',
  DuplicateJobId = 'DUPLICATE_JOB_ID',
  SchedulerFailure = 'SCHEDULER_FAILURE',
  Timeout = 'TIMEOUT',
  ShuttingDown = 'SHUTTING_DOWN',
  StorageFailure = 'STORAGE_FAILURE',
  Unauthorized = 'UNAUTHORIZED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  ProjectNotFound = 'PROJECT_NOT_FOUND',
  ForbiddenHost = 'FORBIDDEN_HOST',
  ForbiddenOrigin = 'FORBIDDEN_ORIGIN',
}

/** Errors the services throw; `DomainErrorFilter` maps each code to one HTTP status. */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
