import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Puts logging wrappers for the named commands first on PATH: each call appends its arguments to a log and then
 * runs the real command. Lets a test count how often the job manager asked the scheduler, and with what.
 */
export function spyOnCommands(commands: string[]): { calls: (command: string) => string[][]; restore: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'command-spy-'));
  const log = join(dir, 'calls.jsonl');
  const originalPath = process.env.PATH ?? '';
  for (const command of commands) {
    const wrapper = join(dir, command);
    writeFileSync(
      wrapper,
      `#!/bin/sh\nnode -e 'require("fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")' ${log} ${command} "$@"\n` +
        `PATH=${JSON.stringify(originalPath)} exec ${command} "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
  }
  process.env.PATH = `${dir}:${originalPath}`;
  return {
    calls: (command) => {
      let lines: string[] = [];
      try {
        lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      } catch {
        // no call yet
      }
      return lines
        .map((line) => JSON.parse(line) as string[])
        .filter((argv) => argv[0] === command)
        .map((argv) => argv.slice(1));
    },
    restore: () => {
      process.env.PATH = originalPath;
    },
  };
}
