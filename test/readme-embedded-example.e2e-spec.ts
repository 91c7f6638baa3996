import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, removeDir } from './support/test-app';

const ROOT = resolve(__dirname, '..');
const FAKE_ANSYSEDT = resolve(__dirname, 'fakes/bin/ansysedt');

/** The one ```js block of the README's "Embedded use (Node)" section, verbatim. */
function embeddedExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Embedded use (Node)'));
  const match = /```js\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 5)));
  if (!match) throw new Error('no js block in the README section "Embedded use (Node)"');
  return match[1];
}

describe('README: the embedded example runs exactly as written', () => {
  it('should start the service, solve antenna.aedt with the named solver, and close', async () => {
    const dir = makeTempDir('hfss-readme-');
    try {
      // As a user's project: the package installed under node_modules (here a link to this built clone).
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(ROOT, join(dir, 'node_modules', 'hfss-job-manager'), 'dir');
      writeFileSync(join(dir, 'embedded-example.js'), embeddedExample());
      writeFileSync(join(dir, 'antenna.aedt'), JSON.stringify({ duration_ms: 200 }));
      const { stdout } = await promisify(execFile)(process.execPath, ['embedded-example.js'], {
        cwd: dir,
        timeout: 120_000,
        env: { PATH: process.env.PATH, HFSS_JM_ANSYSEDT_PATH: FAKE_ANSYSEDT },
      });
      expect(stdout).toMatch(/^job manager at http:\/\/127\.0\.0\.1:\d+\n/);
      expect(stdout).toMatch(/antenna_001: completed, exit code 0\n$/);
    } finally {
      removeDir(dir);
    }
  }, 150_000);
});
