import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationFailedError } from '../../common/errors/job-manager.errors';
import { parseSimulationConfig } from '../../simulation/simulation-config.validation';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { chooseScheduler, unwrapPyedbSubmission } from './pyedb-submission.normalizer';

const FIXTURES = join(__dirname, '../../../test/fixtures/pyedb');
const fixture = (name: string): Record<string, any> => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

describe('unwrapPyedbSubmission', () => {
  it('should unwrap the {config, priority} wrapper and carry the priority into the config', () => {
    const body = fixture('submit_job_to_manager.json');
    const config = unwrapPyedbSubmission(body) as Record<string, any>;
    expect(config.priority).toBe(3);
    expect(config.jobid).toBe('patch_001');
    expect(config).not.toHaveProperty('config');
  });

  it("should drop to_dict()'s platform, timestamp and version", () => {
    const config = unwrapPyedbSubmission(fixture('saved_to_dict_slurm.json')) as Record<string, any>;
    expect(config).not.toHaveProperty('platform');
    expect(config).not.toHaveProperty('timestamp');
    expect(config).not.toHaveProperty('version');
  });

  it("should turn PyEDB's nulls into absent options and its placeholder queue into the scheduler's default", () => {
    const config = unwrapPyedbSubmission(fixture('submit_local_job.json')) as Record<string, any>;
    expect(config.scheduler_options).not.toHaveProperty('account');
    expect(config.scheduler_options).not.toHaveProperty('gpu_type');
    expect(config.scheduler_options).not.toHaveProperty('queue');
    expect(config.scheduler_options.memory).toBe('4GB');
  });

  it('should keep a real queue name', () => {
    const body = fixture('submit_local_job.json');
    body.config.scheduler_options.queue = 'compute';
    expect((unwrapPyedbSubmission(body) as any).scheduler_options.queue).toBe('compute');
  });

  it.each(['submit_local_job.json', 'submit_job_on_scheduler.json', 'submit_job_to_manager.json', 'saved_to_dict_slurm.json', 'saved_model_dump_user.json'])(
    'should make %s a valid config',
    (name) => {
      const config = parseSimulationConfig(unwrapPyedbSubmission(fixture(name)));
      expect(config.project_path).toMatch(/\.(aedt|aedb)$/);
    },
  );

  it("should keep the user as the job's owner, the wrapper's user winning as in PyEDB's handler", () => {
    expect((unwrapPyedbSubmission(fixture('saved_model_dump_user.json')) as any).user).toBe('alice');
    const body = { ...fixture('submit_local_job.json'), user: 'bob' };
    expect((unwrapPyedbSubmission(body) as any).user).toBe('bob');
  });

  it("should take the handler's machine_nodes and batch_options beside config, and a null ansys_edt_path as the service's", () => {
    const body: Record<string, any> = { ...fixture('submit_local_job.json'), machine_nodes: [{ hostname: 'node7', cores: 4, max_cores: 8, utilization: 80 }], batch_options: { mpi_vendor: 'Open MPI' } };
    body.config.ansys_edt_path = null;
    const config = parseSimulationConfig(unwrapPyedbSubmission(body));
    expect(config.machine_nodes).toEqual([{ hostname: 'node7', cores: 4, max_cores: 8, utilization: 80 }]);
    expect(config.layout_options.mpi_vendor).toBe('Open MPI');
    expect(config.ansys_edt_path).toBeUndefined();
  });

  it('should still reject unknown keys beside config, and unknown fields inside it', () => {
    expect(() => unwrapPyedbSubmission({ ...fixture('submit_local_job.json'), shell: 'rm -rf /' })).toThrow(new ValidationFailedError('property shell should not exist'));
    const body = fixture('submit_local_job.json');
    body.config.pre_command = 'x';
    expect(() => parseSimulationConfig(unwrapPyedbSubmission(body))).toThrow(/property pre_command should not exist/);
  });

  it('should reject a wrapper whose config is not an object, and a non-string timestamp', () => {
    expect(() => unwrapPyedbSubmission({ config: 'x', priority: 0 })).toThrow(ValidationFailedError);
    expect(() => unwrapPyedbSubmission({ ...fixture('saved_to_dict_slurm.json'), timestamp: 5 })).toThrow('timestamp must be a string');
  });

  it("should leave this service's own bodies untouched", () => {
    const body = { project_path: '/p/a.aedt', scheduler_options: { queue: 'default', account: null } };
    expect(unwrapPyedbSubmission(body)).toBe(body);
  });
});

describe('chooseScheduler', () => {
  const slurmDefault = { defaultScheduler: SchedulerType.SLURM, overrideNone: false };

  it('should give submissions without scheduler_type the default scheduler', () => {
    expect(chooseScheduler({ project_path: '/p/a.aedt' }, slurmDefault)).toEqual({ project_path: '/p/a.aedt', scheduler_type: 'slurm' });
  });

  it('should keep an explicit none unless told to override it', () => {
    expect(chooseScheduler({ scheduler_type: 'none' }, slurmDefault)).toEqual({ scheduler_type: 'none' });
    expect(chooseScheduler({ scheduler_type: 'none' }, { ...slurmDefault, overrideNone: true })).toEqual({ scheduler_type: 'slurm' });
  });

  it('should never change a cluster scheduler the submission chose', () => {
    expect(chooseScheduler({ scheduler_type: 'lsf' }, { defaultScheduler: SchedulerType.PBS, overrideNone: true })).toEqual({ scheduler_type: 'lsf' });
  });
});
