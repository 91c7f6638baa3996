import { loadAppConfig } from '../../config/app-config';
import { jobEnvironment, schedulerCommandEnvironment } from './job-environment';

const SERVICE_ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/jm',
  USER: 'jm',
  LANG: 'C.UTF-8',
  TZ: 'UTC',
  ANSYSLMD_LICENSE_FILE: '1055@lic',
  ANSYSEM_ROOT251: '/ansys/v251',
  ANSYSEM_ROOT242: '/ansys/v242',
  HFSS_JM_API_TOKEN: 'secret-token-1234567890',
  HFSS_JM_DATA_DIR: '/srv/jm',
  AWS_SECRET_ACCESS_KEY: 'nope',
  SSH_AUTH_SOCK: '/tmp/agent',
  SITE_SCRATCH: '/scratch',
  SITE_MODULES: 'x',
  'BASH_FUNC_module%%': '() { eval ...; }',
  SGE_ROOT: '/var/lib/gridengine',
};

describe('jobEnvironment', () => {
  it('should pass the documented allow-list and nothing else of the service environment', () => {
    expect(jobEnvironment([], SERVICE_ENV)).toEqual({
      ANSYSEM_ROOT242: '/ansys/v242',
      ANSYSEM_ROOT251: '/ansys/v251',
      ANSYSLMD_LICENSE_FILE: '1055@lic',
      HOME: '/home/jm',
      LANG: 'C.UTF-8',
      PATH: '/usr/bin:/bin',
      TZ: 'UTC',
      USER: 'jm',
    });
  });

  it("should add the operator's names and prefixes, never a service variable nor a bash function", () => {
    const environment = jobEnvironment(['SITE_*', 'HFSS_JM_API_TOKEN', 'BASH*', 'NOT_SET'], SERVICE_ENV);
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(['SITE_MODULES', 'SITE_SCRATCH']));
    expect(Object.keys(environment).filter((name) => /HFSS_JM|BASH|NOT_SET|AWS|SSH|SGE/.test(name))).toEqual([]);
  });

  it('should send Windows HPC nodes only what the operator names', () => {
    expect(jobEnvironment(['SITE_SCRATCH'], SERVICE_ENV, 'windows')).toEqual({ SITE_SCRATCH: '/scratch' });
  });
});

describe('schedulerCommandEnvironment', () => {
  it("should keep the scheduler clients' settings and drop every HFSS_JM_ variable", () => {
    const env = schedulerCommandEnvironment(SERVICE_ENV);
    expect(env).toMatchObject({ SGE_ROOT: '/var/lib/gridengine', PATH: '/usr/bin:/bin' });
    expect(Object.keys(env).filter((name) => name.startsWith('HFSS_JM_'))).toEqual([]);
  });
});

describe('HFSS_JM_JOB_ENV_PASSTHROUGH and the Grid Engine / LSF names', () => {
  it('should read the passthrough list, the PE and complex names and the LSF unit, with documented defaults', () => {
    expect(loadAppConfig({})).toMatchObject({
      jobEnvironment: { passthrough: [] },
      gridEngine: { parallelEnvironments: { smp: 'smp', mpi: 'mpi' }, complexes: { exclusive: 'exclusive', gpu: 'gpu' } },
      lsf: { unitForLimits: 'MB' },
    });
    const config = loadAppConfig({
      HFSS_JM_JOB_ENV_PASSTHROUGH: 'SITE_*, OMP_NUM_THREADS',
      HFSS_JM_SGE_PE_SMP: 'threads',
      HFSS_JM_SGE_PE_MPI: 'ompi',
      HFSS_JM_SGE_EXCLUSIVE_COMPLEX: 'excl',
      HFSS_JM_SGE_GPU_COMPLEX: 'ngpus',
      HFSS_JM_LSF_UNIT_FOR_LIMITS: 'GB',
    });
    expect(config.jobEnvironment.passthrough).toEqual(['SITE_*', 'OMP_NUM_THREADS']);
    expect(config.gridEngine).toMatchObject({ parallelEnvironments: { smp: 'threads', mpi: 'ompi' }, complexes: { exclusive: 'excl', gpu: 'ngpus' } });
    expect(config.lsf.unitForLimits).toBe('GB');
  });

  it.each([
    [{ HFSS_JM_JOB_ENV_PASSTHROUGH: 'HFSS_JM_API_TOKEN' }, /may not pass the service's own variables/],
    [{ HFSS_JM_JOB_ENV_PASSTHROUGH: 'HFSS*' }, /may not pass the service's own variables/],
    [{ HFSS_JM_JOB_ENV_PASSTHROUGH: 'A B' }, /comma-separated list of variable names/],
    [{ HFSS_JM_JOB_ENV_PASSTHROUGH: 'X=1' }, /comma-separated list of variable names/],
    [{ HFSS_JM_SGE_PE_MPI: 'mpi -l h_rt=0' }, /HFSS_JM_SGE_PE_MPI must be a Grid Engine object name/],
    [{ HFSS_JM_SGE_PE_SMP: '1smp' }, /HFSS_JM_SGE_PE_SMP/],
    [{ HFSS_JM_SGE_GPU_COMPLEX: 'gpu=1' }, /HFSS_JM_SGE_GPU_COMPLEX/],
    [{ HFSS_JM_LSF_UNIT_FOR_LIMITS: 'MiB' }, /HFSS_JM_LSF_UNIT_FOR_LIMITS/],
  ])('should refuse %j at boot', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(message);
  });
});
