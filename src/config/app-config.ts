import { tmpdir } from 'node:os';
import { realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { batchFileProblem, isNetworkPath, pathListDelimiter } from '../platform/paths';
import { isServiceVariable, SERVICE_VARIABLE_PREFIX } from '../scheduler/environment/job-environment';
import { SchedulerType } from '../simulation/scheduler-type.enum';
import { EnvironmentVariables, LsfLimitUnit } from './environment-variables';
import { InvalidConfigurationError, parseAllowedHosts, parseAllowedOrigins, readApiToken } from './web-access-settings';

export { InvalidConfigurationError };

export interface ResourceLimits {
  maxConcurrentJobs: number;
  /** Admission stops while host CPU load is above this percentage. */
  maxCpuPercent: number;
  /** Admission stops while free memory is below this many MiB. */
  minFreeMemoryMb: number;
  /** Admission stops while free disk in the temp directory is below this many MiB. */
  minFreeDiskMb: number;
}

export interface AppConfig {
  server: { host: string; port: number; swagger: boolean };
  /** `clusterWorkDir`: where cluster jobs' work dirs go (a share the nodes see); the SQLite store stays in `dataDir`. */
  storage: { dataDir: string; clusterWorkDir?: string; synchronous: 'full' | 'normal' };
  solver: { ansysEdtPath: string; tempDir: string };
  /** Uploaded projects and the per-job copies of them. */
  staging: { dir: string; maxUploadBytes: number };
  limits: ResourceLimits;
  /** Pruning of terminal jobs: by age (days) and/or count; neither set = keep everything. */
  retention: { maxAgeDays?: number; maxJobs?: number; intervalMs: number };
  telemetry: { intervalMs: number };
  progress: { intervalMs: number };
  events: { bufferSize: number };
  runner: { killGraceMs: number; drainTimeoutMs: number; localPollIntervalMs: number };
  /** `maxParallelCommands`: scheduler operations (submit, poll, cancel, lookup) in flight at once per scheduler. */
  cluster: { pollIntervalMs: number; commandTimeoutMs: number; maxBackoffMs: number; maxParallelCommands: number; jobArrays: boolean };
  gridEngine: GridEngineSettings;
  /** Variables (names, or prefixes ending in `*`) passed to cluster jobs on top of the built-in allow-list. */
  jobEnvironment: { passthrough: string[] };
  lsf: { unitForLimits: LsfLimitUnit };
  security: SecurityConfig;
  /** Which scheduler a submission goes to when it names none (HFSS_JM_DEFAULT_SCHEDULER, HFSS_JM_OVERRIDE_SCHEDULER_NONE). */
  submissions: { defaultScheduler: SchedulerType; overrideNone: boolean };
  logLevel: EnvironmentVariables['HFSS_JM_LOG_LEVEL'] & string;
  logFormat: 'json' | 'text';
}

export interface GridEngineSettings {
  accountingFile: string;
  /** Parallel environments: `smp` for one node ($pe_slots), `mpi` for jobs spanning nodes. */
  parallelEnvironments: { smp: string; mpi: string };
  /** Site complex names for whole-host and GPU requests. */
  complexes: { exclusive: string; gpu: string };
}

export interface SecurityConfig {
  /** Required as `Authorization: Bearer <token>` (REST) or `auth: { token }` (Socket.IO) when set. Never logged. */
  apiToken?: string;
  /** Absolute, symlink-free directories projects must lie in; empty = anywhere. */
  projectRoots: string[];
  /** Directories a client-given ansys_edt_path must lie in; empty = anywhere. */
  executableRoots: string[];
  /** Origins (normalized, e.g. `https://portal.example.com`) allowed cross-origin on REST (CORS) and Socket.IO; empty = none. */
  allowedOrigins: string[];
  /** Host header names accepted besides loopback and the bound address (`.domain` = domain and subdomains, `*` = any). */
  allowedHosts: string[];
}

const LOOPBACK_HOSTS = /^(127(?:\.\d{1,3}){3}|::1|localhost)$/i;

function directoryList(value: string | undefined, variable: string): string[] {
  const dirs = (value ?? '')
    .split(pathListDelimiter())
    .map((dir) => dir.trim())
    .filter(Boolean);
  const relative = dirs.filter((dir) => !isAbsolute(dir));
  if (relative.length > 0) {
    throw new InvalidConfigurationError(`Invalid configuration: ${variable} must list absolute directories (got ${relative.join(', ')})`);
  }
  return dirs.map((dir) => {
    try {
      return realpathSync(dir);
    } catch {
      throw new InvalidConfigurationError(`Invalid configuration: ${variable} names ${dir}, which does not exist`);
    }
  });
}

/** HFSS_JM_DATA_DIR, which holds the SQLite store: a network share (UNC) would corrupt it, so it must be local. */
function localDataDir(value: string | undefined): string {
  const dir = resolve(value ?? 'data');
  if (isNetworkPath(dir)) {
    throw new InvalidConfigurationError(
      `Invalid configuration: HFSS_JM_DATA_DIR ${dir} is a network share; SQLite needs a local disk (put cluster work dirs on the share with HFSS_JM_CLUSTER_WORK_DIR)`,
    );
  }
  return dir;
}

/** HFSS_JM_ANSYSEDT_PATH; a batch file is refused at boot on Windows rather than failing at every launch. */
function solverPath(path: string): string {
  const problem = process.platform === 'win32' ? batchFileProblem(path) : undefined;
  if (problem) {
    throw new InvalidConfigurationError(`Invalid configuration: HFSS_JM_ANSYSEDT_PATH ${problem}`);
  }
  return path;
}

function clusterWorkDir(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isAbsolute(value)) {
    throw new InvalidConfigurationError(`Invalid configuration: HFSS_JM_CLUSTER_WORK_DIR must be an absolute directory (got ${value})`);
  }
  return resolve(value);
}

