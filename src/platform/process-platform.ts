/** What differs between POSIX and Windows in running a local solve: liveness (with pid-reuse protection) and tree kill. */
export interface ProcessPlatform {
  readonly name: 'posix' | 'windows';
  /** The OS's creation time of `pid` as an opaque string, recorded at launch; undefined when it cannot be read. */
  startTime(pid: number): Promise<string | undefined>;
  /** True while `pid` exists and (when given) is the process created at `startTime`, not a later one reusing its pid. */
  isAlive(pid: number, startTime?: string): Promise<boolean>;
  /** Ends `rootPid` and all its descendants: a graceful request, then a forced kill after `graceMs`. */
  killTree(rootPid: number, graceMs: number): Promise<void>;
}
