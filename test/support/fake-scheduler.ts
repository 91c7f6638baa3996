import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spyOnCommands } from './command-spy';
import { makeTempDir, removeDir } from './test-app';

/**
 * Puts one of the fake scheduler CLIs (test/fakes/<name>/bin, built on test/fakes/schedulers) first on PATH for
 * each test, with its own state dir, a spy on the given commands, and `control()` to switch failure modes
 * (control.json: down, delay_ms, pending_ms, purge_after_ms, reject). Call inside a describe block.
 */
export function useFakeScheduler(
  name: string,
  commands: string[],
): {
  control: (settings: Record<string, unknown>) => void;
  spy: () => ReturnType<typeof spyOnCommands>;
} {
  const binDir = resolve(__dirname, '../fakes', name, 'bin');
  let state = '';
  let spy: ReturnType<typeof spyOnCommands> | undefined;
  let savedPath: string | undefined;
  beforeEach(() => {
    savedPath = process.env.PATH;
    process.env.PATH = `${binDir}:${savedPath}`;
    state = makeTempDir(`fake-${name}-state-`);
    process.env.FAKE_SCHEDULER_STATE_DIR = state;
    spy = spyOnCommands(commands);
  });
  afterEach(() => {
    spy?.restore();
    process.env.PATH = savedPath;
    delete process.env.FAKE_SCHEDULER_STATE_DIR;
    removeDir(state);
  });
  return {
    control: (settings) => writeFileSync(join(state, 'control.json'), JSON.stringify(settings)),
    spy: () => spy!,
  };
}
