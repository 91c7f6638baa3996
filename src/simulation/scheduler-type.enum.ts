/** Where a job runs: `none` is a local subprocess on this host; the others are batch schedulers. */
export enum SchedulerType {
  NONE = 'none',
  SLURM = 'slurm',
  LSF = 'lsf',
  PBS = 'pbs',
  WINDOWS_HPC = 'windows_hpc',
  GRID_ENGINE = 'grid_engine',
}
