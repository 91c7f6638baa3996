import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppConfig } from './app-config';
import { InvalidConfigurationError, parseAllowedHosts, parseAllowedOrigins, readApiToken } from './web-access-settings';

describe('web access settings', () => {
  it('should normalize allowed origins and refuse anything that is not an origin', () => {
    expect(parseAllowedOrigins(' https://Portal.Example:443 , http://tools.example:8080 ')).toEqual(['https://portal.example', 'http://tools.example:8080']);
    expect(parseAllowedOrigins(undefined)).toEqual([]);
    for (const entry of [
      '*',
      'null',
      'portal.example',
      'https://portal.example/app',
      'https://*.example.com',
      'ftp://portal.example',
      'https://u:p@portal.example',
      'https://portal.example?x',
    ]) {
      expect(() => parseAllowedOrigins(entry)).toThrow(InvalidConfigurationError);
      expect(() => parseAllowedOrigins(entry)).toThrow(/HFSS_JM_ALLOWED_ORIGINS entry/);
    }
  });

  it('should read allowed hosts as names, addresses, .domains or *', () => {
    expect(parseAllowedHosts('Jobs.Example, .lab.example,10.0.0.5,[fe80::1],*')).toEqual(['jobs.example', '.lab.example', '10.0.0.5', 'fe80::1', '*']);
    for (const entry of ['jobs.example:8080', 'http://jobs.example', 'a b', 'jobs..example']) {
      expect(() => parseAllowedHosts(entry)).toThrow(/HFSS_JM_ALLOWED_HOSTS entry/);
    }
  });

  describe('HFSS_JM_API_TOKEN_FILE', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'hfss-token-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const file = (content: string): string => {
      const path = join(dir, 'token');
      writeFileSync(path, content);
      return path;
    };

    it('should read the token once, trimming one trailing newline', () => {
      expect(readApiToken(undefined, file('a-token-of-32-characters-0123456\n'))).toBe('a-token-of-32-characters-0123456');
      expect(readApiToken(undefined, file('windows-line-ending-token\r\n'))).toBe('windows-line-ending-token');
      expect(readApiToken('env-token-0123456789', undefined)).toBe('env-token-0123456789');
      const config = loadAppConfig({ HFSS_JM_HOST: '0.0.0.0', HFSS_JM_API_TOKEN_FILE: file('compose-secret-token-123\n') });
      expect(config.security.apiToken).toBe('compose-secret-token-123');
    });

    it('should report a missing, unreadable, empty or malformed file clearly', () => {
      expect(() => readApiToken(undefined, join(dir, 'absent'))).toThrow(`HFSS_JM_API_TOKEN_FILE ${join(dir, 'absent')} cannot be read (ENOENT)`);
      expect(() => readApiToken(undefined, dir)).toThrow(/cannot be read \(EISDIR\)/);
      expect(() => readApiToken(undefined, file(''))).toThrow(/must hold one token of 16-512 printable characters .*found 0 characters/);
      expect(() => readApiToken(undefined, file('short\n'))).toThrow(/found 5 characters/);
      expect(() => readApiToken(undefined, file('two-lines-token-0001\nsecond-line-0000002\n'))).toThrow(/must hold one token/);
      expect(() => readApiToken('env-token-0123456789', file('file-token-0123456789'))).toThrow(/not both/);
    });
  });
});
