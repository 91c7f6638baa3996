import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** Thrown for any setting that cannot be used; the message names the variable. (Re-exported by app-config.) */
export class InvalidConfigurationError extends Error {}

/** The token rule of HFSS_JM_API_TOKEN, applied to a token read from a file too. */
export const API_TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * HFSS_JM_ALLOWED_ORIGINS: each entry a full origin, `http(s)://host[:port]`, nothing else (no path, no `*`,
 * no `null`). Returned normalized the way browsers send them in `Origin` (lower case, default port dropped).
 */
export function parseAllowedOrigins(value: string | undefined): string[] {
  return listOf(value).map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    const plain =
      url !== undefined &&
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      !entry.includes('*') &&
      !url.username &&
      !url.password &&
      url.pathname === '/' &&
      !url.search &&
      !url.hash;
    if (!url || !plain) {
      throw new InvalidConfigurationError(
        `Invalid configuration: HFSS_JM_ALLOWED_ORIGINS entry ${JSON.stringify(entry)} is not an origin; write scheme://host[:port], e.g. https://portal.example.com (no path, no wildcard)`,
      );
    }
    return url.origin;
  });
}

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * HFSS_JM_ALLOWED_HOSTS: host names or IP addresses (no port), `.example.com` for a domain and its subdomains,
 * or `*` (no Host check at all: only behind a proxy that checks it). Returned lower-cased, IPv6 without brackets.
 */
export function parseAllowedHosts(value: string | undefined): string[] {
  return listOf(value).map((entry) => {
    const host = entry.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const name = host.startsWith('.') ? host.slice(1) : host;
    if (host === '*' || isIP(host) !== 0 || HOSTNAME.test(name)) return host;
    throw new InvalidConfigurationError(
      `Invalid configuration: HFSS_JM_ALLOWED_HOSTS entry ${JSON.stringify(entry)} is not a host name or IP address (no scheme, no port), e.g. jobs.example.com or .example.com`,
    );
  });
}

/**
 * The bearer token from HFSS_JM_API_TOKEN or HFSS_JM_API_TOKEN_FILE (one of them), the file read once here:
 * a trailing newline (what `echo` and editors leave) is trimmed, anything else must satisfy the token rule.
 */
export function readApiToken(token: string | undefined, file: string | undefined): string | undefined {
  if (file === undefined) return token;
  if (token !== undefined) {
    throw new InvalidConfigurationError('Invalid configuration: set HFSS_JM_API_TOKEN or HFSS_JM_API_TOKEN_FILE, not both');
  }
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidConfigurationError(`Invalid configuration: HFSS_JM_API_TOKEN_FILE ${file} cannot be read (${reason})`);
  }
  const read = content.replace(/\r?\n$/, '');
  if (!API_TOKEN_PATTERN.test(read)) {
    throw new InvalidConfigurationError(
      `Invalid configuration: HFSS_JM_API_TOKEN_FILE ${file} must hold one token of 16-512 printable characters without spaces (found ${read.length} characters, or spaces, control characters or several lines)`,
    );
  }
  return read;
}
