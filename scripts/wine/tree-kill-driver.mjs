// Run by the Windows build of Node (under Wine, or on a real Windows host): starts the real solver supervisor
// detached, as LocalProcessBackend does, with a fake solver that starts a tree of children, then ends the tree with
// WindowsProcessPlatform and checks every process is gone. The TypeScript sources are transpiled with Node's own
// type stripper, so no build and no node_modules are needed. Prints one JSON line of results; exits 1 on a failure.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'hfss-wine-'));
const results = { platform: process.platform, node: process.version, checks: {} };
let failed = false;
const check = (name, ok, detail) => {
  results.checks[name] = { ok, ...(detail === undefined ? {} : { detail }) };
  failed ||= !ok;
};

/** Transpiles src/<dir>/<names>.ts (self-contained: relative imports among themselves only) and imports the first. */
async function load(dir, names) {
  const out = join(work, dir);
  mkdirSync(out, { recursive: true });
  for (const name of names) {
    const source = readFileSync(join(repo, 'src', dir, `${name}.ts`), 'utf8');
    const js = stripTypeScriptTypes(source, { mode: 'transform' }).replace(/from '\.\/([\w-]+)'/g, "from './$1.mjs'");
    writeFileSync(join(out, `${name}.mjs`), js);
  }
  return import(pathToFileURL(join(out, `${names[0]}.mjs`)).href);
}

async function checkTelemetry() {
  const { readCpuTimes, cpuPercentBetween, readMemory, readDiskSpace } = await load('resources', ['host-readers']);
  const before = readCpuTimes();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const percent = cpuPercentBetween(before, readCpuTimes());
  const memory = await readMemory();
  const disk = await readDiskSpace(tmpdir());
  check('telemetry: CPU %, memory and disk read without a process per sample', percent >= 0 && percent <= 100 && memory.total > 0 && disk.totalBytes > 0, {
    percent,
    memory,
    disk,
  });
}

async function waitFor(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const exists = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

await checkTelemetry();
const { WindowsProcessPlatform, decodeReply } = await load('platform', ['windows-process-platform', 'windows-commands', 'process-platform']);
// The platform's own runner, recording each command and whether it succeeded.
results.commands = [];
const run = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { windowsHide: true, timeout: 30_000, encoding: 'buffer' }, (error, stdout) => {
      results.commands.push(`${file} ${args.join(' ').slice(0, 80)} -> ${error ? `failed (${error.code})` : 'ok'}`);
      resolve(error ? undefined : decodeReply(stdout));
    });
  });
const platform = new WindowsProcessPlatform(run);
const dir = join(work, 'launch-1');
mkdirSync(dir);
const pidsFile = join(work, 'pids.txt');
const files = {
  dir,
  launch: join(dir, 'launch.json'),
  supervisor: join(dir, 'supervisor.json'),
  lock: join(dir, 'launch.lock'),
  solver: join(dir, 'solver.json'),
  exit: join(dir, 'exit.json'),
};
writeFileSync(
  files.launch,
  JSON.stringify({
    argv: [process.execPath, join(repo, 'scripts', 'wine', 'fake-solver-tree.cjs'), pidsFile],
    cwd: work,
    logPath: join(work, 'solver.log'),
    files,
  }),
);
const started = Date.now();
const supervisor = spawn(process.execPath, [join(repo, 'src', 'scheduler', 'backends', 'local', 'solver-supervisor.cjs'), files.launch], {
  cwd: work,
  detached: true,
  stdio: 'ignore',
  windowsHide: true,
});
supervisor.unref();
try {
  const pids = () =>
    existsSync(pidsFile)
      ? readFileSync(pidsFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => Number(line.split(' ')[1]))
      : [];
  await waitFor(() => pids().length === 5, 60_000, 'the fake solver tree (5 processes)');
  results.treeStartMs = Date.now() - started;
  const tree = [supervisor.pid, ...pids()];
  results.tree = readFileSync(pidsFile, 'utf8').trim().split('\n');
  check('supervisor wrote supervisor.json and the lock', existsSync(files.supervisor) && existsSync(files.lock));
  check('every process of the tree is alive', (await Promise.all(tree.map((pid) => platform.isAlive(pid)))).every(Boolean), tree);
  const startTime = await platform.startTime(supervisor.pid);
  results.creationTime = startTime ?? 'unavailable (no PowerShell, and wmic cannot read CreationDate here)';
  if (startTime !== undefined) {
    check('a different creation time is not ours (pid reuse)', !(await platform.isAlive(supervisor.pid, `${startTime}1`)));
    check('the recorded creation time is ours', await platform.isAlive(supervisor.pid, startTime));
  }
  const killStarted = Date.now();
  await platform.killTree(supervisor.pid, 1_000);
  results.killMs = Date.now() - killStarted;
  const left = tree.filter(exists);
  check('no process of the tree is left after killTree', left.length === 0, left);
  check(
    'the supervisor recorded the exit before it ended',
    existsSync(files.exit),
    existsSync(files.exit) ? JSON.parse(readFileSync(files.exit, 'utf8')) : undefined,
  );
  check('isAlive is false for the ended supervisor', !(await platform.isAlive(supervisor.pid)));
} catch (error) {
  check('run', false, String(error));
}
console.log(JSON.stringify(results));
process.exit(failed ? 1 : 0);
