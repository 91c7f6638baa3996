import type { Request, Response } from 'express';
import { OriginAllowList } from './cross-site-request';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS for HFSS_JM_ALLOWED_ORIGINS only (no headers at all otherwise): the allowed origin is echoed, never `*`,
 * and without credentials (the API uses a bearer token, never cookies). Answers a preflight of an allowed
 * origin with 204 and returns true; preflights of other origins fall through to the cross-site refusal (403).
 */
export function answerCors(request: Request, response: Response, origins: OriginAllowList): boolean {
  if (!origins.configured) return false;
  response.vary('Origin');
  const origin = request.headers.origin;
  if (!origins.allows(origin)) return false;
  response.setHeader('Access-Control-Allow-Origin', origin!);
  if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return false;
  response.vary('Access-Control-Request-Method').vary('Access-Control-Request-Headers');
  response.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
  response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  response.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
  // Chromium's Private Network Access preflight: a configured public portal calling a service on loopback or the LAN.
  if (request.headers['access-control-request-private-network'] === 'true') {
    response.setHeader('Access-Control-Allow-Private-Network', 'true');
  }
  response.status(204).end();
  return true;
}
