import { creationTimeQueryArgv, descendantsOf, parseCreationTime, parseProcessList, taskkillArgv } from './windows-commands';
import { decodeReply } from './windows-process-platform';

describe('Windows commands (pure parts)', () => {
  it('builds taskkill argv: graceful, forced, and without /T for a taskkill that refuses it', () => {
    expect(taskkillArgv([42], false)).toEqual(['/T', '/PID', '42']);
    expect(taskkillArgv([42, 7], true)).toEqual(['/F', '/T', '/PID', '42', '/PID', '7']);
    expect(taskkillArgv([42], true, false)).toEqual(['/F', '/PID', '42']);
  });

  it('refuses anything but a positive integer pid in a command', () => {
    for (const pid of [0, -1, 1.5, Number.NaN]) {
      expect(() => taskkillArgv([pid], true)).toThrow(RangeError);
      expect(() => creationTimeQueryArgv(pid)).toThrow(RangeError);
    }
    expect(creationTimeQueryArgv(1234).at(-1)).toBe("(Get-CimInstance Win32_Process -Filter 'ProcessId=1234').CreationDate.ToFileTimeUtc()");
  });

  it('reads a creation time from PowerShell ticks or a wmic CIM datetime, and nothing from other replies', () => {
    expect(parseCreationTime('134091234567890123\r\n')).toBe('134091234567890123');
    expect(parseCreationTime('CreationDate\r\n20261201183012.123456+060\r\n')).toBe('20261201183012.123456+060');
    expect(parseCreationTime('')).toBeUndefined();
    expect(parseCreationTime('Error: Command line not supported')).toBeUndefined();
  });

  it('parses PowerShell pid,ppid lines and wmic ParentProcessId/ProcessId columns, skipping headers', () => {
    expect(parseProcessList('10,4\r\n11,10\r\n\r\n', false)).toEqual([
      { pid: 10, ppid: 4 },
      { pid: 11, ppid: 10 },
    ]);
    expect(parseProcessList('ParentProcessID ProcessID\r\n0    32   \r\n32   276  \r\n', true)).toEqual([
      { ppid: 0, pid: 32 },
      { ppid: 32, pid: 276 },
    ]);
  });

  it('finds every descendant by parent id, orphans of a dead parent included, and stops at pid 0 self-parenting', () => {
    const rows = [
      { pid: 0, ppid: 0 },
      { pid: 100, ppid: 4 },
      { pid: 101, ppid: 100 },
      { pid: 102, ppid: 101 },
      { pid: 103, ppid: 555 }, // parent 555 already gone
      { pid: 200, ppid: 4 },
    ];
    expect(descendantsOf(100, rows).sort()).toEqual([100, 101, 102]);
    expect(descendantsOf(555, rows).sort()).toEqual([103, 555]);
  });

  it('decodes wmic UTF-16LE replies, with and without a byte order mark', () => {
    const text = 'ParentProcessID ProcessID\r\n32 276\r\n';
    expect(decodeReply(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text);
    expect(decodeReply(Buffer.from(text, 'utf16le'))).toBe(text);
    expect(decodeReply(Buffer.from(text, 'latin1'))).toBe(text);
  });
});
