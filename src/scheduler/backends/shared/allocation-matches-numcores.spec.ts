import { buildAnsysEdtArgv } from '../../../simulation/ansysedt-command.builder';
import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { renderGridEngineSubmission } from '../grid-engine/grid-engine-script.renderer';
import { renderLsfSubmission } from '../lsf/lsf-script.renderer';
import { renderPbsSubmission } from '../pbs/pbs-script.renderer';
import { renderSlurmScript } from '../slurm/slurm-script.renderer';
import { renderWindowsHpcSubmission } from '../windows-hpc/windows-hpc-submission.renderer';
import { UnsafeScriptValueError } from './batch-script';

type Shape = { nodes: number; tasks_per_node: number; cores_per_node: number };

const specFor = (schedulerType: string, shape: Shape) => {
  const config = parseSimulationConfig({ project_path: '/p/a.aedt', scheduler_type: schedulerType, distributed: true, scheduler_options: shape });
  const argv = buildAnsysEdtArgv(config, { executable: '/ansys/ansysedt', defaultTempDirectory: '/tmp' });
  return {
    spec: { jobId: 'j1', config, argv, workDir: '/data/jobs/j1', logPath: '/data/jobs/j1/solver.log' },
    numcores: Number(/^numcores=(\d+)$/.exec(argv[argv.indexOf('-machinelist') + 1])![1]),
  };
};
const directive = (text: string, pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? 1);

/** What each scheduler grants for the rendered request, read back from the rendered directives. */
const ALLOCATED: Record<string, (shape: Shape) => { allocated: number; numcores: number }> = {
  slurm: (shape) => {
    const { spec, numcores } = specFor('slurm', shape);
    const script = renderSlurmScript(spec);
    return {
      allocated: directive(script, /--nodes=(\d+)/) * directive(script, /--ntasks-per-node=(\d+)/) * directive(script, /--cpus-per-task=(\d+)/),
      numcores,
    };
  },
  grid_engine: (shape) => {
    const { spec, numcores } = specFor('grid_engine', shape);
    return { allocated: directive(renderGridEngineSubmission(spec).script, /^#\$ -pe \S+ (\d+)$/m), numcores };
  },
  lsf: (shape) => {
    const { spec, numcores } = specFor('lsf', shape);
    const script = renderLsfSubmission(spec).script;
    const slots = directive(script, /^#BSUB -n (\d+)$/m);
    if (shape.nodes > 1) expect(slots / directive(script, /ptile=(\d+)/)).toBe(shape.nodes);
    return { allocated: slots, numcores };
  },
  pbs: (shape) => {
    const { spec, numcores } = specFor('pbs', shape);
    const script = renderPbsSubmission(spec).script;
    return { allocated: directive(script, /select=(\d+)/) * directive(script, /ncpus=(\d+)/), numcores };
  },
  windows_hpc: (shape) => {
    const { spec, numcores } = specFor('windows_hpc', shape);
    return { allocated: directive(renderWindowsHpcSubmission(spec).join(' '), /\/numcores:(\d+)/), numcores };
  },
};

describe('allocation and ansysedt numcores', () => {
  const shapes: Shape[] = [
    { nodes: 1, tasks_per_node: 1, cores_per_node: 0 },
    { nodes: 1, tasks_per_node: 8, cores_per_node: 0 },
    { nodes: 1, tasks_per_node: 1, cores_per_node: 16 },
    { nodes: 4, tasks_per_node: 2, cores_per_node: 16 },
    { nodes: 3, tasks_per_node: 4, cores_per_node: 12 },
    { nodes: 2, tasks_per_node: 4, cores_per_node: 10 },
  ];

  it.each(Object.keys(ALLOCATED).flatMap((scheduler) => shapes.map((shape) => [scheduler, shape] as const)))(
    'should grant on %s exactly the numcores ansysedt is told for %j, or refuse the shape',
    (scheduler, shape) => {
      try {
        const { allocated, numcores } = ALLOCATED[scheduler](shape);
        expect(allocated).toBe(numcores);
        expect(numcores).toBe(shape.nodes * (shape.cores_per_node || shape.tasks_per_node));
      } catch (error) {
        // Only SLURM cannot allocate 10 cores as 4 tasks: it says so (400) instead of granting 8.
        expect(error).toBeInstanceOf(UnsafeScriptValueError);
        expect([scheduler, shape.cores_per_node % shape.tasks_per_node]).toEqual(['slurm', 2]);
      }
    },
  );
});
