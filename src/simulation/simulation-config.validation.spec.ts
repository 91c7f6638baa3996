import { ValidationFailedError } from '../common/errors/job-manager.errors';
import { SchedulerType } from './scheduler-type.enum';
import { parseSimulationConfig } from './simulation-config.validation';

function rejection(plain: unknown): string {
  try {
    parseSimulationConfig(plain);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('parseSimulationConfig', () => {
  it('should fill the seed defaults', () => {
    const config = parseSimulationConfig({ project_path: '/p/board.aedt' });
    expect(config.scheduler_type).toBe(SchedulerType.NONE);
    expect(config.machine_nodes).toEqual([{ hostname: 'localhost', cores: -1, max_cores: 20, utilization: 90 }]);
    expect(config.scheduler_options.time).toBe('24:00:00');
    expect(config.scheduler_options.priority).toBe('Normal');
    expect(config.priority).toBe(0);
    expect(config.distributed && config.auto && config.non_graphical && config.monitor).toBe(true);
  });

  it.each([
    [{ project_path: '/p/board.aedt', jobid: 'has space' }, /jobid must be 1-64 letters/],
    [{ project_path: '/p/board.aedt', jobid: 'x'.repeat(65) }, /jobid must be 1-64/],
    [{ project_path: '/p/board.aedt', jobid: 'a;rm -rf' }, /jobid/],
    [{ project_path: '/p/board.txt' }, /project_path must end in .aedt or .aedb/],
    [{ project_path: '/p/evil\n#SBATCH --wrap=id\n.aedt' }, /project_path must not contain control characters/],
    [{}, /project_path/],
    [{ project_path: '/p/b.aedt', surprise: true }, /property surprise should not exist/],
    [{ project_path: '/p/b.aedt', scheduler_type: 'condor' }, /scheduler_type must be one of the following values/],
    [{ project_path: '/p/b.aedt', machine_nodes: [{ hostname: 'h$(id)' }] }, /machine_nodes\.0\.hostname must contain only letters/],
    [{ project_path: '/p/b.aedt', machine_nodes: [{ utilization: 101 }] }, /machine_nodes\.0\.utilization must not be greater than 100/],
    [{ project_path: '/p/b.aedt', machine_nodes: [{ utilization: 0 }] }, /utilization must not be less than 1/],
    [{ project_path: '/p/b.aedt', machine_nodes: [] }, /machine_nodes must contain at least 1 elements/],
    [{ project_path: '/p/b.aedt', layout_options: { mpi_vendor: 'Acme' } }, /layout_options\.mpi_vendor must be one of/],
    [{ project_path: '/p/b.aedt', layout_options: { temp_directory: "/tmp/x' 'Evil'='1" } }, /temp_directory must not contain quotes/],
    [{ project_path: '/p/b.aedt', scheduler_options: { time: '1 day' } }, /scheduler_options\.time must be HH:MM:SS/],
    [{ project_path: '/p/b.aedt', scheduler_options: { queue: 'q; rm' } }, /scheduler_options\.queue must be a plain scheduler name/],
    [{ project_path: '/p/b.aedt', scheduler_options: { nodes: 0 } }, /scheduler_options\.nodes must not be less than 1/],
    [{ project_path: '/p/b.aedt', scheduler_options: { memory: '4 gigs' } }, /memory must look like 4GB/],
    [{ project_path: '/p/b.aedt', scheduler_options: { priority: 'Urgent' } }, /scheduler_options\.priority must be one of/],
    [
      { project_path: '/p/b.aedt', scheduler_options: { extra_directives: ['--comment=ok', '--wrap="$(id)"'] } },
      /extra_directives entry must be a single flag/,
    ],
    [{ project_path: '/p/b.aedt', scheduler_options: { extra_directives: ['--x=1\n#SBATCH --y'] } }, /extra_directives/],
    [{ project_path: '/p/b.aedt', design_name: 'a:b' }, /design_name must not contain ":"/],
    [{ project_path: '/p/b.aedt', priority: 1001 }, /priority must not be greater than 1000/],
    [{ project_path: '/p/b.aedt', timeout: 0 }, /timeout must not be less than 1/],
    [{ project_path: '/p/b.aedt', timeout: '60' }, /timeout must be an integer/],
    [[], /must be a JSON object/],
    ['text', /must be a JSON object/],
  ])('should reject %j', (plain, message) => {
    expect(rejection(plain)).toMatch(message);
  });

  it('should accept every wall-time format the schedulers use', () => {
    for (const time of ['08:00:00', '2-12:00:00', '1.06:00:00', '90', '100:00:00']) {
      expect(parseSimulationConfig({ project_path: '/p/b.aedt', scheduler_options: { time } }).scheduler_options.time).toBe(time);
    }
  });

  it('should accept hostile-looking but legal free text, which is passed as data and never interpreted', () => {
    const config = parseSimulationConfig({ project_path: '/p/it\'s "a" $(x) `y`.aedt', design_name: 'D $(x)' });
    expect(config.project_path).toBe('/p/it\'s "a" $(x) `y`.aedt');
  });
});
