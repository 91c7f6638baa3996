import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenHostError, ForbiddenOriginError, UnsupportedMediaTypeError } from '../common/errors/job-manager.errors';
import { sendDomainError } from '../common/filters/domain-error.filter';
import { AppConfig } from '../config/app-config';
import { answerCors } from './cors';
import { crossSiteRefusal, OriginAllowList } from './cross-site-request';
import { HostAllowList } from './host-allow-list';
import { nonJsonBodyRefusal } from './json-content-type';
import { setSecurityHeaders } from './security-headers';

/**
 * The browser-facing checks, in front of every HTTP route (API, dashboard, static assets, /docs), whether or not
 * a token is set: Host (403 FORBIDDEN_HOST), CORS for allowed origins, cross-site requests (403
 * FORBIDDEN_ORIGIN), non-JSON bodies (415 UNSUPPORTED_MEDIA_TYPE). Registered before the body parser, so a
 * refused body is never read. Socket.IO handshakes get the same checks from `socketHandshakeCheck`.
 */
export function webSecurity(config: AppConfig): RequestHandler {
  const hosts = new HostAllowList(config.server.host, config.security.allowedHosts);
  const origins = new OriginAllowList(config.security.allowedOrigins);
  const logger = new Logger('WebSecurity');
  return (request: Request, response: Response, next: NextFunction): void => {
    setSecurityHeaders(response);
    if (!hosts.allows(request.headers.host)) {
      logger.warn(`Refused ${request.method} ${request.path}: Host ${JSON.stringify(request.headers.host ?? '')}`);
      sendDomainError(response, new ForbiddenHostError(request.headers.host ?? ''));
      return;
    }
    if (answerCors(request, response, origins)) return;
    const crossSite = crossSiteRefusal(request.method, request.headers, origins);
    if (crossSite !== undefined) {
      logger.warn(`Refused ${request.method} ${request.path}: ${crossSite}`);
      sendDomainError(response, new ForbiddenOriginError(crossSite));
      return;
    }
    const media = nonJsonBodyRefusal(request.method, request.path, request.headers);
    if (media !== undefined) {
      sendDomainError(response, new UnsupportedMediaTypeError(media));
      return;
    }
    next();
  };
}
