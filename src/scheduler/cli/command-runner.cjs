#!/usr/bin/env node
'use strict';
/*
 * The job manager's scheduler command runner: a small long-lived child of the service (forked once, with an IPC
 * channel), so the service never forks its own, much larger, process for an sbatch / squeue / qsub. Forking a
 * process costs in proportion to its memory, and that cost is paid on the service's event loop: ~11 ms per command
 * for a service of a few hundred MB, against ~1 ms here. Each command runs (types in group-run.ts) with an argument
 * array (never a shell), the leader of its own process group, a hard timeout that ends the whole group (SIGTERM, then
 * SIGKILL after the grace), and an answer `drainMs` after the command exited even while a child of it holds the pipes.
 *   service -> runner  { id, command, args, cwd, env, input, timeoutMs, killGraceMs, drainMs }
 *   runner -> service  { id, started }  the command's pid (its process group), for the service to end it should this runner die
 *   runner -> service  { id, result }   result: { kind: 'exited', stdout, stderr, exitCode, signal } | { kind: 'timed-out', stdout, stderr } | { kind: 'not-found' }
 * It ends with the service: when the IPC channel closes (the service exited or was killed) it ends the process
 * groups of the commands still running and exits. Usage: fork(command-runner.cjs).
 */
const { spawn } = require('node:child_process');

/** Process groups of commands still running, ended if the service goes away. */
const running = new Set();

function signalGroup(pid, signal) {
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every member already exited
  }
}

function run(request, reply) {
  let child;
  try {
    child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (error) {
    reply({ kind: 'exited', stdout: '', stderr: String(error && error.message), exitCode: null, signal: null });
    return;
  }
  const stdout = [];
  const stderr = [];
  const timers = [];
  let timedOut = false;
  let settled = false;
  let exit;
  if (child.pid !== undefined) {
    running.add(child.pid);
    process.send?.({ id: request.id, started: child.pid });
  }

  const finish = (result) => {
    if (settled) return;
    settled = true;
    timers.forEach(clearTimeout);
    child.stdout.destroy();
    child.stderr.destroy();
    child.stdin.destroy();
    reply(result);
  };
  const answer = () => {
    const text = { stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
    finish(timedOut ? { kind: 'timed-out', ...text } : { kind: 'exited', ...text, exitCode: exit ? exit.code : null, signal: exit ? exit.signal : null });
  };

  child.stdout.on('data', (chunk) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  child.stdin.on('error', () => undefined); // EPIPE: the command does not read its input
  child.on('error', (error) => {
    if (error.code === 'ENOENT') finish({ kind: 'not-found' });
    else {
      stderr.push(Buffer.from(String(error.message)));
      answer();
    }
  });
  child.on('exit', (code, signal) => {
    exit = { code, signal };
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
      }, request.drainMs),
    );
  });
  child.on('close', () => {
    running.delete(child.pid);
    answer();
  });

  const timeout = setTimeout(() => {
    timedOut = true;
    if (child.pid === undefined) return;
    const pid = child.pid;
    signalGroup(pid, 'SIGTERM');
    // Not cleared by the answer: members that ignore SIGTERM are killed even after the caller was told.
    setTimeout(() => {
      signalGroup(pid, 'SIGKILL');
      running.delete(pid);
    }, request.killGraceMs);
    // A leader that ignores SIGTERM (or is stuck in the kernel) does not hold the answer past the SIGKILL.
    timers.push(setTimeout(answer, request.killGraceMs + 1_000));
  }, request.timeoutMs);
  timers.push(timeout);

  child.stdin.end(request.input ?? '');
}

process.on('message', (request) => {
  run(request, (result) => process.send?.({ id: request.id, result }));
});
process.on('disconnect', () => {
  // The service is gone: nobody waits for these answers, and nobody would end their groups at the timeout.
  for (const pid of running) signalGroup(pid, 'SIGKILL');
  process.exit(0);
});
// A Ctrl-C reaches the whole foreground group: the service decides when this process ends.
process.on('SIGINT', () => undefined);
