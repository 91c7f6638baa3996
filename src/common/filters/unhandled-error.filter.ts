import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainErrorCode } from '../errors/domain-error';
import { ErrorCode, errorBody } from './error-response';

/** Validation-pipe messages come as an array; the envelope carries one readable line. */
function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = response.message;
    return Array.isArray(message) ? message.join('; ') : String(message);
  }
  return exception.message;
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: DomainErrorCode.ValidationFailed,
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [HttpStatus.UNAUTHORIZED]: DomainErrorCode.Unauthorized,
};

/** Framework HTTP errors keep their status in the seed's envelope; anything else is a logged 500 with an error id. */
@Catch()
export class UnhandledErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('UnhandledError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      response.status(status).json(errorBody(messageOf(exception), CODE_BY_STATUS[status] ?? 'HTTP_ERROR'));
      return;
    }
    const errorId = randomUUID();
    this.logger.error(`Unhandled error ${errorId}`, exception instanceof Error ? exception.stack : String(exception));
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json(errorBody(`Internal error (id ${errorId})`, 'INTERNAL'));
  }
}
