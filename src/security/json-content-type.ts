import type { IncomingHttpHeaders } from 'node:http';

export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Why a state-changing request must be refused with 415, or undefined. Every body this API takes is JSON, so a
 * body (or a declared Content-Type) must be `application/json`. This refuses what a browser can send
 * cross-site without a CORS preflight: HTML forms (urlencoded, multipart, text/plain) and text/plain fetches.
 * A POST without body and without Content-Type (cancel from curl or requests) passes.
 */
export function nonJsonBodyRefusal(method: string, headers: IncomingHttpHeaders): string | undefined {
  if (!STATE_CHANGING_METHODS.has(method)) return undefined;
  const type = headers['content-type'];
  const length = headers['content-length'];
  const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
  if (type === undefined) {
    return hasBody ? 'A request body needs "Content-Type: application/json"' : undefined;
  }
  if (type.split(';')[0].trim().toLowerCase() === 'application/json') return undefined;
  return `Content-Type ${JSON.stringify(type)} is not accepted: send JSON with "Content-Type: application/json"`;
}
