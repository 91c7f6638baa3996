/**
 * The service's own process environment. Configuration is read from it once, by `loadAppConfig`; the only other
 * readers are the code that derives children's environments from it (solvers, scheduler commands: see
 * src/scheduler/environment) and the PATH lookup of executables. ESLint keeps every other file from reading it.
 */
export function serviceProcessEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}
