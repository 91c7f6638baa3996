import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp } from './support/test-app';

/** Zips made by Python's zipfile: an independent writer that, unlike yazl, lets a test write hostile entries. */
function pythonZip(path: string, entries: Array<{ name: string; content?: string; symlinkTo?: string }>): Buffer {
  const script = `
import json, sys, zipfile
entries = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for e in entries:
        info = zipfile.ZipInfo(e['name'])
        info.create_system = 3
        if e.get('symlinkTo'):
            info.external_attr = (0o120777 << 16)
            z.writestr(info, e['symlinkTo'])
        else:
            info.external_attr = ((0o40755 if e['name'].endswith('/') else 0o100644) << 16)
            z.writestr(info, e.get('content', ''))
`;
  execFileSync('python3', ['-c', script, path, JSON.stringify(entries)]);
  return readFileSync(path);
}

async function upload(url: string, fileName: string, content: Buffer | string, field = 'file'): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append(field, new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), fileName);
  const response = await fetch(`${url}/projects`, { method: 'POST', body: form });
  return { status: response.status, body: await response.json() };
}

describe('project uploads (POST /projects)', () => {
  let harness: TestApp;
  let scratch: string;
  let stagingProjects: string;

  beforeAll(async () => {
    harness = await startTestApp({ env: { HFSS_JM_MAX_UPLOAD_MB: '1' } });
    scratch = makeTempDir('upload-scratch-');
    stagingProjects = join(harness.config.staging.dir, 'projects');
  });
  afterAll(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(scratch);
  });

  const storedUploads = (): string[] => (existsSync(stagingProjects) ? readdirSync(stagingProjects) : []);

  it('should store an .aedt project and answer its id and the SHA-256 of what was sent', async () => {
    const content = JSON.stringify({ duration_ms: 100, note: 'é'.repeat(1000) });
    const { status, body } = await upload(harness.url, 'antenna.aedt', content);
    expect(status === 201 ? status : JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ success: true, file_name: 'antenna.aedt', kind: 'aedt', size: Buffer.byteLength(content) });
    expect(body.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(body.project_id).toMatch(/^prj_[0-9a-f]{24}$/);
    const again = await apiClient(harness.url).get(`/projects/${body.project_id}`);
    expect(again.status).toBe(200);
    expect(again.body.sha256).toBe(body.sha256);
    expect((await apiClient(harness.url).get('/projects/prj_000000000000000000000000')).status).toBe(404);
  });

  it('should extract a zipped .aedb folder', async () => {
    const zip = pythonZip(join(scratch, 'board.zip'), [{ name: 'board.aedb/' }, { name: 'board.aedb/edb.def', content: 'EDB' }, { name: 'board.aedb/stride/part.txt', content: 'x' }]);
    const { status, body } = await upload(harness.url, 'board.aedb.zip', zip);
    expect(status).toBe(201);
    expect(body.kind).toBe('aedb');
    const stored = join(stagingProjects, body.project_id, 'extracted', 'board.aedb');
    expect(readFileSync(join(stored, 'edb.def'), 'utf8')).toBe('EDB');
    expect(readFileSync(join(stored, 'stride', 'part.txt'), 'utf8')).toBe('x');
  });

  it.each([
    ['a parent-directory entry (zip-slip)', [{ name: 'board.aedb/edb.def', content: 'EDB' }, { name: '../../escaped.txt', content: 'pwned' }]],
    ['an absolute path', [{ name: 'board.aedb/edb.def', content: 'EDB' }, { name: '/tmp/escaped-absolute.txt', content: 'pwned' }]],
    ['a symbolic link', [{ name: 'board.aedb/edb.def', content: 'EDB' }, { name: 'board.aedb/link', symlinkTo: '/etc/passwd' }]],
    ['a backslash path', [{ name: 'board.aedb/edb.def', content: 'EDB' }, { name: '..\\..\\escaped.txt', content: 'pwned' }]],
  ])('should refuse a zip with %s and keep nothing of it', async (_what, entries) => {
    const before = storedUploads();
    const zip = pythonZip(join(scratch, `hostile-${before.length}.zip`), entries);
    const { status, body } = await upload(harness.url, 'board.aedb.zip', zip);
    expect(status).toBe(400);
    expect(body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    expect(storedUploads()).toEqual(before);
    expect(existsSync(join(harness.config.staging.dir, 'escaped.txt'))).toBe(false);
    expect(existsSync('/tmp/escaped-absolute.txt')).toBe(false);
  });

  it('should refuse an upload over the size limit with 413 and keep nothing', async () => {
    const before = storedUploads();
    const { status, body } = await upload(harness.url, 'huge.aedt', Buffer.alloc(1024 * 1024 + 10, 0x61));
    expect(status).toBe(413);
    expect(body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
    expect(storedUploads()).toEqual(before);
  });

  it('should refuse what is not a project upload with a clear error', async () => {
    expect((await upload(harness.url, 'notes.txt', 'hello')).status).toBe(400);
    // A path in the multipart file name is dropped (busboy keeps the base name only): the file stays in its upload dir.
    const traversal = await upload(harness.url, '../../evil.aedt', 'x');
    expect(traversal.body.file_name).toBe('evil.aedt');
    expect(existsSync(join(harness.config.staging.dir, 'evil.aedt'))).toBe(false);
    expect(existsSync(join(stagingProjects, traversal.body.project_id, 'evil.aedt'))).toBe(true);
    expect((await upload(harness.url, 'antenna.aedt', 'x', 'project')).status).toBe(400);
    const json = await fetch(`${harness.url}/projects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect(await json.json()).toMatchObject({ success: false, code: 'UNSUPPORTED_MEDIA_TYPE' });
    writeFileSync(join(scratch, 'plain.zip'), 'not a zip');
    expect((await upload(harness.url, 'plain.zip', readFileSync(join(scratch, 'plain.zip')))).status).toBe(400);
  });
});
