import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UnauthorizedError } from '../common/errors/job-manager.errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { bearerTokenOf, tokenMatches } from './bearer-token';
import { PUBLIC_ROUTE } from './public-route.decorator';

/** With HFSS_JM_API_TOKEN set, every HTTP route except @PublicRoute() ones needs `Authorization: Bearer <token>`. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.security.apiToken;
    if (!expected || context.getType() !== 'http') {
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    if (!tokenMatches(bearerTokenOf(request.headers.authorization), expected)) {
      throw new UnauthorizedError();
    }
    return true;
  }
}
