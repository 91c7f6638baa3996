import { spawn } from 'node:child_process';
import { constants } from 'node:os';

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

/** Ends a whole process group (POSIX) or process tree (Windows); a group that is already gone is fine. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], {
      stdio: 'ignore',
      windowsHide: true,
    }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every member already exited
  }
}

/** The exit status a shell would report for a death by `signal` (128 + its number). */
export function shellStatusOfSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Runs a command with an argument array (never a shell) as the leader of its own process group, so that the
 * timeout ends everything it started: a wrapper script (a `module load` shim in front of `qsub`) whose child keeps
 * stdout open cannot hold a request. On timeout the group gets SIGTERM, then SIGKILL after `killGraceMs`, and the
 * answer comes as soon as the leader is gone, the pipes closed whatever still holds them. A command that exits normally while a child of it keeps the pipes open
 * is answered `drainMs` later with what it wrote, and its group is sent SIGTERM.
 */
export function runInProcessGroup(command: string, args: readonly string[], options: GroupRunOptions): Promise<GroupRunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timers: NodeJS.Timeout[] = [];
    let timedOut = false;
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

    const finish = (result: GroupRunResult): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      child.stdout.destroy();
      child.stderr.destroy();
      child.stdin.destroy();
      resolve(result);
    };
    const answer = (): void => {
      const text = {
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
      };
      finish(
        timedOut
          ? { kind: 'timed-out', ...text }
          : {
              kind: 'exited',
              ...text,
              exitCode: exit?.code ?? null,
              signal: exit?.signal ?? null,
            },
      );
    };

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined); // EPIPE: the command does not read its input
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish({ kind: 'not-found' });
      else {
        stderr.push(Buffer.from(String(error.message)));
        answer();
      }
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Pipes normally close right after; a child that inherited them gets drainMs, then its group is ended.
      if (timedOut) {
        answer();
        return;
      }
      // The command answered: its result is known, whatever a child still holding the pipes does.
      clearTimeout(timeout);
      timers.push(
        setTimeout(() => {
          if (child.pid !== undefined) signalGroup(child.pid, 'SIGTERM');
          answer();
        }, options.drainMs),
      );
    });
    child.on('close', answer);

    const timeout = setTimeout(() => {
      timedOut = true;
      if (child.pid === undefined) return;
      const pid = child.pid;
      signalGroup(pid, 'SIGTERM');
      // Not cleared by the answer: members that ignore SIGTERM are killed even after the caller was told.
      setTimeout(() => signalGroup(pid, 'SIGKILL'), options.killGraceMs).unref();
      // A leader that ignores SIGTERM (or is stuck in the kernel) does not hold the answer past the SIGKILL.
      timers.push(setTimeout(answer, options.killGraceMs + 1_000));
    }, options.timeoutMs);
    timers.push(timeout);

    child.stdin.end(options.input ?? '');
  });
}
