import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { DuplicateJobIdError, JobNotFoundError, JobStateConflictError, ShuttingDownError, ValidationFailedError } from '../common/errors/job-manager.errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { ProjectStagingService } from '../projects/project-staging.service';
import { jobWorkDirName } from '../platform/paths';
import { SchedulerBackendRegistry } from '../scheduler/scheduler-backend.registry';
import { HFSSSimulationConfig } from '../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../simulation/scheduler-type.enum';
import { ClusterJobRunner } from './cluster/cluster-job-runner.service';
import { JobLifecycleService } from './job-lifecycle.service';
import { LocalJobRunner } from './local/local-job-runner.service';
import { JobRecord } from './model/job-record';
import { isTerminal, JobStatus } from './model/job-status';
import { JobListQuery, JobRepository } from './persistence/job.repository';
import { configFingerprint } from './submission/config-fingerprint';
import { generateJobId } from './submission/job-id.generator';
import { newJobRecord } from './submission/new-job-record';
import { toPlainConfig } from './submission/plain-config';
import { CheckedResources, checkSubmissionResources, SameTurnResourceChecks } from './submission/resource-checks';

export interface SubmitResult {
  job: JobRecord;
  /** The jobid existed with the same configuration: the stored job is returned and nothing new runs. */
  duplicate: boolean;
}

