import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobListJson, jobViewJson, toJobView } from './job-view.mapper';
import { JobRecord } from './model/job-record';
import { JobStatus } from './model/job-status';
import { DataDirLock } from './persistence/data-dir-lock';
import { JobRepository } from './persistence/job.repository';
import { openJobDatabase } from './persistence/sqlite-database.provider';

describe(jobViewJson.name, () => {
  it('should give the JSON of toJobView for every listed job, without parsing the stored config and argv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hfss-job-view-'));
    const repository = new JobRepository(openJobDatabase(dir, 'normal'), DataDirLock.acquire(dir));
    try {
      const base = {
        seq: 1,
        status: JobStatus.QUEUED,
        priority: 2,
        schedulerType: 'none',
        configHash: 'h',
        workDir: '/w',
        logPath: '/w/solver.log',
        nativeId: null,
        exitCode: null,
        error: null,
        progress: null,
        createdAt: 1_700_000_000_000,
        updatedAt: 1_700_000_000_001,
        startedAt: null,
        finishedAt: null,
        cancelRequestedAt: null,
        waitingReason: null,
        schedulerState: null,
        schedulerReason: null,
        run: 1,
      };
      repository.insert(
        {
          ...base,
          id: 'with_user',
          config: { jobid: 'with_user', project_path: '/p "quoted" ü.aedt', user: 'alice', machine_nodes: [{ hostname: 'h', cores: 4 }] },
          argv: ['ansysedt', '-batchsolve', 'a b'],
        } as unknown as JobRecord,
        'submitted',
      );
      repository.insert(
        {
          ...base,
          id: 'anonymous',
          seq: 2,
          status: JobStatus.FAILED,
          exitCode: 3,
          error: 'solver exited with code 3',
          finishedAt: 1_700_000_000_500,
          config: { project_ref: 'ref' },
          argv: [],
        } as unknown as JobRecord,
        'submitted',
      );
      for (const query of [
        { limit: 10, offset: 0 },
        { status: JobStatus.FAILED, limit: 10, offset: 0 },
        { q: 'with', limit: 10, offset: 0 },
      ]) {
        const expected = repository.list(query);
        const page = repository.listForView(query);
        expect(page.total).toBe(expected.total);
        expect(
          JSON.parse(
            jobListJson(
              page.items.map((row) => jobViewJson(row)),
              { total: page.total },
            ).toString(),
          ),
        ).toEqual({
          items: expected.items.map((job) => toJobView(job)),
          total: expected.total,
        });
        expect(page.items.map((row, index) => JSON.parse(Buffer.concat(jobViewJson(row, index + 1)).toString()) as unknown)).toEqual(
          expected.items.map((job, index) => toJobView(job, index + 1)),
        );
      }
    } finally {
      repository.onApplicationShutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
