import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppConfig } from './app-config';

describe('boolean settings', () => {
  const base = { HFSS_JM_DATA_DIR: mkdtempSync(join(tmpdir(), 'hfss-config-')) };

  it.each(['false', '0'])('reads %s as false, not as a non-empty string (which Boolean() makes true)', (no) => {
    expect(loadAppConfig({ ...base, HFSS_JM_SWAGGER: no }).server.swagger).toBe(false);
    expect(loadAppConfig({ ...base, HFSS_JM_SCHEDULER_JOB_ARRAYS: no }).cluster.jobArrays).toBe(false);
  });

  it.each(['true', '1'])('reads %s as true', (yes) => {
    expect(loadAppConfig({ ...base, HFSS_JM_SWAGGER: yes }).server.swagger).toBe(true);
    expect(loadAppConfig({ ...base, HFSS_JM_SCHEDULER_JOB_ARRAYS: yes }).cluster.jobArrays).toBe(true);
  });

  it('keeps the defaults when unset (Swagger UI on, job arrays on)', () => {
    expect(loadAppConfig(base).server.swagger).toBe(true);
    expect(loadAppConfig(base).cluster.jobArrays).toBe(true);
  });

  it('refuses a value that is neither', () => {
    expect(() => loadAppConfig({ ...base, HFSS_JM_SCHEDULER_JOB_ARRAYS: 'yes please' })).toThrow(/HFSS_JM_SCHEDULER_JOB_ARRAYS/);
  });

  it('still refuses to listen beyond loopback without a token when HFSS_JM_ALLOW_UNAUTHENTICATED=false', () => {
    expect(() => loadAppConfig({ ...base, HFSS_JM_HOST: '0.0.0.0', HFSS_JM_ALLOW_UNAUTHENTICATED: 'false' })).toThrow(/without HFSS_JM_API_TOKEN/);
    expect(() => loadAppConfig({ ...base, HFSS_JM_HOST: '0.0.0.0', HFSS_JM_ALLOW_UNAUTHENTICATED: 'true' })).not.toThrow();
  });

  it('sends scheduler_type none to the default scheduler only when HFSS_JM_OVERRIDE_SCHEDULER_NONE is true', () => {
    const cluster = { ...base, HFSS_JM_DEFAULT_SCHEDULER: 'slurm' };
    expect(loadAppConfig({ ...cluster, HFSS_JM_OVERRIDE_SCHEDULER_NONE: 'false' }).submissions.overrideNone).toBe(false);
    expect(loadAppConfig({ ...cluster, HFSS_JM_OVERRIDE_SCHEDULER_NONE: 'true' }).submissions.overrideNone).toBe(true);
    // "false" without a cluster default is no conflict: it asks for nothing.
    expect(() => loadAppConfig({ ...base, HFSS_JM_OVERRIDE_SCHEDULER_NONE: 'false' })).not.toThrow();
  });
});
