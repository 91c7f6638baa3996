import { DomainError, DomainErrorCode } from './domain-error';

/** Bad input: the seed's `ValueError` (HTTP 400). */
export class ValidationFailedError extends DomainError {
  readonly code = DomainErrorCode.ValidationFailed;
}

/** A project, executable or directory the job names does not exist: the seed's `FileNotFoundError` (HTTP 400). */
export class FileNotFoundError extends DomainError {
  readonly code = DomainErrorCode.FileNotFound;

  constructor(
    readonly path: string,
    what = 'File',
  ) {
    super(`${what} not found: ${path}`);
  }
}

export class JobNotFoundError extends DomainError {
  readonly code = DomainErrorCode.JobNotFound;

  constructor(readonly jobId: string) {
    super(`Job ${jobId} not found`);
  }
}

/** The job is in a state that does not allow the request (HTTP 409). */
export class JobStateConflictError extends DomainError {
  readonly code = DomainErrorCode.JobStateConflict;
}

/** A jobid that already exists was submitted with a different configuration (HTTP 409). */
export class DuplicateJobIdError extends DomainError {
  readonly code = DomainErrorCode.DuplicateJobId;

  constructor(readonly jobId: string) {
    super(`Job ${jobId} already exists with a different configuration; choose another jobid`);
  }
}

/** The scheduler rejected, failed or could not be reached: the seed's `RuntimeError` (HTTP 502). */
export class SchedulerFailureError extends DomainError {
  readonly code = DomainErrorCode.SchedulerFailure;
}

/** Waiting for something took longer than allowed: the seed's `asyncio.TimeoutError` (HTTP 504). */
export class TimeoutError extends DomainError {
  readonly code = DomainErrorCode.Timeout;
}

/** The service is draining and takes no new work (HTTP 503). */
export class ShuttingDownError extends DomainError {
  readonly code = DomainErrorCode.ShuttingDown;

  constructor() {
    super('The job manager is shutting down and accepts no new jobs');
  }
}

/** The job store could not be written, e.g. the disk is full (HTTP 507). Nothing was acknowledged. */
export class StorageFailureError extends DomainError {
  readonly code = DomainErrorCode.StorageFailure;
}

/** A request without the configured bearer token (HTTP 401). The token itself is never echoed or logged. */
export class UnauthorizedError extends DomainError {
  readonly code = DomainErrorCode.Unauthorized;

  constructor() {
    super('Missing or invalid bearer token: send "Authorization: Bearer <HFSS_JM_API_TOKEN>"');
  }
}

/** The Host header names no address of this service: a DNS-rebinding attempt or a missing HFSS_JM_ALLOWED_HOSTS entry (HTTP 403). */
export class ForbiddenHostError extends DomainError {
  readonly code = DomainErrorCode.ForbiddenHost;

  constructor(readonly host: string) {
    super(`Host ${JSON.stringify(host)} is not a name of this service; if it is, add it to HFSS_JM_ALLOWED_HOSTS`);
  }
}

/** A request sent by a page of another origin (cross-site request forgery, cross-site reads) (HTTP 403). */
export class ForbiddenOriginError extends DomainError {
  readonly code = DomainErrorCode.ForbiddenOrigin;
}

/** A state-changing request whose body is not JSON: HTML forms and text/plain "simple" requests (HTTP 415). */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = DomainErrorCode.UnsupportedMediaType;
}
