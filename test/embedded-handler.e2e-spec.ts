import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { FAKE_ANSYSEDT, makeTempDir, removeDir } from './support/test-app';

describe('JobManagerHandler imported from the built package by a user script', () => {
  it('should start in-process, submit, wait, cancel, report errors with their types and close cleanly', () => {
    const dataDir = makeTempDir('hfss-embedded-');
    const projects = makeTempDir('hfss-embedded-projects-');
    try {
      const output = execFileSync(process.execPath, [join(__dirname, 'embedded/user-script.cjs'), dataDir, projects, FAKE_ANSYSEDT], {
        cwd: resolve(__dirname, '..'),
        timeout: 60_000,
      }).toString();
      const observed = JSON.parse(output.trim().split('\n').at(-1)!);
      expect(observed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(observed.sameUrl).toBe(true);
      expect(observed.health).toBe('ok');
      expect(observed.validationError).toMatch(/project_path must end in .aedt or .aedb/);
      expect(observed.finished).toEqual([
        ['embedded_a', 'completed', 0],
        ['embedded_b', 'failed', 2],
      ]);
      expect(observed.waitTimeout).toBe(true);
      expect(observed.queuedView).toEqual({ status: 'queued', queue_position: 1, sameAsRest: true });
      expect(observed.cancelled).toEqual(['cancelled', 'cancelled', 'cancelled']);
      expect(observed.portTaken).toMatch(/port 127\.0\.0\.1:\d+ is already in use/);
      expect(observed.closed).toBe(true);
    } finally {
      removeDir(dataDir);
      removeDir(projects);
    }
  });
});
