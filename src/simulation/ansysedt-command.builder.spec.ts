import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAnsysEdtArgv, formatDesignSelector } from './ansysedt-command.builder';
import { parseSimulationConfig } from './simulation-config.validation';

const context = { executable: '/ansys/v251/Linux64/ansysedt', defaultTempDirectory: '/scratch' };

describe('buildAnsysEdtArgv', () => {
  it('should build the exact local batch command with machine list and batch options', () => {
    const config = parseSimulationConfig({
      jobid: 'antenna_001',
      project_path: '/projects/antenna.aedt',
      design_name: 'Board',
      setup_name: 'Setup1',
      machine_nodes: [
        { hostname: 'node1', cores: 4, max_cores: 16, utilization: 90 },
        { hostname: 'node2', cores: 2, max_cores: 8, utilization: 50 },
      ],
      layout_options: { mpi_vendor: 'Intel', hpc_license_type: 'Pool', num_cores_per_distributed_task: 2 },
    });
    expect(buildAnsysEdtArgv(config, context)).toEqual([
      '/ansys/v251/Linux64/ansysedt',
      '-ng',
      '-monitor',
      '-waitforlicense',
      '-distributed',
      '-machinelist',
      'list=node1:4:16:90%,node2:2:8:50%',
      '-auto',
      '-batchoptions',
      "'HFSS 3D Layout Design/CreateStartingMesh'='0' 'HFSS 3D Layout Design/DefaultProcessPriority'='Normal' " +
        "'HFSS 3D Layout Design/EnableGPU'='0' 'HFSS 3D Layout Design/MPIVendor'='Intel' 'HFSS 3D Layout Design/MPIVersion'='Default' " +
        "'HFSS 3D Layout Design/RemoteSpawnCommand'='Scheduler' 'HFSS 3D Layout Design/SolveAdaptiveOnly'='0' " +
        "'HFSS 3D Layout Design/ValidateOnly'='0' 'HFSS 3D Layout Design/HPCLicenseType'='Pool' " +
        "'HFSS 3D Layout Design/NumCoresPerDistributedTask'='2' 'TempDirectory'='/scratch'",
      '-batchsolve',
      'Board:Nominal:Setup1',
      '/projects/antenna.aedt',
    ]);
  });

  it('should ask a cluster job for numcores and honour the per-config executable and flags', () => {
    const config = parseSimulationConfig({
      project_path: '/shared/array.aedb',
      ansys_edt_path: '/opt/AnsysEM/v242/ansysedt',
      solver: 'HFSS',
      scheduler_type: 'slurm',
      scheduler_options: { nodes: 4, cores_per_node: 32 },
      monitor: false,
      wait_for_license: false,
      auto: false,
      layout_options: { temp_directory: '/nvme/tmp', enable_gpu: true },
    });
    const argv = buildAnsysEdtArgv(config, context);
    expect(argv.slice(0, 5)).toEqual(['/opt/AnsysEM/v242/ansysedt', '-ng', '-distributed', '-machinelist', 'numcores=128']);
    expect(argv[6]).toContain("'HFSS/EnableGPU'='1'");
    expect(argv[6]).toContain("'TempDirectory'='/nvme/tmp'");
    expect(argv.slice(-2)).toEqual(['-batchsolve', '/shared/array.aedb']);
  });

  it('should leave out the machine list when not distributed', () => {
    const config = parseSimulationConfig({ project_path: '/p/x.aedt', distributed: false });
    expect(buildAnsysEdtArgv(config, context)).not.toContain('-machinelist');
    expect(buildAnsysEdtArgv(config, context)).not.toContain('-distributed');
  });

  it.each([
    [{ design_name: 'D1' }, 'D1'],
    [{ design_name: 'D1', setup_name: 'S1' }, 'D1:Nominal:S1'],
    [{ design_name: 'D1', design_mode: 'Optimetrics', setup_name: 'S1' }, 'D1:Optimetrics:S1'],
    [{ setup_name: 'S1' }, undefined],
  ])('should format the design selector %j as %s', (fields, expected) => {
    expect(formatDesignSelector(parseSimulationConfig({ project_path: '/p/x.aedt', ...fields }))).toBe(expected);
  });

  it('should pass hostile but valid paths and names through as single arguments that no shell ever sees', () => {
    const dir = mkdtempSync(join(tmpdir(), 'argv-'));
    const printer = join(dir, 'print-argv');
    writeFileSync(printer, '#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n');
    chmodSync(printer, 0o755);
    const hostilePath = `/projects/it's "mine" $(touch ${dir}/pwned) \`id\`; rm -rf x & a.aedt`;
    const config = parseSimulationConfig({ project_path: hostilePath, design_name: 'A $(id) `x` "q"', ansys_edt_path: printer });
    const argv = buildAnsysEdtArgv(config, context);
    const received = execFileSync(argv[0], argv.slice(1)).toString().split('\0').slice(0, -1);
    expect(received).toEqual(argv.slice(1));
    expect(received.at(-1)).toBe(hostilePath);
    expect(received.at(-2)).toBe('A $(id) `x` "q"');
    expect(() => execFileSync('test', ['-e', join(dir, 'pwned')])).toThrow();
  });
});
