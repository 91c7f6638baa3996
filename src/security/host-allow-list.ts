import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '']);

/** The host name of a Host header (`name`, `name:port`, `[v6]:port`), lower case, without a trailing dot; undefined if malformed. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (hostHeader === undefined) return undefined;
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s/@]+))(?::\d{1,5})?$/i.exec(hostHeader.trim());
  const name = (match?.[1] ?? match?.[2])?.toLowerCase().replace(/\.$/, '');
  return name === '' ? undefined : name;
}

function isLoopback(name: string): boolean {
  if (name === 'localhost') return true;
  const version = isIP(name);
  if (version === 4) return name.startsWith('127.');
  if (version === 6) return name === '::1' || /^::ffff:127\./.test(name) || /^(0{1,4}:){7}0{0,3}1$/.test(name);
  return false;
}

/**
 * Which names the Host header may carry, against DNS rebinding: a page of `evil.example` whose name now resolves
 * to 127.0.0.1 is same-origin with itself for the browser, but its requests still say `Host: evil.example`.
 * Accepted: loopback addresses and `localhost`; the bound address (every interface address when bound to all);
 * the operator's HFSS_JM_ALLOWED_HOSTS (`name`, `.domain` for the domain and its subdomains, `*` for any).
 */
export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  constructor(boundHost: string, allowedHosts: readonly string[]) {
    const bound = boundHost.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (WILDCARD_ADDRESSES.has(bound)) {
      for (const address of Object.values(networkInterfaces()).flat()) {
        if (address) this.exact.add(address.address.toLowerCase().replace(/%.*$/, ''));
      }
    } else {
      this.exact.add(bound);
    }
    for (const entry of allowedHosts) {
      if (entry.startsWith('.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(entry);
    }
    this.any = allowedHosts.includes('*');
  }

  allows(hostHeader: string | undefined): boolean {
    if (this.any) return true;
    const name = hostnameOf(hostHeader);
    if (name === undefined) return false;
    return isLoopback(name) || this.exact.has(name) || this.suffixes.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
  }
}
