'use strict';
// Shared engine of the fake LSF / PBS / Windows HPC clients used in tests (the real schedulers cannot run here).
// Jobs really run: submission spawns a detached runner process that waits (pending), runs the batch script (or
// argv) in its own process group with the scheduler's job-id variable set, and records how it ended. State is one
// JSON file per job in $FAKE_SCHEDULER_STATE_DIR. Failure modes come from control.json in that directory:
//   { "down": true, "delay_ms": 5000, "hung_ms": 5000, "pending_ms": 500, "purge_after_ms": 1000, "reject": "message" }
// down: every command fails at once with the real client's "cannot connect" message (not reached);
// delay_ms: every command answers late, before doing anything (a slow server);
// hung_ms: every command does its work, then answers that late (a hung server that had read the request: a
//   client killed meanwhile leaves a submission that exists without the caller knowing its id).
// `node fake-scheduler-core.cjs __requeue <id>` puts a running job back to pending (its run is killed and it runs
// again from the start after requeue_pending_ms (default 3000), `run` + 1), like `qrerun` / `job requeue`.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

function stateDir() {
  const dir = process.env.FAKE_SCHEDULER_STATE_DIR;
  if (!dir) {
    process.stderr.write('fake scheduler: FAKE_SCHEDULER_STATE_DIR is not set\n');
    process.exit(99);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function control() {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir(), 'control.json'), 'utf8'));
  } catch {
    return {};
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Applies the configured delay, then the "down" failure (message and exit code of the real client). */
function preamble(downMessage, downExitCode) {
  const settings = control();
  if (settings.delay_ms) sleepSync(settings.delay_ms);
  if (settings.down) {
    process.stderr.write(downMessage.endsWith('\n') ? downMessage : `${downMessage}\n`);
    process.exit(downExitCode);
  }
  if (settings.hung_ms) {
    const hang = () => sleepSync(settings.hung_ms);
    process.on('exit', hang);
  }
  return settings;
}

function withLock(fn) {
  const lock = path.join(stateDir(), 'ids.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch {
      if (attempt > 2000) throw new Error('fake scheduler: lock timeout');
      sleepSync(5);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

const jobFile = (id) => path.join(stateDir(), `job-${id}.json`);

function writeJob(job) {
  const file = jobFile(job.id);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(job));
  fs.renameSync(`${file}.tmp`, file);
}

function readJob(id) {
  try {
    return JSON.parse(fs.readFileSync(jobFile(String(id)), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The job as the scheduler still knows it: undefined when unknown or purged from its history. */
function lookup(id) {
  const job = readJob(id);
  if (!job) return undefined;
  const purgeAfter = control().purge_after_ms;
  if (job.finished_at && purgeAfter !== undefined && Date.now() - job.finished_at > purgeAfter) return undefined;
  return job;
}

function allJobs() {
  return fs.readdirSync(stateDir())
    .filter((name) => /^job-\d+\.json$/.test(name))
    .map((name) => lookup(name.slice(4, -5)))
    .filter(Boolean)
    .sort((a, b) => a.id - b.id);
}

/**
 * Records a new job and starts its runner. `run` is { script } (run with bash) or { argv }; `env` adds variables
 * (the job id variable is added by the runner); `output` receives stdout+stderr.
 */
function submit({ name, cwd, output, run, idVariable, extra }) {
  const id = withLock(() => {
    const counter = path.join(stateDir(), 'next-id');
    const next = Number(fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8') : '100') + 1;
    fs.writeFileSync(counter, String(next));
    return next;
  });
  writeJob({ id, name, cwd, output: output.replace(/%J/g, String(id)), run, idVariable, state: 'pending', submitted_at: Date.now(), pending_ms: control().pending_ms ?? 0, run_number: 1, ...extra });
  startRunner(id);
  return id;
}

function startRunner(id) {
  const runner = spawn(process.execPath, [__filename, '__run', String(id)], { detached: true, stdio: 'ignore', env: process.env });
  runner.unref();
}

/** Back to pending after having run: the current run is killed (its end is not recorded) and the job runs again. */
function requeue(id) {
  const job = lookup(id);
  if (!job || job.finished_at) return false;
  update(id, { state: 'pending', run_number: (job.run_number ?? 1) + 1, pgid: null, started_at: null, pending_ms: control().requeue_pending_ms ?? 3000 });
  if (job.pgid) {
    try {
      process.kill(-job.pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  startRunner(id);
  return true;
}

function update(id, patch) {
  const job = readJob(id);
  if (job) writeJob({ ...job, ...patch });
  return job && { ...job, ...patch };
}

/** Cancels: a pending job ends at once, a running one gets SIGTERM on its process group. */
function cancel(id) {
  const job = lookup(id);
  if (!job) return 'unknown';
  if (job.finished_at) return 'finished';
  update(id, { cancel_requested: true });
  if (job.state === 'pending') {
    update(id, { state: 'cancelled', finished_at: Date.now(), exit_code: null });
  } else if (job.pgid) {
    try {
      process.kill(-job.pgid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  return 'cancelled';
}

async function runJob(id) {
  let job = readJob(id);
  const myRun = job.run_number ?? 1;
  if (job.pending_ms) await new Promise((resolve) => setTimeout(resolve, job.pending_ms));
  job = readJob(id);
  if (job.cancel_requested || job.finished_at || (job.run_number ?? 1) !== myRun) return;
  const out = fs.openSync(job.output, 'a');
  const [command, args] = job.run.script ? ['bash', [job.run.script]] : [job.run.argv[0], job.run.argv.slice(1)];
  const child = spawn(command, args, { cwd: job.cwd, detached: true, stdio: ['ignore', out, out], env: { ...process.env, [job.idVariable]: job.server ? `${id}.${job.server}` : String(id) } });
  child.on('error', (error) => {
    update(id, { state: 'failed', finished_at: Date.now(), exit_code: 127, error: String(error) });
  });
  if (!child.pid) return;
  update(id, { state: 'running', started_at: Date.now(), pgid: child.pid });
  child.on('exit', (code, signal) => {
    const current = readJob(id);
    if ((current.run_number ?? 1) !== myRun) return; // requeued: this run's end is not the job's
    const cancelled = Boolean(current.cancel_requested);
    update(id, { state: cancelled ? 'cancelled' : code === 0 ? 'completed' : 'failed', finished_at: Date.now(), exit_code: code, signal });
  });
}

if (require.main === module && process.argv[2] === '__run') {
  void runJob(Number(process.argv[3]));
}
if (require.main === module && process.argv[2] === '__requeue') {
  process.exit(requeue(Number(process.argv[3])) ? 0 : 1);
}

module.exports = { preamble, submit, lookup, allJobs, cancel, update, control, stateDir, requeue };
