import { JobRecord } from '../../src/jobs/model/job-record';
import { JobStatus } from '../../src/jobs/model/job-status';

/** A queued local job record with every field set, for specs; they override the fields they look at. */
export function jobRecordFixture(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    seq: 1,
    status: JobStatus.QUEUED,
    priority: 0,
    schedulerType: 'none',
    config: { jobid: id, project_path: '/p/a.aedt' },
    configHash: 'h',
    argv: ['ansysedt'],
    workDir: `/w/${id}`,
    logPath: `/w/${id}/solver.log`,
    nativeId: null,
    exitCode: null,
    error: null,
    progress: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    startedAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    waitingReason: null,
    schedulerState: null,
    schedulerReason: null,
    run: 1,
    ...overrides,
  } as unknown as JobRecord;
}
