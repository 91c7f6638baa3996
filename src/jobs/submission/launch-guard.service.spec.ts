import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { AcceptedFile } from '../model/accepted-file';
import { JobRecord } from '../model/job-record';
import { DataDirLock } from '../persistence/data-dir-lock';
import { JobRepository } from '../persistence/job.repository';
import { openJobDatabase } from '../persistence/sqlite-database.provider';
import { jobRecordFixture } from '../../../test/support/job-record.fixture';
import { LaunchGuard } from './launch-guard.service';

describe('LaunchGuard: the accepted files it compares with', () => {
  let dir: string;
  let repository: JobRepository;
  let guard: LaunchGuard;
  let project: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hfss-launch-guard-'));
    repository = new JobRepository(openJobDatabase(join(dir, 'data'), 'normal'), DataDirLock.acquire(join(dir, 'data')));
    const config = { security: { projectRoots: [], executableRoots: [] }, staging: { dir: join(dir, 'staging') } } as unknown as AppConfig;
    guard = new LaunchGuard(config, repository);
    project = join(dir, 'p.aedt');
    writeFileSync(project, '{}');
  });

  afterEach(() => {
    repository.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const identityOf = (path: string): AcceptedFile => {
    const stats = statSync(path, { bigint: true });
    return { field: 'project_path', runPath: path, realPath: path, dev: stats.dev.toString(), ino: stats.ino.toString() };
  };
  const job = (id: string): JobRecord =>
    jobRecordFixture(id, { config: { jobid: id, project_path: project } as never, argv: ['ansysedt', '-batchsolve', project], workDir: join(dir, 'jobs', id) });
  /** The same path, another file behind it (what an attacker's rename does). */
  const replaceProject = (): void => {
    writeFileSync(`${project}.new`, '{}');
    renameSync(`${project}.new`, project);
  };

  it('compares with the files stored in the job row by its insert, and needs no work dir', async () => {
    repository.insertMany([job('in_row')], 'submitted', [[identityOf(project)]]);
    expect(repository.findAcceptedFiles('in_row')).toEqual([identityOf(project)]);
    expect(await guard.refusal(job('in_row'))).toBeUndefined();
    replaceProject();
    expect(await guard.refusal(job('in_row'))).toMatch(/project_path .*p\.aedt is no longer the file accepted at submission.*the job was not started/);
  });

  it('falls back to the accepted-files.json of a job stored before the row kept them (migration 007)', async () => {
    const legacy = job('legacy');
    repository.insertMany([legacy], 'submitted');
    expect(repository.findAcceptedFiles('legacy')).toBeUndefined();
    mkdirSync(legacy.workDir, { recursive: true });
    writeFileSync(join(legacy.workDir, 'accepted-files.json'), JSON.stringify({ version: 1, files: [identityOf(project)] }));
    expect(await guard.refusal(legacy)).toBeUndefined();
    replaceProject();
    expect(await guard.refusal(legacy)).toMatch(/is no longer the file accepted at submission/);
  });

  it('re-checks only the paths of a job with no record anywhere (accepted before records existed)', async () => {
    const older = job('older');
    repository.insertMany([older], 'submitted');
    replaceProject();
    expect(await guard.refusal(older)).toBeUndefined();
    rmSync(project);
    expect(await guard.refusal(older)).toMatch(/project_path .*p\.aedt no longer exists; the job was not started/);
  });
});
