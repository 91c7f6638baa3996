import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ResourceCheckMemo, SameTurnResourceChecks, sharedCheckKey } from './resource-checks';

describe(sharedCheckKey.name, () => {
  const base = { project_path: '/p/a.aedt', ansys_edt_path: undefined, scheduler_type: SchedulerType.NONE };

  it('is the same for configs that differ only in what the checks do not read', () => {
    expect(sharedCheckKey({ ...base, jobid: 'a', priority: 1, design_name: 'x' } as typeof base)).toBe(sharedCheckKey(base));
  });

  it('differs when the project, the executable or the scheduler differs', () => {
    const keys = [
      base,
      { ...base, project_path: '/p/b.aedt' },
      { ...base, ansys_edt_path: '/opt/ansys/ansysedt' },
      { ...base, scheduler_type: SchedulerType.SLURM },
      // A path holding the key's separators cannot pass for another combination.
      { ...base, project_path: '/p/a.aedt","/opt/x' },
      { ...base, project_path: undefined },
    ].map(sharedCheckKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe(SameTurnResourceChecks.name, () => {
  const counting = () => {
    const calls: string[] = [];
    return { calls, check: (key: string) => () => (calls.push(key), Promise.resolve(`${key} checked`)) };
  };

  it('runs a check once for every submission that asks for it in the same turn of the event loop', async () => {
    const checks = new SameTurnResourceChecks();
    const { calls, check } = counting();
    const answers = await Promise.all([checks.once('a', check('a')), checks.once('a', check('a')), checks.once('b', check('b')), checks.once('a', check('a'))]);
    expect(answers).toEqual(['a checked', 'a checked', 'b checked', 'a checked']);
    expect(calls).toEqual(['a', 'b']);
  });

  it('checks again in a later turn, even while the earlier check is still in flight', async () => {
    const checks = new SameTurnResourceChecks();
    let release!: () => void;
    const first = checks.once('a', () => new Promise<string>((resolve) => (release = () => resolve('old'))));
    await nextTurn();
    const second = checks.once('a', () => Promise.resolve('new'));
    release();
    expect([await first, await second]).toEqual(['old', 'new']);
    // And a turn after a settled one: read again.
    await nextTurn();
    const { calls, check } = counting();
    await checks.once('a', check('a'));
    expect(calls).toEqual(['a']);
  });

  it('hands one failure to every caller of the turn, without an unhandled rejection before they await it', async () => {
    const checks = new SameTurnResourceChecks();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let runs = 0;
      const failing = () => (runs++, Promise.reject(new Error('Project file not found: /p/a.aedt')));
      const first = checks.once('a', failing);
      const second = checks.once('a', failing);
      await nextTurn();
      await expect(first).rejects.toThrow('Project file not found');
      await expect(second).rejects.toThrow('Project file not found');
      expect(runs).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe(ResourceCheckMemo.name, () => {
  it("keeps a batch's checks for the whole request, across turns", async () => {
    const memo = new ResourceCheckMemo();
    let runs = 0;
    await memo.once('a', () => (runs++, Promise.resolve(1)));
    await nextTurn();
    await memo.once('a', () => (runs++, Promise.resolve(2)));
    expect(runs).toBe(1);
  });
});
