import { cp, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { StorageFailureError } from '../common/errors/job-manager.errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { ProjectUploadService } from './project-upload.service';

/**
 * Each job that names an uploaded project runs on its own copy, `<staging>/jobs/<jobid>/<project>`, so that
 * its results folder (`<project>.aedtresults`, written next to the project) belongs to that job alone.
 */
@Injectable()
export class ProjectStagingService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uploads: ProjectUploadService,
  ) {}

  /** Copies the upload for the job and returns the copy's path (the job's project_path). */
  async stageForJob(projectId: string, jobId: string): Promise<string> {
    const project = await this.uploads.get(projectId);
    const dir = join(this.config.staging.dir, 'jobs', jobId);
    const target = join(dir, basename(project.projectPath));
    try {
      await mkdir(dir, { recursive: true });
      await cp(project.projectPath, target, { recursive: true, errorOnExist: false, force: true, preserveTimestamps: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO') throw new StorageFailureError(`The staging directory cannot be written (${code})`);
      throw error;
    }
    return target;
  }
}
