import type { IncomingHttpHeaders } from 'node:http';

export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The routes whose body is not JSON, and the media type each takes instead (their handlers check the rest). */
const NON_JSON_ROUTES: ReadonlyArray<{ method: string; path: RegExp; mediaType: string }> = [
  { method: 'POST', path: /^\/projects\/?$/, mediaType: 'multipart/form-data' }, // project upload
];

/**
 * Why a state-changing request must be refused with 415, or undefined. Every body this API takes is JSON, so a
 * body (or a declared Content-Type) must be `application/json`. This refuses what a browser can send
 * cross-site without a CORS preflight: HTML forms (urlencoded, multipart, text/plain) and text/plain fetches.
 * A POST without body and without Content-Type (cancel from curl or requests) passes. The project upload takes
 * multipart/form-data (a browser can send that cross-site too: the Origin / Sec-Fetch-Site rules refuse it).
 */
export function nonJsonBodyRefusal(method: string, path: string, headers: IncomingHttpHeaders): string | undefined {
  if (!STATE_CHANGING_METHODS.has(method)) return undefined;
  const type = headers['content-type'];
  const length = headers['content-length'];
  const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
  if (type === undefined) {
    return hasBody ? 'A request body needs "Content-Type: application/json"' : undefined;
  }
  const mediaType = type.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json') return undefined;
  if (NON_JSON_ROUTES.some((route) => route.method === method && route.path.test(path) && route.mediaType === mediaType)) return undefined;
  return `Content-Type ${JSON.stringify(type)} is not accepted: send JSON with "Content-Type: application/json"`;
}
