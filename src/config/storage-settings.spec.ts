import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppConfig } from './app-config';

describe('storage and root-list settings', () => {
  const base = { HFSS_JM_DATA_DIR: mkdtempSync(join(tmpdir(), 'hfss-config-')) };

  it('puts cluster work dirs where HFSS_JM_CLUSTER_WORK_DIR says, and the store stays in HFSS_JM_DATA_DIR', () => {
    const config = loadAppConfig({ ...base, HFSS_JM_CLUSTER_WORK_DIR: '/mnt/cluster-share/hfss' });
    expect(config.storage).toMatchObject({ dataDir: base.HFSS_JM_DATA_DIR, clusterWorkDir: '/mnt/cluster-share/hfss' });
    expect(loadAppConfig(base).storage.clusterWorkDir).toBeUndefined();
  });

  it('refuses a relative HFSS_JM_CLUSTER_WORK_DIR', () => {
    expect(() => loadAppConfig({ ...base, HFSS_JM_CLUSTER_WORK_DIR: 'share/hfss' })).toThrow(/HFSS_JM_CLUSTER_WORK_DIR must be an absolute directory/);
  });

  it('still splits root lists on ":" on Linux', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'hfss-root-a-')), mkdtempSync(join(tmpdir(), 'hfss-root-b-'))];
    expect(loadAppConfig({ ...base, HFSS_JM_PROJECT_ROOTS: `${a}:${b}` }).security.projectRoots).toEqual([a, b]);
  });

  it('bounds scheduler commands in flight per scheduler with HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS (8 by default, 1 to 64)', () => {
    expect(loadAppConfig(base).cluster.maxParallelCommands).toBe(8);
    expect(loadAppConfig({ ...base, HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS: '16' }).cluster.maxParallelCommands).toBe(16);
    for (const refused of ['0', '65', 'many']) {
      expect(() => loadAppConfig({ ...base, HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS: refused })).toThrow(/HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS/);
    }
  });
});
