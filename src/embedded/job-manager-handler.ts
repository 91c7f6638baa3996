import { isAbsolute, resolve } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createJobManagerApp } from '../app.factory';
import { TimeoutError } from '../common/errors/job-manager.errors';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { chooseScheduler, unwrapPyedbSubmission } from '../jobs/compat/pyedb-submission.normalizer';
import { JobViewDto } from '../jobs/dto/job-view.dto';
import { toJobView } from '../jobs/job-view.mapper';
import { JobsService } from '../jobs/jobs.service';
import { JobRepository } from '../jobs/persistence/job.repository';
import type { BatchView } from '../jobs/dto/submit-batch.dto';
import { BatchItemResult, batchResults } from '../jobs/submission/batch-item-result';
import { BatchItemInput, batchItemError, BatchSubmissionService } from '../jobs/submission/batch-submission.service';
import { HFSSSimulationConfig } from '../simulation/hfss-simulation-config.dto';
import { parseSimulationConfig } from '../simulation/simulation-config.validation';

export interface JobManagerHandlerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dataDir?: string;
  ansysEdtPath?: string;
  maxConcurrentJobs?: number;
  /** Any further HFSS_JM_* setting, as the environment would give it. */
  settings?: Record<string, string>;
  /** Log levels to print; false for none (the default when embedded). */
  logger?: false;
}

/** A simulation config as plain snake_case fields, the same JSON the REST API takes. */
export type SimulationConfigFields = Record<string, unknown> & { project_path: string };

export class JobManagerStartError extends Error {}

/**
 * One config's outcome in `submitMany`, as POST /jobs/submit-batch answers it: the job's id, state and queue place
 * (`job`, its whole view, with `{ view: 'full' }` only). For a rejected config, `error.cause` is the error itself
 * (e.g. a FileNotFoundError).
 */
export type SubmitManyResult = BatchItemResult;

export interface SubmitManyOptions {
  /** 'summary' (the default) or 'full': each stored job's whole view in `job` too. */
  view?: BatchView;
}

/**
 * The embedded façade: start the job manager inside a Node program, submit configs and wait for them, without
 * HTTP in between. Every method may be called concurrently; `close()` drains like SIGTERM does.
 */
export class JobManagerHandler {
  readonly config: AppConfig;
  private app?: NestExpressApplication;
  private starting?: Promise<string>;
  private closing?: Promise<void>;

  constructor(options: JobManagerHandlerOptions = {}) {
    this.config = loadAppConfig({
      ...(options.settings ?? {}),
      ...(options.host !== undefined && { HFSS_JM_HOST: options.host }),
      ...(options.port !== undefined && { HFSS_JM_PORT: String(options.port) }),
      ...(options.dataDir !== undefined && { HFSS_JM_DATA_DIR: options.dataDir }),
      ...(options.ansysEdtPath !== undefined && { HFSS_JM_ANSYSEDT_PATH: options.ansysEdtPath }),
      ...(options.maxConcurrentJobs !== undefined && { HFSS_JM_MAX_CONCURRENT_JOBS: String(options.maxConcurrentJobs) }),
    });
  }

  /** Starts the service in this process; resolves with its URL once it listens. Calling it again returns the same URL. */
  startService(): Promise<string> {
    this.starting ??= this.start();
    return this.starting;
  }

  /**
   * Validates fields into a config (defaults filled in) exactly as `POST /jobs/submit` does, PyEDB's fields and the
   * operator's default scheduler included; a relative project path is resolved against the working directory.
   */
  createSimulationConfig(fields: SimulationConfigFields): HFSSSimulationConfig {
    const projectPath = typeof fields.project_path === 'string' && !isAbsolute(fields.project_path) ? resolve(fields.project_path) : fields.project_path;
    return parseSimulationConfig(chooseScheduler(unwrapPyedbSubmission({ ...fields, project_path: projectPath }), this.config.submissions));
  }

