import { instanceToPlain } from 'class-transformer';
import { parseSimulationConfig } from '../../simulation/simulation-config.validation';
import { toPlainConfig } from './plain-config';

describe('toPlainConfig', () => {
  it.each([
    ['defaults only', { project_path: '/p/a.aedt' }],
    [
      'every nested DTO',
      {
        jobid: 'j1',
        project_path: '/p/a.aedt',
        design_name: 'd',
        setup_name: 's',
        machine_nodes: [
          { hostname: 'n1', cores: 4, max_cores: 8, utilization: 50 },
          { hostname: 'n2', cores: 2 },
        ],
        layout_options: { enable_gpu: true, mpi_vendor: 'Intel' },
        scheduler_type: 'slurm',
        scheduler_options: { queue: 'q', time: '01:00:00', nodes: 2 },
        retry: { max_attempts: 2 },
        priority: 7,
      },
    ],
  ])('gives exactly what instanceToPlain gives (%s)', (_what, fields) => {
    const config = parseSimulationConfig(fields);
    const fast = toPlainConfig(config);
    expect(fast).toStrictEqual(instanceToPlain(config));
    expect(Object.getPrototypeOf(fast.machine_nodes?.[0])).toBe(Object.prototype);
  });
});
