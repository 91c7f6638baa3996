import { rm } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobNotFoundError, JobStateConflictError } from '../../common/errors/job-manager.errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { isTerminal } from '../model/job-status';
import { JobRepository } from '../persistence/job.repository';
import { JobPruningRepository, PrunableJob, ReleasedArray } from './job-pruning.repository';
import { supportsJobArrays } from '../../scheduler/scheduler-backend';
import { SchedulerBackendRegistry } from '../../scheduler/scheduler-backend.registry';

/** True when `dir` lies strictly inside `root` (a stored path is never trusted to be removed elsewhere). */
function strictlyInside(root: string, dir: string): boolean {
  const rel = relative(root, dir);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** DELETE /jobs/{id} and the retention policy: the store rows and events first, then the job's directories. */
@Injectable()
export class JobDeletionService {
  private readonly logger = new Logger(JobDeletionService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobRepository,
    private readonly pruning: JobPruningRepository,
    private readonly schedulers: SchedulerBackendRegistry,
  ) {}

  /** Deletes a terminal job; a queued, scheduled or running one is a conflict (cancel it first). */
  async delete(jobId: string, keepFiles: boolean): Promise<void> {
    const job = this.jobs.findById(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    let released: ReleasedArray | undefined;
    if (!isTerminal(job.status) || !this.pruning.deleteTerminal(jobId, (array) => (released = array))) {
      throw new JobStateConflictError(
        `Job ${jobId} is ${this.jobs.findById(jobId)?.status ?? job.status}; only a finished job can be deleted (cancel it first)`,
      );
    }
    if (!keepFiles) await this.removeFiles(job, released);
  }

  /** Used by the retention policy: the job may have changed since it was listed, so a non-terminal one is skipped. */
  async prune(job: PrunableJob): Promise<boolean> {
    let released: ReleasedArray | undefined;
    if (!this.pruning.deleteTerminal(job.id, (array) => (released = array))) return false;
    await this.removeFiles(job, released);
    return true;
  }

  private async removeFiles(job: PrunableJob, released?: ReleasedArray): Promise<void> {
    if (released) await this.removeArrayFiles(job, released.arrayName);
    const jobsDir = join(this.config.storage.dataDir, 'jobs');
    const stagingJobsDir = join(this.config.staging.dir, 'jobs');
    const dirs = [strictlyInside(jobsDir, job.workDir) ? job.workDir : undefined, join(stagingJobsDir, job.id)].filter((dir): dir is string => !!dir);
    for (const dir of dirs) {
      await rm(dir, { recursive: true, force: true }).catch((error: NodeJS.ErrnoException) =>
        this.logger.warn(`Job ${job.id} was deleted but ${dir} could not be removed (${error.code ?? error.message})`),
      );
    }
  }

  /** The array's own files (its script, the task links) go with its last task kept (DELETE or retention). */
  private async removeArrayFiles(job: PrunableJob, arrayName: string): Promise<void> {
    const backend = this.schedulers.has(job.schedulerType) ? this.schedulers.get(job.schedulerType) : undefined;
    if (!backend || !supportsJobArrays(backend)) return;
    await backend
      .removeArrayFiles(arrayName, job.workDir)
      .catch((error: NodeJS.ErrnoException) =>
        this.logger.warn(`Job array ${arrayName}'s files could not be removed with its last job ${job.id} (${error.code ?? error.message})`),
      );
  }
}