  /**
   * Submits all configs in one batch (as `POST /jobs/submit-batch`): each checked like a single submit, the valid
   * ones stored in one transaction; resolves with one result per config, in order. Never rejects for one config.
   */
  async submitMany(configs: ReadonlyArray<HFSSSimulationConfig | SimulationConfigFields>, options: SubmitManyOptions = {}): Promise<SubmitManyResult[]> {
    const batch = await this.batch();
    const jobs = await this.jobs();
    const items = configs.map((config): BatchItemInput => {
      try {
        return { config: config instanceof HFSSSimulationConfig ? config : this.createSimulationConfig(config) };
      } catch (error) {
        return { error: batchItemError(error), ...(typeof config.jobid === 'string' && { jobid: config.jobid }) };
      }
    });
    return batchResults(await batch.submitMany(items), (job) => jobs.queuePosition(job), options.view ?? 'summary').results;
  }

  /**
   * Submits the configs (validated like `createSimulationConfig`: an invalid one throws before anything is submitted)
   * in one batch; resolves with the job ids in order. A config refused by the checks (e.g. a missing project) makes it
   * reject with that config's error; the valid ones are submitted all the same.
   */
  async submitJobs(configs: ReadonlyArray<HFSSSimulationConfig | SimulationConfigFields>): Promise<string[]> {
    const valid = configs.map((config) => (config instanceof HFSSSimulationConfig ? config : this.createSimulationConfig(config)));
    const results = await this.submitMany(valid);
    const rejected = results.find((result) => result.status === 'rejected');
    if (rejected) {
      const cause = rejected.error?.cause;
      throw cause instanceof Error ? cause : new Error(rejected.error?.message);
    }
    return results.map((result) => result.jobid!);
  }

  /** Submits and resolves when every job is completed, failed, cancelled or timed out; TimeoutError after `timeout` seconds. */
  async submitJobsAndWait(configs: ReadonlyArray<HFSSSimulationConfig | SimulationConfigFields>, options: { timeout?: number } = {}): Promise<JobViewDto[]> {
    const deadline = Date.now() + (options.timeout ?? 3600) * 1000;
    const ids = await this.submitJobs(configs);
    const jobs = await this.jobs();
    return Promise.all(
      ids.map(async (id) => {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new TimeoutError(`Job ${id} did not finish within ${options.timeout} s`);
        }
        return toJobView(await jobs.waitForTerminal(id, remaining));
      }),
    );
  }

  /** As GET /jobs/{id} answers it: held, like every REST answer, until what it shows is on disk. */
  async getJob(jobId: string): Promise<JobViewDto> {
    const jobs = await this.jobs();
    const job = jobs.get(jobId);
    await this.app!.get(JobRepository).whenDurable();
    return toJobView(job, jobs.queuePosition(job));
  }

  /** As POST /jobs/{id}/cancel answers it: resolved once the cancel (or the state it returns) is on disk. */
  async cancel(jobId: string): Promise<JobViewDto> {
    const jobs = await this.jobs();
    const job = await jobs.cancel(jobId);
    await this.app!.get(JobRepository).whenDurable();
    return toJobView(job, jobs.queuePosition(job));
  }

  /** Stops intake, lets running local solves finish within the drain window, then stops the service. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.app?.close();
    })();
    return this.closing;
  }

  private async batch(): Promise<BatchSubmissionService> {
    await this.startService();
    return this.app!.get(BatchSubmissionService);
  }

  private async jobs(): Promise<JobsService> {
    await this.startService();
    return this.app!.get(JobsService);
  }

  private async start(): Promise<string> {
    if (this.closing) {
      throw new JobManagerStartError('This JobManagerHandler was closed; create a new one');
    }
    const app = await createJobManagerApp(this.config, { logger: false });
    try {
      await app.listen(this.config.server.port, this.config.server.host);
    } catch (error) {
      await app.close();
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${this.config.server.host}:${this.config.server.port}`;
      throw new JobManagerStartError(
        code === 'EADDRINUSE'
          ? `Job manager service failed to start: port ${where} is already in use`
          : `Job manager service failed to start on ${where}: ${String(error)}`,
      );
    }
    this.app = app;
    return app.getUrl();
  }
}