/** Submission, queries, cancellation and priority changes: the use cases behind REST and the embedded API. */
@Injectable()
export class JobsService {
  /** The file checks of the submissions served in one event-loop turn, shared (see SameTurnResourceChecks). */
  private readonly sameTurnChecks = new SameTurnResourceChecks();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobRepository,
    private readonly lifecycle: JobLifecycleService,
    private readonly localRunner: LocalJobRunner,
    private readonly clusterRunner: ClusterJobRunner,
    private readonly schedulers: SchedulerBackendRegistry,
    private readonly staging: ProjectStagingService,
  ) {}

  async submit(input: HFSSSimulationConfig): Promise<SubmitResult> {
    if (this.localRunner.isDraining) {
      throw new ShuttingDownError();
    }
    const config = Object.assign(new HFSSSimulationConfig(), input, { jobid: input.jobid ?? generateJobId() });
    const jobId = config.jobid;
    const canonical = toPlainConfig(config);
    const fingerprint = configFingerprint(canonical);
    // An uploaded project is copied for the job before its checks: a resubmission of a stored jobid must not copy it
    // again, so it is looked up first. Any other submission is looked up only when refused (below) or when its insert
    // finds the jobid stored: a new job, the common case, costs no read.
    const stored = config.project_ref !== undefined && input.jobid !== undefined ? this.repository.findById(jobId) : undefined;
    if (stored) return this.duplicateOfStored(stored, fingerprint);
    let checked: CheckedResources;
    let stagedPath: string | undefined;
    try {
      ({ checked, stagedPath } = await this.checkSubmission(config, jobId));
    } catch (error) {
      // A resubmission of a stored jobid is answered from the store (an idempotent retry), whatever its files are now.
      const refusedButStored = input.jobid !== undefined ? this.repository.findById(jobId) : undefined;
      if (refusedButStored) return this.duplicateOfStored(refusedButStored, fingerprint);
      throw error;
    }
    const now = Date.now();
    // Cluster jobs may work on a share the compute nodes see; the store (SQLite) stays in dataDir.
    const workRoot =
      config.scheduler_type !== SchedulerType.NONE ? (this.config.storage.clusterWorkDir ?? this.config.storage.dataDir) : this.config.storage.dataDir;
    // Made when the job first runs (launch, batch script): a queued job has nothing on disk but its row.
    const workDir = join(workRoot, 'jobs', jobWorkDirName(jobId));
    // With allowed roots the solver gets the checked real path, so a symlink swapped later cannot redirect it.
    const runConfig = Object.assign(new HFSSSimulationConfig(), config, {
      project_path: stagedPath ?? (this.config.security.projectRoots.length > 0 ? checked.projectRealPath : config.project_path),
      ansys_edt_path: checked.executableRunPath,
    });
    // The files it was accepted with are stored in its row by the same insert (the launch re-check's reference).
    const job = await this.lifecycle.createUnlessExists(
      newJobRecord({ config, canonical, fingerprint, runConfig, workDir, stagedPath, seq: this.repository.allocateSeq(), now }, this.config.solver),
      'submitted',
      checked.files,
    );
    if (!job) {
      // Stored already: a resubmission, or a concurrent submission of this jobid (single or batch) stored it during the
      // checks above; the primary key refused this insert, so only one of them stores it.
      const raced = this.repository.findById(jobId);
      if (!raced) throw new Error(`Job ${jobId} was refused as a duplicate but is not in the store`);
      return this.duplicateOfStored(raced, fingerprint);
    }
    if (job.schedulerType === SchedulerType.NONE) {
      this.localRunner.enqueue(job);
      await this.repository.whenDurable();
      return { job, duplicate: false };
    }
    const submitted = await this.clusterRunner.submit(job, { filesJustChecked: true });
    // Acknowledged (HTTP answer, façade promise) only once on disk.
    await this.repository.whenDurable();
    return { job: submitted, duplicate: false };
  }

  get(jobId: string): JobRecord {
    const job = this.repository.findById(jobId);
    if (!job) {
      throw new JobNotFoundError(jobId);
    }
    return job;
  }

  list(query: JobListQuery): { items: JobRecord[]; total: number } {
    return this.repository.list(query);
  }

  queuePosition(job: JobRecord): number | undefined {
    return job.status === JobStatus.QUEUED ? this.localRunner.positionOf(job.id) : undefined;
  }

  /** Idempotent: cancelling a cancelled job returns it; a job that already completed or failed is a conflict. */
  async cancel(jobId: string): Promise<JobRecord> {
    const job = this.get(jobId);
    if (job.status === JobStatus.CANCELLED) {
      return job;
    }
    if (isTerminal(job.status)) {
      throw new JobStateConflictError(`Job ${jobId} already ended as ${job.status}; it cannot be cancelled`);
    }
    return job.schedulerType === SchedulerType.NONE ? this.localRunner.cancel(job) : this.clusterRunner.cancel(job);
  }

  changePriority(jobId: string, priority: number): JobRecord {
    const job = this.get(jobId);
    if (job.schedulerType !== SchedulerType.NONE) {
      throw new JobStateConflictError(`Job ${jobId} runs on ${job.schedulerType}, whose own queue orders it; only local jobs can change priority`);
    }
    if (job.status !== JobStatus.QUEUED || !this.localRunner.reprioritise(job, priority)) {
      throw new JobStateConflictError(`Job ${jobId} is ${job.status}; only queued jobs can change priority`);
    }
    return this.lifecycle.transition(job, { priority }, `priority changed from ${job.priority} to ${priority}`);
  }

  async waitForTerminal(jobId: string, timeoutMs: number): Promise<JobRecord> {
    return this.lifecycle.waitForTerminal(this.get(jobId), timeoutMs);
  }

  /**
   * The project checks of a submission (exactly one of project_path and project_ref, the uploaded project's copy for
   * the job, the files): what it runs with, or the refusal.
   */
  private async checkSubmission(config: HFSSSimulationConfig, jobId: string): Promise<{ checked: CheckedResources; stagedPath?: string }> {
    if ((config.project_path === undefined) === (config.project_ref === undefined)) {
      throw new ValidationFailedError('Give exactly one of project_path (a path on the server) and project_ref (a project_id from POST /projects)');
    }
    // An uploaded project runs on the job's own copy in the staging dir: the service made it, so the allowed roots do not apply.
    const stagedPath = config.project_ref !== undefined ? await this.staging.stageForJob(config.project_ref, jobId) : undefined;
    const checked = await this.checkResources(
      Object.assign(new HFSSSimulationConfig(), config, { project_path: stagedPath ?? config.project_path }),
      stagedPath !== undefined,
    ).catch(async (error: unknown) => {
      // Refused: the copy goes too, unless a concurrent submission of this jobid already owns it.
      if (stagedPath !== undefined && !this.repository.findById(jobId)) await rm(dirname(stagedPath), { recursive: true, force: true });
      throw error;
    });
    return { checked, stagedPath };
  }

  /** The answer to a submission of a stored jobid, once the stored job is on disk (it may be a concurrent one's, still being flushed). */
  private async duplicateOfStored(existing: JobRecord, fingerprint: string): Promise<SubmitResult> {
    await this.repository.whenDurable();
    return this.duplicateOf(existing, fingerprint);
  }

  private duplicateOf(existing: JobRecord, fingerprint: string): SubmitResult {
    if (existing.configHash !== fingerprint) {
      throw new DuplicateJobIdError(existing.id);
    }
    return { job: existing, duplicate: true };
  }

  /** The seed's FileNotFoundError cases, the allowed directories and the executable policy: see checkSubmissionResources. */
  private checkResources(config: HFSSSimulationConfig, staged: boolean): Promise<CheckedResources> {
    return checkSubmissionResources(config, staged, { config: this.config, schedulers: this.schedulers }, this.sameTurnChecks);
  }
}
