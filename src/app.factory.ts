import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from './config/app-config';
import { AppModule } from './app.module';
import { DASHBOARD_ASSET_PREFIX, DASHBOARD_PUBLIC_DIR } from './dashboard/dashboard.constants';
import { PinoLoggerService } from './logging/pino-logger.service';
import { requestLogging } from './logging/request-logging.middleware';
import { createOpenApiDocument } from './openapi/create-openapi-document';
import { webSecurity } from './security/web-security.middleware';

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Request bodies above this are refused with 413 before they are parsed. */
export const MAX_REQUEST_BODY = '1mb';
/** POST /jobs/submit-batch alone may carry up to this (10,000 configs of ~1.6 KB each); above it, 413. */
export const MAX_BATCH_REQUEST_BODY = '16mb';
export const BATCH_SUBMIT_PATH = '/jobs/submit-batch';

export function logLevelsUpTo(level: AppConfig['logLevel']): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/**
 * What every instance gets, whoever built it (main, the embedded façade, the e2e tests): the Host, cross-site and
 * content-type checks in front of every route (Socket.IO gets them in JobEventsGateway), body limit and docs.
 */
export function configureJobManagerApp(app: NestExpressApplication, config: AppConfig): NestExpressApplication {
  // No ETag on API answers: Express would hash every JSON body for it (a page of 500 jobs is ~1 MB, 0.6 ms of SHA-1)
  // for conditional requests no client of a changing job list makes. Static files keep theirs (serve-static's own).
  app.set('etag', false);
  app.use(webSecurity(config));
  // Parsed first with its own limit; the general parser below then leaves the already parsed body alone.
  app.use(BATCH_SUBMIT_PATH, json({ limit: MAX_BATCH_REQUEST_BODY }));
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY });
  app.useStaticAssets(DASHBOARD_PUBLIC_DIR, { prefix: DASHBOARD_ASSET_PREFIX, index: false });
  if (config.server.swagger) {
    SwaggerModule.setup('docs', app, () => createOpenApiDocument(app));
  }
  return app;
}

/** Builds the Nest application (not yet listening). */
export async function createJobManagerApp(config: AppConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> {
  const logger = options.logger ?? (config.logFormat === 'json' ? new PinoLoggerService(config.logLevel) : logLevelsUpTo(config.logLevel));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, logger });
  if (logger instanceof PinoLoggerService && logLevelsUpTo(config.logLevel).includes('debug')) {
    app.use(requestLogging(logger));
  }
  return configureJobManagerApp(app, config);
}
