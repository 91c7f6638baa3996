import { rm } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobNotFoundError, JobStateConflictError } from '../../common/errors/job-manager.errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { isTerminal } from '../model/job-status';
import { JobRepository } from '../persistence/job.repository';
import { JobPruningRepository, PrunableJob } from './job-pruning.repository';

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
  ) {}

  /** Deletes a terminal job; a queued, scheduled or running one is a conflict (cancel it first). */
  async delete(jobId: string, keepFiles: boolean): Promise<void> {
    const job = this.jobs.findById(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    if (!isTerminal(job.status) || !this.pruning.deleteTerminal(jobId)) {
      throw new JobStateConflictError(
        `Job ${jobId} is ${this.jobs.findById(jobId)?.status ?? job.status}; only a finished job can be deleted (cancel it first)`,
      );
    }
    if (!keepFiles) await this.removeFiles(job);
  }

  /** Used by the retention policy: the job may have changed since it was listed, so a non-terminal one is skipped. */
  async prune(job: PrunableJob): Promise<boolean> {
    if (!this.pruning.deleteTerminal(job.id)) return false;
    await this.removeFiles(job);
    return true;
  }

  private async removeFiles(job: PrunableJob): Promise<void> {
    const jobsDir = join(this.config.storage.dataDir, 'jobs');
    const stagingJobsDir = join(this.config.staging.dir, 'jobs');
    const dirs = [strictlyInside(jobsDir, job.workDir) ? job.workDir : undefined, join(stagingJobsDir, job.id)].filter((dir): dir is string => !!dir);
    for (const dir of dirs) {
      await rm(dir, { recursive: true, force: true }).catch((error: NodeJS.ErrnoException) =>
        this.logger.warn(`Job ${job.id} was deleted but ${dir} could not be removed (${error.code ?? error.message})`),
      );
    }
  }
}
