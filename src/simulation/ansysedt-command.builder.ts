import { HFSSSimulationConfig } from './hfss-simulation-config.dto';
import { MachineNode } from './machine-node.dto';
import { SchedulerOptions } from './scheduler-options.dto';
import { SchedulerType } from './scheduler-type.enum';

export interface AnsysEdtCommandContext {
  /** The `ansysedt` executable: the config's own, else the service default. */
  executable: string;
  /** Scratch directory for `TempDirectory` when the config names none. */
  defaultTempDirectory: string;
}

/** `host:tasks:cores:RAM%` entries joined for `-machinelist list=…`. */
export function formatMachineList(nodes: readonly MachineNode[]): string {
  return `list=${nodes.map((node) => `${node.hostname}:${node.cores}:${node.max_cores}:${node.utilization}%`).join(',')}`;
}

/**
 * Cores a cluster job gets on each node: cores_per_node, else one per task. Every backend requests exactly this
 * (SLURM tasks × CPUs per task, Grid Engine slots, LSF ptile, PBS ncpus, HPC Pack cores), so that the allocation
 * and ansysedt's numcores agree; a shape a scheduler cannot allocate exactly is refused by its renderer.
 */
export function clusterCoresPerNode(options: Pick<SchedulerOptions, 'cores_per_node' | 'tasks_per_node'>): number {
  return options.cores_per_node > 0 ? options.cores_per_node : options.tasks_per_node;
}

/** Total cores a cluster job asks for, ansysedt's `numcores`: nodes × clusterCoresPerNode. */
export function clusterCoreCount(config: HFSSSimulationConfig): number {
  const options = config.scheduler_options;
  return options.nodes * clusterCoresPerNode(options);
}

/** Key/value pairs for `-batchoptions`, in a fixed order. */
export function batchOptionEntries(config: HFSSSimulationConfig, defaultTempDirectory: string): Array<[string, string]> {
  const layout = config.layout_options;
  const prefix = config.solver === 'HFSS' ? 'HFSS' : 'HFSS 3D Layout Design';
  const flag = (value: boolean): string => (value ? '1' : '0');
  const entries: Array<[string, string]> = [
    [`${prefix}/CreateStartingMesh`, flag(layout.create_starting_mesh)],
    [`${prefix}/DefaultProcessPriority`, layout.default_process_priority],
    [`${prefix}/EnableGPU`, flag(layout.enable_gpu)],
    [`${prefix}/MPIVendor`, layout.mpi_vendor],
    [`${prefix}/MPIVersion`, layout.mpi_version],
    [`${prefix}/RemoteSpawnCommand`, layout.remote_spawn_command],
    [`${prefix}/SolveAdaptiveOnly`, flag(layout.solve_adaptive_only)],
    [`${prefix}/ValidateOnly`, flag(layout.validate_only)],
  ];
  if (layout.hpc_license_type) {
    entries.push([`${prefix}/HPCLicenseType`, layout.hpc_license_type]);
  }
  if (layout.num_cores_per_distributed_task) {
    entries.push([`${prefix}/NumCoresPerDistributedTask`, String(layout.num_cores_per_distributed_task)]);
  }
  entries.push(['TempDirectory', layout.temp_directory ?? defaultTempDirectory]);
  return entries;
}

/** `'key'='value' 'key'='value'`: one argv element, parsed by ansysedt itself, never by a shell. */
export function formatBatchOptions(entries: ReadonlyArray<[string, string]>): string {
  return entries.map(([key, value]) => `'${key}'='${value}'`).join(' ');
}

/** `design`, `design:mode:setup` or `design:Nominal:setup`. */
export function formatDesignSelector(config: HFSSSimulationConfig): string | undefined {
  if (!config.design_name) {
    return undefined;
  }
  if (!config.setup_name && !config.design_mode) {
    return config.design_name;
  }
  return `${config.design_name}:${config.design_mode || 'Nominal'}:${config.setup_name ?? ''}`;
}

/**
 * The exact `ansysedt` batch command as an argument array, e.g.
 * `ansysedt -ng -monitor -waitforlicense -distributed -machinelist list=h:4:16:90% -auto -batchoptions "…" -batchsolve D1 p.aedt`.
 * It is handed to the process spawner or rendered into a batch script element by element: never joined into a shell string.
 */
export function buildAnsysEdtArgv(config: HFSSSimulationConfig, context: AnsysEdtCommandContext): string[] {
  const argv = [config.ansys_edt_path ?? context.executable];
  if (config.non_graphical) {
    argv.push('-ng');
  }
  if (config.monitor) {
    argv.push('-monitor');
  }
  if (config.wait_for_license) {
    argv.push('-waitforlicense');
  }
  if (config.distributed) {
    const machineList = config.scheduler_type === SchedulerType.NONE ? formatMachineList(config.machine_nodes) : `numcores=${clusterCoreCount(config)}`;
    argv.push('-distributed', '-machinelist', machineList);
  }
  if (config.auto) {
    argv.push('-auto');
  }
  argv.push('-batchoptions', formatBatchOptions(batchOptionEntries(config, context.defaultTempDirectory)));
  argv.push('-batchsolve');
  const design = formatDesignSelector(config);
  if (design !== undefined) {
    argv.push(design);
  }
  if (config.project_path === undefined) {
    // A project_ref is replaced by the job's staged copy before the command is built.
    throw new Error('The command line needs the project path (a project_ref is staged first)');
  }
  argv.push(config.project_path);
  return argv;
}
