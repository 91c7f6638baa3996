import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { errorBody } from './error-response';

export const HTTP_STATUS_BY_CODE: Record<DomainErrorCode, HttpStatus> = {
  [DomainErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
  [DomainErrorCode.FileNotFound]: HttpStatus.BAD_REQUEST,
  [DomainErrorCode.JobNotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorCode.JobStateConflict]: HttpStatus.CONFLICT,
  [DomainErrorCode.DuplicateJobId]: HttpStatus.CONFLICT,
  [DomainErrorCode.SchedulerFailure]: HttpStatus.BAD_GATEWAY,
  [DomainErrorCode.Timeout]: HttpStatus.GATEWAY_TIMEOUT,
  [DomainErrorCode.ShuttingDown]: HttpStatus.SERVICE_UNAVAILABLE,
  [DomainErrorCode.StorageFailure]: HttpStatus.INSUFFICIENT_STORAGE,
  [DomainErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [DomainErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [DomainErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [DomainErrorCode.ProjectNotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorCode.ForbiddenHost]: HttpStatus.FORBIDDEN,
  [DomainErrorCode.ForbiddenOrigin]: HttpStatus.FORBIDDEN,
};

/** Writes a domain error as its HTTP status and the seed's envelope; also used by middleware that runs before Nest's routing. */
export function sendDomainError(response: Response, error: DomainError): void {
  const status = HTTP_STATUS_BY_CODE[error.code];
  response.status(status).json(errorBody(error.message, error.code));
}

/** Maps every domain error to its HTTP status and the seed's error envelope. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): void {
    sendDomainError(host.switchToHttp().getResponse<Response>(), error);
  }
}
