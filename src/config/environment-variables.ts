import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { SchedulerType } from '../simulation/scheduler-type.enum';

/**
 * `true`/`1` and `false`/`0`, read from the raw variable (`obj[key]`): with implicit conversion, `value` has already
 * been through Boolean(), which makes the string "false" true.
 */
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown => {
  const raw = obj[key];
  return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
};

/** The units LSF_UNIT_FOR_LIMITS (lsf.conf) may name; LSF's units are binary (1 MB = 1024 KB). */
export const LSF_LIMIT_UNITS = ['KB', 'MB', 'GB', 'TB', 'PB'] as const;
export type LsfLimitUnit = (typeof LSF_LIMIT_UNITS)[number];

/** Grid Engine object names (PEs, complexes): no leading digit, none of `/ : @ \\ * ?`, no whitespace (sge_types(1)). */
const GRID_ENGINE_OBJECT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** Every setting the service reads from its environment; validated once at boot. */
export class EnvironmentVariables {
  /** Address to bind; 127.0.0.1 unless you mean to expose the service. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HFSS_JM_HOST?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65_535)
  HFSS_JM_PORT?: number;

  /** Where the SQLite database, job logs and work directories live. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HFSS_JM_DATA_DIR?: string;

  /** Default `ansysedt` executable for configs that name none. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HFSS_JM_ANSYSEDT_PATH?: string;

  /** Scratch directory of the solvers; its free space is one admission limit. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HFSS_JM_TEMP_DIR?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_024)
  HFSS_JM_MAX_CONCURRENT_JOBS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  HFSS_JM_MAX_CPU_PERCENT?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  HFSS_JM_MIN_FREE_MEMORY_MB?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  HFSS_JM_MIN_FREE_DISK_MB?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  HFSS_JM_TELEMETRY_INTERVAL_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  HFSS_JM_KILL_GRACE_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  HFSS_JM_DRAIN_TIMEOUT_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(600_000)
  HFSS_JM_LOCAL_POLL_INTERVAL_MS?: number;

  /** How often each cluster scheduler is asked, in one batched call, for the state of all tracked jobs. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HFSS_JM_SCHEDULER_POLL_INTERVAL_MS?: number;

  /** A scheduler command (sbatch, squeue, …) running longer than this is killed and counted as a failure. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS?: number;

  /** Scheduler commands (submit, poll, cancel, lookup) in flight at once, per scheduler. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS?: number;

  /**
   * A batch's cluster jobs whose scheduler directives are all the same go to the scheduler as one job array (SLURM
   * `sbatch --array`, Grid Engine `qsub -t`): one submit command per up to 1,000 jobs. `false` submits every job on
   * its own.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  HFSS_JM_SCHEDULER_JOB_ARRAYS?: boolean;

  /** Upper bound of the poll back-off while a scheduler keeps failing. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HFSS_JM_SCHEDULER_MAX_BACKOFF_MS?: number;

  /** How often running jobs' solver logs are read for progress (job_progress events). */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60_000)
  HFSS_JM_PROGRESS_INTERVAL_MS?: number;

  /** Socket.IO events kept for clients that reconnect and ask to catch up. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  HFSS_JM_EVENT_BUFFER_SIZE?: number;

  /** Largest project upload accepted by POST /projects, in MiB (default 4096). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_048_576)
  HFSS_JM_MAX_UPLOAD_MB?: number;

  /**
   * Where uploaded projects are kept and where each job that uses one gets its own copy (default
   * `<data dir>/staging`). For cluster jobs it must be on a filesystem the compute nodes see.
   */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_STAGING_DIR?: string;

  /** Terminal jobs (completed, failed, cancelled, timed out) older than this many days are deleted with their work dirs. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  HFSS_JM_RETENTION_DAYS?: number;

  /** At most this many terminal jobs are kept; the oldest beyond it are deleted with their work dirs. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  HFSS_JM_RETENTION_MAX_JOBS?: number;

  /** How often the retention policy runs, in ms (default 600000; it prunes in small batches between other work). */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  HFSS_JM_RETENTION_INTERVAL_MS?: number;

  /**
   * Where cluster jobs' work directories go (`<dir>/jobs/<jobid>`): a share the compute nodes see, e.g.
   * `\\server\share\hfss` for Windows HPC. Unset = under HFSS_JM_DATA_DIR. The SQLite store stays in HFSS_JM_DATA_DIR.
   */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_CLUSTER_WORK_DIR?: string;

  /** Grid Engine's accounting file (final records of finished jobs); default `$SGE_ROOT/$SGE_CELL/common/accounting`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_SGE_ACCOUNTING_FILE?: string;

  /**
   * Further variables (separated by ',') passed from the service's environment to every cluster job, on top of the
   * built-in allow-list (PATH, HOME, USER, LOGNAME, LANG, LC_ALL, TZ and the Ansys licence/installation variables).
   * A trailing `*` passes a prefix (`MYSITE_*`). HFSS_JM_* variables can never be passed.
   */
  @IsOptional()
  @IsString()
  @Matches(/^\s*[A-Za-z_][A-Za-z0-9_]*\*?\s*(?:,\s*[A-Za-z_][A-Za-z0-9_]*\*?\s*)*$/, {
    message: 'HFSS_JM_JOB_ENV_PASSTHROUGH must be a comma-separated list of variable names (a trailing * passes a prefix)',
  })
  HFSS_JM_JOB_ENV_PASSTHROUGH?: string;

  /** Grid Engine parallel environment for jobs on one node (allocation_rule $pe_slots); default `smp`. */
  @IsOptional()
  @IsString()
  @Matches(GRID_ENGINE_OBJECT_NAME, { message: 'HFSS_JM_SGE_PE_SMP must be a Grid Engine object name' })
  HFSS_JM_SGE_PE_SMP?: string;

  /** Grid Engine parallel environment for jobs spanning nodes (a fixed or $fill_up allocation_rule); default `mpi`. */
  @IsOptional()
  @IsString()
  @Matches(GRID_ENGINE_OBJECT_NAME, { message: 'HFSS_JM_SGE_PE_MPI must be a Grid Engine object name' })
  HFSS_JM_SGE_PE_MPI?: string;

  /** Grid Engine boolean complex that requests a whole host (`exclusive=true`); default `exclusive`. */
  @IsOptional()
  @IsString()
  @Matches(GRID_ENGINE_OBJECT_NAME, { message: 'HFSS_JM_SGE_EXCLUSIVE_COMPLEX must be a Grid Engine complex name' })
  HFSS_JM_SGE_EXCLUSIVE_COMPLEX?: string;

  /** Grid Engine consumable complex counting GPUs per slot (`gpu=N`); default `gpu`. */
  @IsOptional()
  @IsString()
  @Matches(GRID_ENGINE_OBJECT_NAME, { message: 'HFSS_JM_SGE_GPU_COMPLEX must be a Grid Engine complex name' })
  HFSS_JM_SGE_GPU_COMPLEX?: string;

  /** The unit of LSF's memory limits and rusage on the cluster (lsf.conf LSF_UNIT_FOR_LIMITS); default `MB`, what LSF 10.1's installer writes. */
  @IsOptional()
  @IsIn(LSF_LIMIT_UNITS)
  HFSS_JM_LSF_UNIT_FOR_LIMITS?: LsfLimitUnit;

  /** Grid Engine installation root, as set by its settings.sh (Debian: /var/lib/gridengine). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  SGE_ROOT?: string;

  /** Grid Engine cell name (default `default`). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  SGE_CELL?: string;

  /** `full` (default) fsyncs every commit; `normal` survives a process crash but not a power loss. */
  @IsOptional()
  @IsIn(['full', 'normal'])
  HFSS_JM_SQLITE_SYNCHRONOUS?: 'full' | 'normal';

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  HFSS_JM_LOG_LEVEL?: 'error' | 'warn' | 'log' | 'debug' | 'verbose';

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  HFSS_JM_SWAGGER?: boolean;

  /** `json` (pino, one object per line) or `text` (Nest's console format, for people at a terminal). */
  @IsOptional()
  @IsIn(['json', 'text'])
  HFSS_JM_LOG_FORMAT?: 'json' | 'text';

  /** Bearer token required on REST and Socket.IO when set; mandatory when binding beyond loopback. */
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{16,512}$/, { message: 'HFSS_JM_API_TOKEN must be 16-512 printable characters without spaces' })
  HFSS_JM_API_TOKEN?: string;

  /** A file holding the bearer token (a Compose or Kubernetes secret); read once at boot, trailing newline trimmed. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_API_TOKEN_FILE?: string;

  /** Comma-separated origins (`https://portal.example.com`) whose pages may call the API cross-origin (CORS); unset = none. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_ALLOWED_ORIGINS?: string;

  /** Comma-separated names the service may be reached by (Host header) besides loopback and the bound address. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_ALLOWED_HOSTS?: string;

  /** Explicitly allow listening beyond loopback without a token (behind a trusted proxy that authenticates). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  HFSS_JM_ALLOW_UNAUTHENTICATED?: boolean;

  /** Directories (separated by ':', ';' on Windows) that projects must lie in, after resolving symlinks; unset = anywhere. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_PROJECT_ROOTS?: string;

  /** Directories (separated by ':', ';' on Windows) that a client-given ansys_edt_path must lie in; unset = anywhere. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HFSS_JM_EXECUTABLE_ROOTS?: string;

  /** Scheduler for submissions without `scheduler_type`; `none` (local) by default. */
  @IsOptional()
  @IsEnum(SchedulerType)
  HFSS_JM_DEFAULT_SCHEDULER?: SchedulerType;

  /** Migration aid for PyEDB clients, which send `scheduler_type: "none"` on clusters: send those to the default scheduler. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  HFSS_JM_OVERRIDE_SCHEDULER_NONE?: boolean;
}
