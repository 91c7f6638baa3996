#!/usr/bin/env node
'use strict';
/*
 * Supervises one local solve. It is the leader of the job's process group, outlives a crash of the service,
 * and records what the service needs to recover exactly once:
 *   supervisor.json  its own pid, written first;
 *   launch.lock      linked into place (atomic, fails if it exists) right before the solver starts, holding this
 *                    process's pid: whoever creates it first (this process, or a restarted service that found the
 *                    job unstarted, which writes other content or none) decides whether the solver runs;
 *   solver.json      the solver's pid once it runs (best effort: nothing depends on it);
 *   exit.json        the solver's exit code or signal, written atomically when it ends; on a full or failing disk
 *                    the supervisor stays alive and retries until it is written, so the real outcome is kept
 *                    (unless the launch directory itself was removed: then it ends, as nobody can read it).
 * A write that fails before the lock ends the supervisor without starting the solver (the service re-queues the job).
 * Usage: node solver-supervisor.cjs <launch.json>; launch.json holds { argv, cwd, logPath, files: {...} }. Without an
 * argument it is a spare started ahead of time by the launch spawner: it reads the launch.json path, one line, from its
 * stdin, and exits quietly if stdin ends first (the spawner or the service went away before handing it a launch). It
 * tells the spawner on its stdout (lines `started`, once its solver runs, and `ended`, once exit.json is written), so
 * the spawner boots the next spare and reports the end without waiting for this process to exit.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const EXIT_LOCK_TAKEN = 75;
const EXIT_RECORD_RETRY_MS = 500;

function writeAtomically(path, value) {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, JSON.stringify(value));
    fs.renameSync(temporary, path);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Creates `path` holding `content` only if it does not exist yet: the content is there from the first instant. */
function createExclusively(path, content) {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, content);
    fs.linkSync(temporary, path);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The launch.json path given on stdin (blocking reads: this process has nothing else to do meanwhile). */
function readLaunchPathFromStdin() {
  const buffer = Buffer.alloc(4096);
  let text = '';
  while (!text.includes('\n')) {
    let count;
    try {
      count = fs.readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if (error.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      process.exit(0);
    }
    if (count === 0) {
      process.exit(0);
    }
    text += buffer.toString('utf8', 0, count);
  }
  return text.slice(0, text.indexOf('\n'));
}

const launchPath = process.argv[2] ?? readLaunchPathFromStdin();
const launch = JSON.parse(fs.readFileSync(launchPath, 'utf8'));
try {
  process.chdir(launch.cwd);
} catch {
  // the solver's own cwd is set when it is spawned; this only keeps the supervisor out of the spawner's directory
}
const { files } = launch;
writeAtomically(files.supervisor, { pid: process.pid, startedAt: Date.now() });

try {
  createExclusively(files.lock, String(process.pid));
} catch (error) {
  process.exit(error.code === 'EEXIST' ? EXIT_LOCK_TAKEN : 1);
}

// Signals reach the solver through the process group; the supervisor stays to record how it ended.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => undefined);
}

const log = fs.openSync(launch.logPath, 'a');
const solver = spawn(launch.argv[0], launch.argv.slice(1), { cwd: launch.cwd, stdio: ['ignore', log, log] });
let finished = false;

/** A line to the spawner, when it started this process as a spare (otherwise stdout is /dev/null); it may be gone (EPIPE). */
function tellSpawner(line) {
  try {
    fs.writeSync(1, `${line}\n`);
  } catch {
    // nothing depends on it: the spawner also sees this process exit
  }
}

function recordExit(record) {
  try {
    writeAtomically(files.exit, record);
  } catch {
    // The launch dir itself is gone (the job's files or the whole data dir were removed): nobody can read a record
    // any more, and waiting for one would leave this process behind for good.
    if (!fs.existsSync(files.dir)) process.exit(0);
    // ENOSPC, EIO…: keep the outcome in memory and try again; the service sees this process alive meanwhile.
    setTimeout(() => recordExit(record), EXIT_RECORD_RETRY_MS);
    return;
  }
  tellSpawner('ended');
  process.exit(0);
}

function finish(result) {
  if (finished) return;
  finished = true;
  recordExit({ ...result, endedAt: Date.now() });
}

solver.on('spawn', () => {
  try {
    writeAtomically(files.solver, { pid: solver.pid, startedAt: Date.now() });
  } catch {
    // informational only
  }
  tellSpawner('started');
});
solver.on('error', (error) => {
  try {
    fs.writeSync(log, `[job-manager] could not start ${launch.argv[0]}: ${error.message}\n`);
  } catch {
    // the log is on the full disk too
  }
  finish({ exitCode: null, signal: null, error: `could not start ${launch.argv[0]}: ${error.message}` });
});
solver.on('exit', (exitCode, signal) => finish({ exitCode, signal }));
