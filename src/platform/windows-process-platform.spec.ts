import { CommandRunner, CREATION_TIME_RECHECK_MS, WindowsProcessPlatform } from './windows-process-platform';

/** A simulated Windows host: processes by pid with parents and creation times, and the commands acting on them. */
function fakeHost(processes: Record<number, { ppid: number; created: string }>, options: { powershell?: boolean; taskkillTree?: boolean } = {}) {
  const { powershell = true, taskkillTree = true } = options;
  const alive = new Map(Object.entries(processes).map(([pid, info]) => [Number(pid), info]));
  const calls: string[] = [];
  const run: CommandRunner = (file, args) => {
    calls.push(`${file} ${args.join(' ')}`);
    if (file === 'powershell.exe') {
      if (!powershell) {
        return Promise.resolve(''); // Wine's stub: succeeds, prints nothing
      }
      const filter = /ProcessId=(\d+)/.exec(args.at(-1)!);
      if (filter) {
        return Promise.resolve(alive.get(Number(filter[1]))?.created ?? '');
      }
      return Promise.resolve([...alive].map(([pid, info]) => `${pid},${info.ppid}`).join('\r\n'));
    }
    if (file === 'wmic.exe') {
      return Promise.resolve(
        args[1] === 'where' ? undefined : ['ParentProcessId ProcessId', ...[...alive].map(([pid, info]) => `${info.ppid} ${pid}`)].join('\r\n'),
      );
    }
    if (file === 'taskkill.exe') {
      if (args.includes('/T') && !taskkillTree) {
        return Promise.resolve(undefined);
      }
      if (args.includes('/F')) {
        args.forEach((arg, index) => args[index - 1] === '/PID' && alive.delete(Number(arg)));
      }
      return Promise.resolve('');
    }
    return Promise.resolve(undefined);
  };
  return { alive, calls, run };
}

describe('WindowsProcessPlatform (simulated host)', () => {
  const tree = {
    100: { ppid: 4, created: '134091234567890001' },
    101: { ppid: 100, created: '134091234567890002' },
    102: { ppid: 101, created: '134091234567890003' },
    300: { ppid: 4, created: '134091234567890004' },
  };

  it('asks the tree to close, then forces the descendants before the root, and leaves other processes alone', async () => {
    const host = fakeHost(tree);
    const platform = new WindowsProcessPlatform(host.run, (pid) => host.alive.has(pid));
    await platform.killTree(100, 50);
    expect([...host.alive.keys()]).toEqual([300]);
    const kills = host.calls.filter((call) => call.startsWith('taskkill'));
    expect(kills[0]).toBe('taskkill.exe /T /PID 100');
    expect(kills[1]).toBe('taskkill.exe /F /T /PID 101 /PID 102');
    expect(kills.at(-1)).toBe('taskkill.exe /F /T /PID 100');
  });

  it('ends the whole tree through wmic and pid-by-pid taskkill where PowerShell is a stub and /T is refused (Wine)', async () => {
    const host = fakeHost(tree, { powershell: false, taskkillTree: false });
    const platform = new WindowsProcessPlatform(host.run, (pid) => host.alive.has(pid));
    await platform.killTree(100, 50);
    expect([...host.alive.keys()]).toEqual([300]);
    expect(host.calls).toContain('wmic.exe process get ParentProcessId,ProcessId');
    expect(host.calls).toContain('taskkill.exe /F /PID 101 /PID 102');
  });

  it('tells a reused pid from ours by creation time, and checks it at most once per interval, not per poll', async () => {
    const host = fakeHost(tree);
    let now = 0;
    const platform = new WindowsProcessPlatform(
      host.run,
      (pid) => host.alive.has(pid),
      () => now,
    );
    expect(await platform.startTime(100)).toBe('134091234567890001');
    expect(await platform.isAlive(100, '134091234567890001')).toBe(true);
    const queries = host.calls.length;
    expect(await platform.isAlive(100, '134091234567890001')).toBe(true);
    expect(host.calls).toHaveLength(queries);
    host.alive.set(100, { ppid: 4, created: '134091299999999999' }); // pid 100 reused by a later process
    now += CREATION_TIME_RECHECK_MS;
    expect(await platform.isAlive(100, '134091234567890001')).toBe(false);
    expect(await platform.isAlive(999, '1')).toBe(false);
  });

  it('falls back to the existence check when no creation time can be read', async () => {
    const host = fakeHost(tree, { powershell: false });
    const platform = new WindowsProcessPlatform(host.run, (pid) => host.alive.has(pid));
    expect(await platform.startTime(100)).toBeUndefined();
    expect(await platform.isAlive(100, '134091234567890001')).toBe(true);
  });
});
