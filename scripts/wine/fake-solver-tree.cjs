'use strict';
// A fake solver for the Windows tree-kill check: like ansysedt.exe starting solver engines and MPI processes, it
// starts two children, each of which starts a grandchild (one detached, so it outlives its parent's console), and
// records every pid. All of them wait forever. Usage: node fake-solver-tree.cjs <pids file> [role]
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const [pidsFile, role = 'solver'] = process.argv.slice(2);
fs.appendFileSync(pidsFile, `${role} ${process.pid}\n`);
const children = { solver: ['engine-a', 'engine-b'], 'engine-a': ['mpi-a'], 'engine-b': ['mpi-b'] }[role] ?? [];
for (const child of children) {
  spawn(process.execPath, [__filename, pidsFile, child], { stdio: 'ignore', detached: child === 'mpi-b', windowsHide: true });
}
setInterval(() => undefined, 60_000);
