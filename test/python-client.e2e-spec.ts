import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeWhen } from './support/required-in-ci';

const REPO = resolve(__dirname, '..');
/** Debian's interpreter, where .ci/run installs python3-pytest, python3-requests and python3-socketio. */
const PYTHON = process.env.HFSS_JM_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

function pytestAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import pytest, requests'], { stdio: 'ignore' }).status === 0;
}

describeWhen(pytestAvailable(), `${PYTHON} with pytest and requests`, 'apt-get install python3-pytest python3-requests python3-socketio (.ci/run does)')(
  'Python client (clients/python) against the built service',
  () => {
    it('should pass its pytest suite (quick-start snippets, exception contract, events)', async () => {
      const run = await new Promise<{ code: number | null; output: string }>((resolveRun) => {
        const child = spawn(PYTHON, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '-rs', 'clients/python/tests'], {
          cwd: REPO,
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (code) => resolveRun({ code, output }));
      });
      if (run.code !== 0) {
        throw new Error(`pytest exited with ${run.code}:\n${run.output}`);
      }
      expect(run.output).toMatch(/\d+ passed/);
      if (process.env.CI) {
        expect(run.output).not.toMatch(/skipped/);
      }
    }, 600_000);
  },
);
