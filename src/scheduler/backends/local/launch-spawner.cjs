#!/usr/bin/env node
'use strict';
/*
 * The job manager's launch spawner: a small long-lived child of the service (started once, forked with an IPC
 * channel), so the service never forks its own, much larger, process on the launch path. It keeps one spare
 * solver supervisor already started (detached: its own process group and session, outliving this process and the
 * service), waiting on its stdin for the path of a launch.json; a launch hands that path to the spare, answers with
 * the spare's pid and starts the next spare. When a supervisor it started exits, it tells the service at once.
 *   service -> spawner  { id, launch }                   launch.json of the attempt to run
 *   spawner -> service  { id, pid } | { id, error }      the supervisor that runs it, or why none could be started
 *   spawner -> service  { exited: pid }                  a supervisor it started has ended
 * It ends with the service: when the IPC channel closes (the service exited or was killed), it exits, and the spare,
 * whose stdin then ends without a launch, exits too. Usage: fork(launch-spawner.cjs, [supervisor.cjs]).
 */
const { spawn } = require('node:child_process');

const supervisorScript = process.argv[2];
let spare;

function startSpare() {
  const child = spawn(process.execPath, [supervisorScript], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  child.on('exit', () => {
    if (child.assigned) {
      process.send?.({ exited: child.pid });
    } else if (spare === child) {
      spare = undefined;
    }
  });
  child.unref();
  return child;
}

function launch(message) {
  const child = spare && spare.exitCode === null && spare.signalCode === null && spare.pid !== undefined ? spare : startSpare();
  spare = undefined;
  if (child.pid === undefined) {
    process.send?.({ id: message.id, error: 'could not start the solver supervisor' });
    return;
  }
  child.assigned = true;
  child.stdin.end(`${message.launch}\n`);
  process.send?.({ id: message.id, pid: child.pid });
  spare = startSpare();
}

process.on('message', (message) => {
  try {
    launch(message);
  } catch (error) {
    process.send?.({ id: message.id, error: `could not start the solver supervisor: ${error.message}` });
  }
});
process.on('disconnect', () => process.exit(0));
// A Ctrl-C reaches the whole foreground group: the service decides when this process ends.
process.on('SIGINT', () => undefined);
spare = startSpare();
