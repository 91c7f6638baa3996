#!/usr/bin/env node
'use strict';
/*
 * Supervises one local solve. It is the leader of the job's process group, outlives a crash of the service,
 * and records what the service needs to recover exactly once:
 *   supervisor.json  its own pid, written first;
 *   launch.lock      created with O_EXCL right before the solver starts: whoever creates it first (this process,
 *                    or a restarted service that found the job unstarted) decides whether the solver runs;
 *   exit.json        the solver's exit code or signal, written atomically when it ends.
 * Usage: node solver-supervisor.cjs <launch.json>; launch.json holds { argv, cwd, logPath, files: {...} }.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const EXIT_LOCK_TAKEN = 75;

function writeAtomically(path, value) {
  const temporary = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value));
  fs.renameSync(temporary, path);
}

const launch = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { files } = launch;
writeAtomically(files.supervisor, { pid: process.pid, startedAt: Date.now() });

try {
  fs.writeFileSync(files.lock, String(process.pid), { flag: 'wx' });
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

function finish(result) {
  if (finished) return;
  finished = true;
  writeAtomically(files.exit, { ...result, endedAt: Date.now() });
  process.exit(0);
}

solver.on('spawn', () => writeAtomically(files.solver, { pid: solver.pid, startedAt: Date.now() }));
solver.on('error', (error) => {
  fs.writeSync(log, `[job-manager] could not start ${launch.argv[0]}: ${error.message}\n`);
  finish({ exitCode: null, signal: null, error: `could not start ${launch.argv[0]}: ${error.message}` });
});
solver.on('exit', (exitCode, signal) => finish({ exitCode, signal }));