/** HFSS_JM_JOB_ENV_PASSTHROUGH as names; the service's own variables are refused, never silently dropped. */
function passthroughList(value: string | undefined): string[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const own = names.filter((name) => isServiceVariable(name) || (name.endsWith('*') && SERVICE_VARIABLE_PREFIX.startsWith(name.slice(0, -1).toUpperCase())));
  if (own.length > 0) {
    throw new InvalidConfigurationError(
      `Invalid configuration: HFSS_JM_JOB_ENV_PASSTHROUGH may not pass the service's own variables (${own.join(', ')}): they hold its secrets`,
    );
  }
  return names;
}

/** Validates the raw environment once and returns the typed configuration every provider reads. */
export function loadAppConfig(raw: Record<string, string | undefined>): AppConfig {
  const env = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: true, excludeExtraneousValues: false });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new InvalidConfigurationError(`Invalid configuration: ${messages.join('; ')}`);
  }
  const host = env.HFSS_JM_HOST ?? '127.0.0.1';
  const apiToken = readApiToken(env.HFSS_JM_API_TOKEN, env.HFSS_JM_API_TOKEN_FILE);
  if (!LOOPBACK_HOSTS.test(host) && !apiToken && !env.HFSS_JM_ALLOW_UNAUTHENTICATED) {
    throw new InvalidConfigurationError(
      `Invalid configuration: refusing to listen on ${host} without HFSS_JM_API_TOKEN: anyone who can reach the port could run solves. ` +
        'Set HFSS_JM_API_TOKEN (or HFSS_JM_API_TOKEN_FILE), bind 127.0.0.1, or set HFSS_JM_ALLOW_UNAUTHENTICATED=true behind a proxy that authenticates.',
    );
  }
  const defaultScheduler = env.HFSS_JM_DEFAULT_SCHEDULER ?? SchedulerType.NONE;
  if (env.HFSS_JM_OVERRIDE_SCHEDULER_NONE && defaultScheduler === SchedulerType.NONE) {
    throw new InvalidConfigurationError('Invalid configuration: HFSS_JM_OVERRIDE_SCHEDULER_NONE needs HFSS_JM_DEFAULT_SCHEDULER set to a cluster scheduler');
  }
  return {
    server: { host, port: env.HFSS_JM_PORT ?? 8080, swagger: env.HFSS_JM_SWAGGER ?? true },
    storage: {
      dataDir: localDataDir(env.HFSS_JM_DATA_DIR),
      clusterWorkDir: clusterWorkDir(env.HFSS_JM_CLUSTER_WORK_DIR),
      synchronous: env.HFSS_JM_SQLITE_SYNCHRONOUS ?? 'full',
    },
    solver: { ansysEdtPath: solverPath(env.HFSS_JM_ANSYSEDT_PATH ?? 'ansysedt'), tempDir: resolve(env.HFSS_JM_TEMP_DIR ?? tmpdir()) },
    staging: {
      dir: resolve(env.HFSS_JM_STAGING_DIR ?? join(resolve(env.HFSS_JM_DATA_DIR ?? 'data'), 'staging')),
      maxUploadBytes: (env.HFSS_JM_MAX_UPLOAD_MB ?? 4096) * 1024 * 1024,
    },
    retention: { maxAgeDays: env.HFSS_JM_RETENTION_DAYS, maxJobs: env.HFSS_JM_RETENTION_MAX_JOBS, intervalMs: env.HFSS_JM_RETENTION_INTERVAL_MS ?? 600_000 },
    limits: {
      maxConcurrentJobs: env.HFSS_JM_MAX_CONCURRENT_JOBS ?? 2,
      maxCpuPercent: env.HFSS_JM_MAX_CPU_PERCENT ?? 90,
      minFreeMemoryMb: env.HFSS_JM_MIN_FREE_MEMORY_MB ?? 1_024,
      minFreeDiskMb: env.HFSS_JM_MIN_FREE_DISK_MB ?? 1_024,
    },
    telemetry: { intervalMs: env.HFSS_JM_TELEMETRY_INTERVAL_MS ?? 5_000 },
    progress: { intervalMs: env.HFSS_JM_PROGRESS_INTERVAL_MS ?? 1_000 },
    events: { bufferSize: env.HFSS_JM_EVENT_BUFFER_SIZE ?? 10_000 },
    runner: {
      killGraceMs: env.HFSS_JM_KILL_GRACE_MS ?? 5_000,
      drainTimeoutMs: env.HFSS_JM_DRAIN_TIMEOUT_MS ?? 30_000,
      localPollIntervalMs: env.HFSS_JM_LOCAL_POLL_INTERVAL_MS ?? 1_000,
    },
    cluster: {
      pollIntervalMs: env.HFSS_JM_SCHEDULER_POLL_INTERVAL_MS ?? 15_000,
      commandTimeoutMs: env.HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS ?? 30_000,
      maxBackoffMs: env.HFSS_JM_SCHEDULER_MAX_BACKOFF_MS ?? 300_000,
      maxParallelCommands: env.HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS ?? 8,
      jobArrays: env.HFSS_JM_SCHEDULER_JOB_ARRAYS ?? true,
    },
    gridEngine: {
      accountingFile: resolve(env.HFSS_JM_SGE_ACCOUNTING_FILE ?? `${env.SGE_ROOT ?? '/var/lib/gridengine'}/${env.SGE_CELL ?? 'default'}/common/accounting`),
      parallelEnvironments: { smp: env.HFSS_JM_SGE_PE_SMP ?? 'smp', mpi: env.HFSS_JM_SGE_PE_MPI ?? 'mpi' },
      complexes: { exclusive: env.HFSS_JM_SGE_EXCLUSIVE_COMPLEX ?? 'exclusive', gpu: env.HFSS_JM_SGE_GPU_COMPLEX ?? 'gpu' },
    },
    jobEnvironment: { passthrough: passthroughList(env.HFSS_JM_JOB_ENV_PASSTHROUGH) },
    lsf: { unitForLimits: env.HFSS_JM_LSF_UNIT_FOR_LIMITS ?? 'MB' },
    security: {
      apiToken,
      projectRoots: directoryList(env.HFSS_JM_PROJECT_ROOTS, 'HFSS_JM_PROJECT_ROOTS'),
      executableRoots: directoryList(env.HFSS_JM_EXECUTABLE_ROOTS, 'HFSS_JM_EXECUTABLE_ROOTS'),
      allowedOrigins: parseAllowedOrigins(env.HFSS_JM_ALLOWED_ORIGINS),
      allowedHosts: parseAllowedHosts(env.HFSS_JM_ALLOWED_HOSTS),
    },
    submissions: { defaultScheduler, overrideNone: env.HFSS_JM_OVERRIDE_SCHEDULER_NONE ?? false },
    logLevel: env.HFSS_JM_LOG_LEVEL ?? 'log',
    logFormat: env.HFSS_JM_LOG_FORMAT ?? 'json',
  };
}
