import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../config/app-config';
import { crossSiteRefusal, OriginAllowList } from './cross-site-request';
import { HostAllowList } from './host-allow-list';

export type AllowRequest = (request: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void;

/**
 * Engine.IO's `allowRequest` for every new Socket.IO connection (polling or WebSocket): WebSockets are not
 * bound by the same-origin policy, so without this any page could open one and read every job event. Same
 * rules as HTTP: the Host check, then Origin / Sec-Fetch-Site (this service's own pages and
 * HFSS_JM_ALLOWED_ORIGINS pass; clients without Origin, i.e. not browsers, pass).
 */
export function socketHandshakeCheck(config: AppConfig): AllowRequest {
  const hosts = new HostAllowList(config.server.host, config.security.allowedHosts);
  const origins = new OriginAllowList(config.security.allowedOrigins);
  return (request, callback) => {
    if (!hosts.allows(request.headers.host)) {
      callback(`Host ${JSON.stringify(request.headers.host ?? '')} is not a name of this service`, false);
      return;
    }
    const refusal = crossSiteRefusal(request.method ?? 'GET', request.headers, origins);
    callback(refusal ?? null, refusal === undefined);
  };
}
