import type { IncomingHttpHeaders } from 'node:http';

/** The configured HFSS_JM_ALLOWED_ORIGINS (already normalized at boot). */
export class OriginAllowList {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  get configured(): boolean {
    return this.origins.size > 0;
  }

  allows(origin: string | undefined): boolean {
    return origin !== undefined && this.origins.has(origin.toLowerCase());
  }
}

/** Whether `Origin` names this service itself, i.e. the (already checked) Host the request was sent to. */
export function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file:, some redirects) and anything malformed
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const defaultPort = url.protocol === 'http:' ? ':80' : ':443';
  const host = hostHeader.trim().toLowerCase();
  return url.host === (host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Why a request from a browser must be refused as cross-site, or undefined. Requests without `Origin` and
 * `Sec-Fetch-*` (curl, SDKs, the CLI, Python) pass. Refused, for every method:
 * - an `Origin` that is neither this service nor allow-listed (including `null`);
 * - `Sec-Fetch-Site: cross-site` or `same-site` (another port of the same host is same-site), unless the
 *   origin is allow-listed or it is a plain top-level navigation (a link to the dashboard from elsewhere).
 */
export function crossSiteRefusal(method: string, headers: IncomingHttpHeaders, origins: OriginAllowList): string | undefined {
  const origin = header(headers, 'origin');
  if (origin !== undefined) {
    if (origins.allows(origin)) return undefined;
    if (!isSameOrigin(origin, header(headers, 'host'))) {
      return `Cross-origin request from ${JSON.stringify(origin)} refused: only this service's own pages${origins.configured ? ' and HFSS_JM_ALLOWED_ORIGINS' : ''} may call it from a browser (set HFSS_JM_ALLOWED_ORIGINS to allow a portal)`;
    }
  }
  const site = header(headers, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') {
    const dest = header(headers, 'sec-fetch-dest');
    const navigation =
      (method === 'GET' || method === 'HEAD') && header(headers, 'sec-fetch-mode') === 'navigate' && (dest === undefined || dest === 'document');
    if (!navigation) {
      return `Cross-site request refused (Sec-Fetch-Site: ${site}): only this service's own pages may call it from a browser`;
    }
  }
  return undefined;
}
