import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsSingleLine } from '../common/validation/safe-text';

/** `Microsoft` and `Open MPI` are PyEDB's spellings (what its clients send), kept beside the older `MSMPI` / `OpenMPI`. */
export const MPI_VENDORS = ['Intel', 'MSMPI', 'Microsoft', 'OpenMPI', 'Open MPI', 'MPICH', 'PlatformMPI', 'Default'] as const;
export const PROCESS_PRIORITIES = ['Normal', 'Low', 'High', 'Idle'] as const;
export const REMOTE_SPAWN_COMMANDS = ['Scheduler', 'SSH', 'RSH'] as const;
export const HPC_LICENSE_TYPES = ['Pack', 'Pool'] as const;

/** HFSS solver flags passed through `-batchoptions`, mirroring pyedb's `HFSS3DLayoutBatchOptions`. */
export class HFSS3DLayoutBatchOptions {
  /** Generate the initial mesh. */
  @IsBoolean()
  create_starting_mesh: boolean = false;

  /** Operating-system priority of the solver processes. */
  @IsIn(PROCESS_PRIORITIES)
  default_process_priority: (typeof PROCESS_PRIORITIES)[number] = 'Normal';

  /** GPU acceleration. */
  @IsBoolean()
  enable_gpu: boolean = false;

  /** MPI implementation (Intel MPI, Microsoft MPI, Open MPI, MPICH, Platform MPI). */
  @IsIn(MPI_VENDORS)
  mpi_vendor: (typeof MPI_VENDORS)[number] = process.platform === 'win32' ? 'Intel' : 'OpenMPI';

  /** MPI version string. */
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'mpi_version must be a plain version string' })
  mpi_version: string = 'Default';

  /** How remote solver processes are started. */
  @IsIn(REMOTE_SPAWN_COMMANDS)
  remote_spawn_command: (typeof REMOTE_SPAWN_COMMANDS)[number] = 'Scheduler';

  /** Skip the frequency sweep. */
  @IsBoolean()
  solve_adaptive_only: boolean = false;

  /** Check the setup only, do not solve. */
  @IsBoolean()
  validate_only: boolean = false;

  /** Scratch directory of the solver; the service's temp directory when absent. */
  @IsOptional() @IsString() @MaxLength(1024) @IsSingleLine()
  @Matches(/^[^'"]+$/, { message: "temp_directory must not contain quotes (it is quoted inside -batchoptions)" })
  temp_directory?: string;

  /** HPC licence type. */
  @IsOptional() @IsIn(HPC_LICENSE_TYPES)
  hpc_license_type?: (typeof HPC_LICENSE_TYPES)[number];

  /** Cores per distributed task. */
  @IsOptional() @IsInt() @Min(1) @Max(1_024)
  num_cores_per_distributed_task?: number;
}
