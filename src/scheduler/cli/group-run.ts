import { constants } from 'node:os';

/**
 * What one scheduler command is run with and what it answers. The command itself runs in command-runner.cjs: an
 * argument array (never a shell), the leader of its own process group, so that the timeout ends everything it
 * started (a `module load` wrapper whose child keeps stdout open cannot hold a request): SIGTERM to the group, SIGKILL
 * after `killGraceMs`; a command that exited while a child holds its pipes is answered `drainMs` later.
 */
export interface GroupRunOptions {
  input?: string;
  cwd?: string;
  /** The complete environment of the command (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** After SIGTERM to the group, how long before SIGKILL. */
  killGraceMs: number;
  /** After the command itself exited, how long its pipes may stay open (a background child holding them) before they are closed. */
  drainMs: number;
}

export type GroupRunResult =
  | {
      kind: 'exited';
      stdout: string;
      stderr: string;
      exitCode: number | null;
      signal: NodeJS.Signals | null;
    }
  | { kind: 'timed-out'; stdout: string; stderr: string }
  | { kind: 'not-found' };

/** The exit status a shell would report for a death by `signal` (128 + its number). */
export function shellStatusOfSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
