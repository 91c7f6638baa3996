import { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** One debug line per HTTP request: method, path (no query string, no headers), status, duration. */
export function requestLogging(logger: LoggerService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug?.(
        { msg: 'http request', method: request.method, path: request.path, status: response.statusCode, duration_ms: Math.round(ms * 100) / 100 },
        'Http',
      );
    });
    next();
  };
}
