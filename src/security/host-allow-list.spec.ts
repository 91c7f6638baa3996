import { HostAllowList, hostnameOf } from './host-allow-list';

describe(HostAllowList.name, () => {
  it.each([
    ['127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', '::1'],
    ['LocalHost.', 'localhost'],
    ['jobs.example', 'jobs.example'],
    ['evil.example:80:80', undefined],
    ['user@evil.example', undefined],
    ['a b', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('should read the host name of %j as %j', (header, name) => {
    expect(hostnameOf(header)).toBe(name);
  });

  it('should accept loopback and localhost only, by default', () => {
    const hosts = new HostAllowList('127.0.0.1', []);
    for (const host of ['127.0.0.1:1', '127.255.0.9', 'localhost:8080', '[::1]:8080', '[0:0:0:0:0:0:0:1]:8080', '[::ffff:127.0.0.1]:80']) {
      expect([host, hosts.allows(host)]).toEqual([host, true]);
    }
    for (const host of ['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', '0.0.0.0', undefined]) {
      expect([host, hosts.allows(host)]).toEqual([host, false]);
    }
  });

  it('should accept the bound address, every interface address when bound to all, and the allow-list', () => {
    expect(new HostAllowList('10.1.2.3', []).allows('10.1.2.3:8080')).toBe(true);
    expect(new HostAllowList('jm.internal', []).allows('JM.internal:8080')).toBe(true);
    const wildcard = new HostAllowList('0.0.0.0', ['jobs.example', '.lab.example']);
    expect(wildcard.allows('jobs.example:8080')).toBe(true);
    expect(wildcard.allows('a.b.lab.example')).toBe(true);
    expect(wildcard.allows('lab.example')).toBe(true);
    expect(wildcard.allows('evillab.example')).toBe(false);
    expect(new HostAllowList('127.0.0.1', ['*']).allows('anything.example')).toBe(true);
  });
});
