#!/usr/bin/env node
'use strict';
/*
 * The job manager's launch spawner: a small long-lived child of the service (started once, forked with an IPC
 * channel), so the service never forks its own, much larger, process on the launch path, and does no file work for a
 * launch beyond creating its directory. It keeps one spare solver supervisor already started (detached: its own
 * process group and session, outliving this process and the service), waiting on its stdin for the path of a
 * launch.json; a launch writes that launch.json (into the directory the service created: the service's record that
 * the attempt exists, so a restarted service can always take its lock first), hands its path to the spare and answers
 * with the spare's pid and start time. The next spare is started once the supervisor just handed a launch has started
 * its solver (a line `started` on its stdout) or ended, so that booting it does not compete with that solver's start.
 * When a supervisor it started has recorded its solver's exit (a line `ended`, right after exit.json) or has exited,
 * whichever comes first, it tells the service at once.
 *   service -> spawner  { id, launch, content }                   launch.json's path and text
 *   spawner -> service  { id, pid, startTime? } | { id, error, code? }   the supervisor that runs it, or why none could
 *                                                                  be started (code: the errno of a failed write)
 *   spawner -> service  { exited: pid }                           a supervisor it started has ended
 * It ends with the service: when the IPC channel closes (the service exited or was killed), it exits, and the spare,
 * whose stdin then ends without a launch, exits too. Usage: fork(launch-spawner.cjs, [supervisor.cjs]).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const supervisorScript = process.argv[2];
let spare;
/** Supervisors handed a launch that have not yet started their solver (nor ended): no new spare meanwhile. */
let starting = 0;

/** The boot-relative start time of a process (/proc/<pid>/stat field 22), as the service's platform reads it. */
function startTimeOf(pid) {
  if (process.platform !== 'linux') {
    return undefined;
  }
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The supervisor handed a launch has started its solver or ended: it no longer holds back the next spare. */
function started(child) {
  if (child.starting) {
    child.starting = false;
    starting--;
    ensureSpare();
  }
}

/** Tells the service, once, that a supervisor it was handed has ended (or has recorded its solver's exit). */
function ended(child) {
  started(child);
  if (!child.reported) {
    child.reported = true;
    child.stdout?.destroy();
    process.send?.({ exited: child.pid });
  }
}

function ensureSpare() {
  if (spare === undefined && starting === 0) {
    spare = startSpare();
  }
}

function startSpare() {
  const child = spawn(process.execPath, [supervisorScript], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
  child.on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  child.stdout.on('error', () => undefined);
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.includes('ended\n')) {
      ended(child);
    } else if (output.includes('started\n')) {
      started(child);
    }
  });
  child.on('exit', () => {
    if (child.assigned) {
      ended(child);
    } else if (spare === child) {
      spare = undefined;
    }
  });
  child.unref();
  return child;
}

function launch(message) {
  try {
    fs.writeFileSync(message.launch, message.content);
  } catch (error) {
    process.send?.({ id: message.id, error: `could not write ${message.launch}: ${error.message}`, code: error.code });
    return;
  }
  const child = spare && spare.exitCode === null && spare.signalCode === null && spare.pid !== undefined ? spare : startSpare();
  spare = undefined;
  if (child.pid === undefined) {
    process.send?.({ id: message.id, error: 'could not start the solver supervisor' });
    ensureSpare();
    return;
  }
  child.assigned = true;
  child.starting = true;
  starting++;
  child.stdin.end(`${message.launch}\n`);
  process.send?.({ id: message.id, pid: child.pid, startTime: startTimeOf(child.pid) });
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
ensureSpare();
