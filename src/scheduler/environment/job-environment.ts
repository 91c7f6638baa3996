/**
 * What a job (and a scheduler command) may see of the service's environment.
 *
 * Jobs get a minimal, documented environment: the variables below that are set in the service's environment, plus
 * the ones the operator names in HFSS_JM_JOB_ENV_PASSTHROUGH. Every backend passes exactly that list to the
 * scheduler (SLURM `--export=<names>`, Grid Engine and PBS `-v <names>`, LSF `-env <names>`, HPC Pack `/env:`),
 * so nothing else of the service's environment reaches a compute node. The service's own settings and secrets
 * (every `HFSS_JM_*` variable, HFSS_JM_API_TOKEN first) are never passed, whatever the operator lists.
 */
import { serviceProcessEnvironment } from '../../config/process-environment';

/** Always passed when set: what a POSIX login shell and the Ansys Electronics Desktop launcher need. */
export const POSIX_JOB_ENVIRONMENT = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ'] as const;

/**
 * Ansys installation and licensing, passed when set (to POSIX nodes): the licence server
 * (`ANSYSLMD_LICENSE_FILE`, FlexLM's `LM_LICENSE_FILE`), the licensing interconnect (`ANSYSLI_SERVERS`) and
 * the installation roots `ANSYSEM_ROOT<version>` (e.g. ANSYSEM_ROOT251). A trailing `*` matches a prefix.
 */
export const ANSYS_JOB_ENVIRONMENT = ['ANSYSLMD_LICENSE_FILE', 'LM_LICENSE_FILE', 'ANSYSLI_SERVERS', 'ANSYSEM_ROOT*'] as const;

/** The service's settings and secrets: never passed to a job or a scheduler command. */
export const SERVICE_VARIABLE_PREFIX = 'HFSS_JM_';

/** An entry of HFSS_JM_JOB_ENV_PASSTHROUGH: a variable name, or a prefix ending in `*`. */
export const ENVIRONMENT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

/** Only plain names are passed (not `BASH_FUNC_module%%`, bash's exported functions). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isServiceVariable(name: string): boolean {
  return name.toUpperCase().startsWith(SERVICE_VARIABLE_PREFIX);
}

function matches(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * The job's environment, name → value, from `env` (the service's): the allow-list for the compute nodes' platform
 * plus the operator's passthrough list, only variables that are set, sorted by name, never a service variable.
 */
export function jobEnvironment(
  passthrough: readonly string[],
  env: NodeJS.ProcessEnv = serviceProcessEnvironment(),
  platform: 'posix' | 'windows' = 'posix',
): Record<string, string> {
  // Windows HPC nodes keep their own PATH, profile and Ansys/licence settings: only what the operator names goes there.
  const patterns = [...(platform === 'posix' ? [...POSIX_JOB_ENVIRONMENT, ...ANSYS_JOB_ENVIRONMENT] : []), ...passthrough];
  const names = Object.keys(env)
    .filter((name) => VARIABLE_NAME.test(name) && env[name] !== undefined && !isServiceVariable(name) && patterns.some((pattern) => matches(name, pattern)))
    .sort();
  return Object.fromEntries(names.map((name) => [name, env[name]!]));
}

/**
 * The environment a scheduler command (sbatch, qsub, bsub, job…) runs with: the service's, without any of its
 * own `HFSS_JM_*` variables. Client settings (SLURM_CONF, SGE_ROOT, LSF_ENVDIR, PBS_CONF_FILE, MODULEPATH for
 * `module`-loading wrappers, Kerberos tickets…) stay, so site wrappers keep working; what reaches the job is only
 * the explicit list each backend writes (see jobEnvironment), never this whole environment.
 */
export function schedulerCommandEnvironment(env: NodeJS.ProcessEnv = serviceProcessEnvironment()): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => value !== undefined && !isServiceVariable(name)));
}
