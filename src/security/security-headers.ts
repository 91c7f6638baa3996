import type { Response } from 'express';

/**
 * Headers on every answer: no framing (the dashboard's buttons cannot be clickjacked), no MIME sniffing (a JSON
 * answer is never run as a script), responses not embeddable by other origins, no referrer sent elsewhere.
 */
export function setSecurityHeaders(response: Response): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Referrer-Policy', 'same-origin');
}
