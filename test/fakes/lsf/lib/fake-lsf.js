'use strict';
// Shared state and behaviour of the fake IBM Spectrum LSF commands (bsub, bjobs, bkill, bhist) used by the tests.
// The real scheduler cannot run here; these reproduce the documented command lines, output formats, messages and
// exit codes. One JSON file per job under $FAKE_LSF_STATE_DIR/jobs; a detached wrapper (job-wrapper.js) really
// runs each batch script and records how it ended. Failure modes, read from the environment of each command:
//   FAKE_LSF_DOWN=1               every command prints `LSF is down. Please wait ...` and exits 255
//   FAKE_LSF_DELAY_MS=n           answer n ms late (FAKE_LSF_DELAY_COMMANDS=bsub,bjobs limits it to some commands;
//                                 FAKE_LSF_DELAY_AFTER=1 does the work first, so the answer is lost on a timeout)
//   FAKE_LSF_PURGE_AFTER_MS=n     mbatchd forgets finished jobs n ms after they end (CLEAN_PERIOD): bjobs says
//                                 `Job <N> is not found`, bkill `No matching job found`; bhist still knows them
//   FAKE_LSF_BHIST_FORGET=1       bhist knows no job either (event logs rotated away)
//   FAKE_LSF_REJECT=message       bsub refuses every job with that message
//   FAKE_LSF_QUEUES=a,b           the queues that exist (default `normal`, the first is the default queue)
//   FAKE_LSF_PENDING_MS=n         jobs stay PEND n ms before they start
//   FAKE_LSF_PEND_REASON=text     the pending reason bjobs -o pend_reason shows for PEND jobs (default: a new job's)
//   FAKE_LSF_KILL_STEP_MS=n       bkill's SIGINT, SIGTERM, SIGKILL sequence interval (JOB_TERMINATE_INTERVAL)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CLUSTER = 'fake_cluster';
const HOST = os.hostname();
const USER = process.env.USER || os.userInfo().username;
const FINISHED = new Set(['DONE', 'EXIT']);

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function die(message, code = 255) {
  process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(code);
}

function stateDir() {
  const dir = process.env.FAKE_LSF_STATE_DIR;
  if (!dir) die('fake LSF: FAKE_LSF_STATE_DIR is not set');
  fs.mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'locks'), { recursive: true });
  return dir;
}

/** A mutex between the fake commands and the wrappers: mkdir is atomic; a lock older than 5 s is stale. */
function withLock(name, fn) {
  const lock = path.join(stateDir(), 'locks', name);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 5000) fs.rmdirSync(lock);
      } catch {
        // released meanwhile
      }
      sleep(5);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmdirSync(lock);
  }
}

const jobFile = (id) => path.join(stateDir(), 'jobs', `${id}.json`);

function readJob(id) {
  if (!/^\d+$/.test(String(id))) return null;
  try {
    return JSON.parse(fs.readFileSync(jobFile(id), 'utf8'));
  } catch {
    return null;
  }
}

function writeJob(job) {
  const file = jobFile(job.id);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(job, null, 1));
  fs.renameSync(`${file}.tmp`, file);
}

/** Read-modify-write of one job under its lock; `change` returns the new record or nothing to leave it. */
function updateJob(id, change) {
  return withLock(`job-${id}`, () => {
    const job = readJob(id);
    const next = job ? change(job) : undefined;
    if (next) writeJob(next);
    return next || job;
  });
}

function allJobs() {
  return fs
    .readdirSync(path.join(stateDir(), 'jobs'))
    .filter((name) => /^\d+\.json$/.test(name))
    .map((name) => readJob(name.slice(0, -5)))
    .filter(Boolean)
    .sort((a, b) => a.id - b.id);
}

function nextJobId() {
  return withLock('counter', () => {
    const file = path.join(stateDir(), 'counter');
    const id = (Number(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '0') || 0) + 1;
    fs.writeFileSync(file, String(id));
    return id;
  });
}

/** mbatchd has cleaned the finished job out of memory (CLEAN_PERIOD): only bhist still sees it. */
function isPurged(job) {
  const after = process.env.FAKE_LSF_PURGE_AFTER_MS;
  return Boolean(job.endTime && after !== undefined && after !== '' && Date.now() - job.endTime >= Number(after));
}

const isFinished = (job) => FINISHED.has(job.stat);

/** `Sun Jan 10 17:50:11` / `Mon Oct  1 11:14:04`, as LSF prints event times. */
function lsfTime(ms) {
  const date = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getMonth()];
  const pad = (n) => String(n).padStart(2, '0');
  return `${day} ${month} ${String(date.getDate()).padStart(2, ' ')} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function addEvent(job, text, at = Date.now()) {
  job.events = [...(job.events || []), { at, text }];
}

/** Common entry of every command: the down and slow failure modes. Returns what to do after the work. */
function begin(command) {
  const delay = Number(process.env.FAKE_LSF_DELAY_MS || 0);
  const only = (process.env.FAKE_LSF_DELAY_COMMANDS || '').split(',').filter(Boolean);
  const delayed = delay > 0 && (only.length === 0 || only.includes(command));
  const after = process.env.FAKE_LSF_DELAY_AFTER === '1';
  if (delayed && !after) sleep(delay);
  if (process.env.FAKE_LSF_DOWN === '1') {
    die('LSF is down. Please wait ...');
  }
  return { finish: () => delayed && after && sleep(delay) };
}

/** Splits a #BSUB line the way bsub does: words, with '…' and "…" quoting. */
function splitWords(text) {
  const words = [];
  let current = null;
  let quote = null;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current = current ?? '';
    } else if (/\s/.test(char)) {
      if (current !== null) words.push(current);
      current = null;
    } else {
      current = (current ?? '') + char;
    }
  }
  if (quote) throw new Error(`unmatched ${quote}`);
  if (current !== null) words.push(current);
  return words;
}

module.exports = { CLUSTER, HOST, USER, sleep, die, stateDir, withLock, readJob, writeJob, updateJob, allJobs, nextJobId, isPurged, isFinished, lsfTime, addEvent, begin, splitWords };
