import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { buildAnsysEdtArgv } from '../../simulation/ansysedt-command.builder';
import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';

/** What an accepted submission knows when its job record is made (one submit or one batch item alike). */
export interface AcceptedSubmission {
  config: HFSSSimulationConfig;
  /** The config as the client sent it, canonical: stored, and what the fingerprint is of. */
  canonical: HFSSSimulationConfig;
  fingerprint: string;
  /** The config the solver runs with (checked project and executable paths). */
  runConfig: HFSSSimulationConfig;
  workDir: string;
  /** The job's own copy of an uploaded project, when it came as a project_ref. */
  stagedPath?: string;
  seq: number;
  now: number;
}

/** The record of a newly accepted job: queued, run 1, nothing known from a scheduler yet. */
export function newJobRecord(submission: AcceptedSubmission, solver: AppConfig['solver']): JobRecord {
  const { config, canonical, fingerprint, runConfig, workDir, stagedPath, seq, now } = submission;
  return {
    id: config.jobid!,
    seq,
    status: JobStatus.QUEUED,
    priority: config.priority,
    schedulerType: config.scheduler_type,
    // The stored config names the copy (project_path) beside the project_ref; the fingerprint is of what the client sent.
    config: stagedPath !== undefined ? { ...canonical, project_path: stagedPath } : canonical,
    configHash: fingerprint,
    argv: buildAnsysEdtArgv(runConfig, { executable: solver.ansysEdtPath, defaultTempDirectory: solver.tempDir }),
    workDir,
    logPath: join(workDir, 'solver.log'),
    nativeId: null,
    exitCode: null,
    error: null,
    progress: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    waitingReason: null,
    schedulerState: null,
    schedulerReason: null,
    run: 1,
  };
}
