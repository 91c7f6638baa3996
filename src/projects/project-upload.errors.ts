import { DomainError, DomainErrorCode } from '../common/errors/domain-error';

/** The upload is larger than HFSS_JM_MAX_UPLOAD_MB (HTTP 413). Nothing of it is kept. */
export class UploadTooLargeError extends DomainError {
  readonly code = DomainErrorCode.PayloadTooLarge;
}

/** The request is not a multipart upload (HTTP 415). */
export class UnsupportedUploadError extends DomainError {
  readonly code = DomainErrorCode.UnsupportedMediaType;
}

export class ProjectNotFoundError extends DomainError {
  readonly code = DomainErrorCode.ProjectNotFound;

  constructor(readonly projectId: string) {
    super(`Uploaded project ${projectId} not found`);
  }
}
