'use strict';
// Runs one fake LSF job for real, like sbatchd: waits while the job is pending, starts its batch script with bash
// in a session of its own (so bkill can signal the whole process group), records RUN, then the exit status as
// DONE (0) or EXIT (code, or 128 + signal number), the exit reason of a bkill (TERM_OWNER), the bhist events, and
// appends LSF's job report to the output file. SIGUSR2 from bkill starts the SIGINT, SIGTERM, SIGKILL sequence.
const fs = require('node:fs');
const os = require('node:os');
const { spawn } = require('node:child_process');
const lsf = require('./fake-lsf');

const id = Number(process.argv[2]);
// brequeue starts a new wrapper with run + 1: the end of an older run is not the job's end.
const myRun = (lsf.readJob(id) || {}).run || 1;
let child;
let escalation = [];

function kill(signal) {
  const job = lsf.readJob(id);
  if (job && job.pgid) {
    try {
      process.kill(-job.pgid, signal);
    } catch {
      // already gone
    }
  }
}

process.on('SIGUSR2', () => {
  const step = (lsf.readJob(id) || {}).killStepMs || 500;
  kill('SIGINT');
  escalation = [setTimeout(() => kill('SIGTERM'), step), setTimeout(() => kill('SIGKILL'), 2 * step)];
});

function report(job) {
  if (!job.outFile) return;
  const ended = job.stat === 'DONE' ? 'Done' : 'Exited';
  const outcome = job.stat === 'DONE' ? 'Successfully completed.' : `${job.exitReason ? `${job.exitReason}.\n` : ''}Exited with exit code ${job.exitCode}.`;
  const lines = [
    `Sender: LSF System <lsfadmin@${lsf.HOST}>`,
    `Subject: Job ${job.id}: <${job.name}> in cluster <${lsf.CLUSTER}> ${ended}`,
    '',
    `Job <${job.name}> was submitted from host <${lsf.HOST}> by user <${job.user}> in cluster <${lsf.CLUSTER}> at ${lsf.lsfTime(job.submitTime)}`,
    `Job was executed on host(s) <${lsf.HOST}>, in queue <${job.queue}>, as user <${job.user}> in cluster <${lsf.CLUSTER}> at ${lsf.lsfTime(job.startTime)}`,
    `<${os.homedir()}> was used as the home directory.`,
    `<${job.cwd}> was used as the working directory.`,
    `Started at ${lsf.lsfTime(job.startTime)}`,
    `Terminated at ${lsf.lsfTime(job.endTime)}`,
    `Results reported at ${lsf.lsfTime(job.endTime)}`,
    '',
    'Your job looked like:',
    '',
    '------------------------------------------------------------',
    '# LSBATCH: User input',
    fs.readFileSync(job.scriptFile, 'utf8').trimEnd(),
    '------------------------------------------------------------',
    '',
    outcome,
    '',
  ];
  fs.appendFileSync(job.outFile, `\n${lines.join('\n')}\n`);
}

function finished(code, signal) {
  escalation.forEach(clearTimeout);
  const exitCode = code ?? 128 + (os.constants.signals[signal] || 0);
  const job = lsf.updateJob(id, (current) => {
    if ((current.run || 1) !== myRun) return undefined;
    const next = { ...current, stat: exitCode === 0 ? 'DONE' : 'EXIT', exitCode, endTime: Date.now() };
    if (exitCode === 0) {
      lsf.addEvent(next, 'Done successfully. The CPU time used is 0.1 seconds;');
      lsf.addEvent(next, 'Post job process done successfully;');
    } else {
      lsf.addEvent(next, signal ? `Exited by signal ${exitCode - 128}. The CPU time used is 0.1 seconds;` : `Exited with exit code ${exitCode}. The CPU time used is 0.1 seconds;`);
      next.exitReason = current.killRequested ? 'TERM_OWNER: job killed by owner' : null;
      lsf.addEvent(next, next.exitReason ? `Completed <exit>; ${next.exitReason}.` : 'Completed <exit>;');
    }
    return next;
  });
  if ((job.run || 1) === myRun) report(job);
  process.exit(0);
}

function start() {
  const started = lsf.updateJob(id, (job) => {
    if (job.stat !== 'PEND' || (job.run || 1) !== myRun) return undefined; // killed while pending, or requeued
    const out = job.outFile ? fs.openSync(job.outFile, 'a') : 'ignore';
    const err = job.errFile ? fs.openSync(job.errFile, 'a') : out;
    const cwd = fs.existsSync(job.cwd) ? job.cwd : os.tmpdir();
    child = spawn('bash', [job.scriptFile], {
      cwd,
      detached: true,
      stdio: ['ignore', out, err],
      env: { ...process.env, LSB_JOBID: String(job.id), LSB_JOBNAME: job.name, LSB_QUEUE: job.queue, LSB_JOBFILENAME: job.scriptFile, LS_SUBCWD: job.cwd },
    });
    const next = { ...job, stat: 'RUN', startTime: Date.now(), pgid: child.pid };
    lsf.addEvent(next, `Dispatched 1 Task(s) on Host(s) <${lsf.HOST}>, Allocated 1 Slot(s) on Host(s) <${lsf.HOST}>, Effective RES_REQ <select[type == local] order[r15s:pg] >;`);
    lsf.addEvent(next, `Starting (Pid ${child.pid});`);
    lsf.addEvent(next, `Running with execution home <${os.homedir()}>, Execution CWD <${cwd}>, Execution Pid <${child.pid}>;`);
    return next;
  });
  if (!child) {
    process.exit(0);
  }
  child.on('exit', finished);
  // A bkill that arrived between the spawn and the RUN record: honour it now.
  if (started.killRequested) process.kill(process.pid, 'SIGUSR2');
}

const job = lsf.readJob(id);
setTimeout(start, job ? job.pendingMs : 0);
