import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { sharedCheckKey } from './resource-checks';

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
