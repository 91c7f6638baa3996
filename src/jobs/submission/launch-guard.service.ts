import { join } from 'node:path';
import { realpath, stat } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { JobRecord } from '../model/job-record';
import { JobRepository } from '../persistence/job.repository';
import { AcceptedFile, readLegacyAcceptedFiles } from './accepted-files';
import { executableProblem } from './executable-policy';
import { isInsideRoots } from './path-policy';

/**
 * The re-check right before a job's solver is started (local launch) or its batch script is submitted: the
 * project and a client-given executable must still pass the policy they passed at submission, and still be
 * the very files (device + inode) that were accepted, so a symlink or file swapped in meanwhile never runs.
 */
@Injectable()
export class LaunchGuard {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobRepository,
  ) {}

  /** Why the job must not start, or undefined when it may. Never throws: a check that cannot run refuses. */
  async refusal(job: JobRecord): Promise<string | undefined> {
    try {
      return await this.check(job);
    } catch (error) {
      return `the files of the job could not be re-checked (${error instanceof Error ? error.message : String(error)}); the job was not started`;
    }
  }

  private async check(job: JobRecord): Promise<string | undefined> {
    // Stored with the job by its insert; jobs accepted before migration 007 have theirs in the work dir.
    const recorded =
      this.repository.findAcceptedFiles(job.id) ??
      (await readLegacyAcceptedFiles(job.workDir).catch((error: unknown) => `its accepted-files record cannot be read (${String(error)})`));
    if (typeof recorded === 'string') {
      return recorded;
    }
    // The files are re-checked at once, not one after the other: each check is a few fs round trips, and a
    // cluster submit waits for all of them before its sbatch. The first file (in record order) with a problem is named.
    const problems = await Promise.all((recorded ?? this.filesOfOlderJob(job)).map((file) => this.fileProblem(file)));
    const problem = problems.find((found) => found !== undefined);
    return problem === undefined ? undefined : `${problem}; the job was not started`;
  }

  /** Jobs accepted before records existed: the policy is re-checked, without an identity to compare. */
  private filesOfOlderJob(job: JobRecord): Array<Partial<AcceptedFile> & Pick<AcceptedFile, 'field' | 'runPath'>> {
    const project = { field: 'project_path' as const, runPath: job.argv[job.argv.length - 1] };
    return job.config.ansys_edt_path === undefined ? [project] : [project, { field: 'ansys_edt_path', runPath: job.argv[0] }];
  }

  private async fileProblem(file: Partial<AcceptedFile> & Pick<AcceptedFile, 'field' | 'runPath'>): Promise<string | undefined> {
    const realPath = await realpath(file.runPath).catch(() => undefined);
    const stats = realPath === undefined ? undefined : await stat(realPath, { bigint: true }).catch(() => undefined);
    if (realPath === undefined || stats === undefined) {
      return `${file.field} ${file.runPath} no longer exists`;
    }
    const shown = realPath === file.runPath ? file.runPath : `${file.runPath} (now resolves to ${realPath})`;
    if (file.field === 'project_path') {
      const roots = this.config.security.projectRoots;
      // A job's own copy of an uploaded project (project_ref) lies in the staging dir the service made it in.
      if (roots.length > 0 && !isInsideRoots(realPath, [...roots, join(this.config.staging.dir, 'jobs')])) {
        return `project_path ${shown} is now outside the allowed directories: ${roots.join(', ')}`;
      }
    } else {
      const problem = await executableProblem(file.runPath, realPath, stats, this.config.security.executableRoots);
      if (problem) {
        return `${problem} (re-checked at start)`;
      }
    }
    if (file.dev !== undefined && (file.dev !== stats.dev.toString() || file.ino !== stats.ino.toString())) {
      return `${file.field} ${shown} is no longer the file accepted at submission (it was replaced, or a symlink now points elsewhere)`;
    }
    return undefined;
  }
}
