import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBatchScript } from './job-files';

describe(writeBatchScript.name, () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'job-files-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('should write the script owner-executable into an existing work dir, and create a missing one', async () => {
    const existing = await writeBatchScript(root, 'job.slurm.sh', '#!/bin/bash\nexit 0\n');
    expect(readFileSync(existing, 'utf8')).toBe('#!/bin/bash\nexit 0\n');
    expect(statSync(existing).mode & 0o777).toBe(0o700);
    const created = await writeBatchScript(join(root, 'jobs', 'j1'), 'job.sh', 'exit 1\n');
    expect(created).toBe(join(root, 'jobs', 'j1', 'job.sh'));
    expect(readFileSync(created, 'utf8')).toBe('exit 1\n');
  });
});
