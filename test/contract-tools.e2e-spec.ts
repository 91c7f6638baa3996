import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

/** The committed API documents through the tools their users run, as those users run them (outside Jest). */
describe('openapi/ documents pass the standard tools', () => {
  it('should pass Redocly lint with the recommended ruleset and no errors', async () => {
    const { stdout, stderr } = await run(resolve(ROOT, 'node_modules/.bin/redocly'), ['lint', 'openapi/openapi.json', '--format=json'], {
      cwd: ROOT,
      maxBuffer: 16 << 20,
    }).catch((error: { stdout: string; stderr: string }) => error);
    const report = JSON.parse(stdout) as { totals: { errors: number }; problems: Array<{ severity: string; ruleId: string; message: string }> };
    expect({ errors: report.problems.filter((problem) => problem.severity === 'error'), stderr: report.totals.errors > 0 ? stderr : '' }).toEqual({
      errors: [],
      stderr: '',
    });
  }, 120_000);

  it('should parse openapi/asyncapi.json with @asyncapi/parser without errors', async () => {
    const script = `
      const { Parser } = require('@asyncapi/parser');
      const text = require('fs').readFileSync('openapi/asyncapi.json', 'utf8');
      new Parser().validate(text).then((diagnostics) => {
        process.stdout.write(JSON.stringify(diagnostics.filter((d) => d.severity === 0).map((d) => ({ code: d.code, message: d.message, path: d.path }))));
      });`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: ROOT, maxBuffer: 16 << 20 });
    expect(JSON.parse(stdout)).toEqual([]);
  }, 120_000);
});
