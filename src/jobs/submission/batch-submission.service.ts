import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/filters/error-response';
import { DuplicateJobIdError, ShuttingDownError, ValidationFailedError } from '../../common/errors/job-manager.errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { jobWorkDirName } from '../../platform/paths';
import { ProjectStagingService } from '../../projects/project-staging.service';
import { SchedulerBackendRegistry } from '../../scheduler/scheduler-backend.registry';
import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { ClusterJobRunner } from '../cluster/cluster-job-runner.service';
import { JobLifecycleService } from '../job-lifecycle.service';
import { LocalJobRunner } from '../local/local-job-runner.service';
import { JobRecord } from '../model/job-record';
import { JobRepository } from '../persistence/job.repository';
import { AcceptedFile } from './accepted-files';
import { configFingerprint } from './config-fingerprint';
import { generateJobId } from './job-id.generator';
import { newJobRecord } from './new-job-record';
import { toPlainConfig } from './plain-config';
import { CheckedResources, checkSubmissionResources, ResourceCheckMemo, sharedCheckKey } from './resource-checks';

/** The most configs one batch may carry. */
export const MAX_BATCH_JOBS = 10_000;
/** Items on uploaded projects (project_ref) copied and checked at once; the others share one check per distinct path. */
const CHECK_CONCURRENCY = 64;

/** One config of a batch: parsed, or refused already while parsing. */
export type BatchItemInput = { config: HFSSSimulationConfig } | { error: BatchItemError; jobid?: string };

/** Why an item was refused: the code the single submit would answer with, its message, and what else is known. */
export interface BatchItemError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  /** The error itself, for in-process callers (the embedded façade rethrows it); not part of the HTTP answer. */
  cause?: unknown;
}

export function batchItemError(error: unknown, details?: Record<string, unknown>): BatchItemError {
  const cause = { cause: error };
  Object.defineProperty(cause, 'cause', { enumerable: false });
  if (error instanceof DomainError) return Object.assign(cause, { code: error.code, message: error.message, ...(details && { details }) });
  // What the single submit would answer 500 for (e.g. EACCES on a project): refused alone, the others go on.
  return Object.assign(cause, { code: 'INTERNAL' as const, message: `Internal error: ${error instanceof Error ? error.message : String(error)}` });
}

export interface BatchItemOutcome {
  index: number;
  /** The jobid given or generated; undefined when the item was refused before it had one. */
  jobid?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  job?: JobRecord;
  error?: BatchItemError;
}

interface Candidate {
  index: number;
  config: HFSSSimulationConfig;
  canonical: HFSSSimulationConfig;
  fingerprint: string;
}

interface Prepared extends Candidate {
  record: JobRecord;
  files: AcceptedFile[];
  stagedPath?: string;
}

/** A check's result or its error, as a value (one per distinct key, read by every item that shares it). */
type CheckOutcome = { checked: CheckedResources } | { error: unknown };

function settle(check: Promise<CheckedResources>): Promise<CheckOutcome> {
  return check.then(
    (checked) => ({ checked }),
    (error: unknown) => ({ error }),
  );
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * Submits many configs in one go (POST /jobs/submit-batch, the façade's and the CLI's multi-job submit). Each item
 * is checked like a single submission (JobsService.submit) with the file-system work shared between items; the valid
 * ones are stored in ONE transaction, answered and published only once durable, and queued in bulk.
 */
@Injectable()
export class BatchSubmissionService {
  private readonly logger = new Logger(BatchSubmissionService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobRepository,
    private readonly lifecycle: JobLifecycleService,
    private readonly localRunner: LocalJobRunner,
    private readonly clusterRunner: ClusterJobRunner,
    private readonly schedulers: SchedulerBackendRegistry,
    private readonly staging: ProjectStagingService,
  ) {}

  async submitMany(items: readonly BatchItemInput[]): Promise<BatchItemOutcome[]> {
    if (this.localRunner.isDraining) {
      throw new ShuttingDownError();
    }
    const outcomes = new Array<BatchItemOutcome>(items.length);
    const candidates = this.screen(items, outcomes);
    const prepared = await this.prepare(candidates, outcomes);
    // No await from here to the insert: a concurrent submission of one of these jobids cannot slip in between.
    const raced = this.repository.findByIds(prepared.map((item) => item.record.id));
    const toInsert: Prepared[] = [];
    for (const item of prepared) {
      const stored = raced.get(item.record.id);
      if (stored) {
        outcomes[item.index] = this.duplicateOutcome(item.index, stored, item.fingerprint);
      } else {
        toInsert.push(item);
      }
    }
    const records = toInsert.map((item) => item.record);
    try {
      // Each job with the files it was accepted with (the launch re-check's reference), in the same transaction.
      this.repository.insertMany(
        records,
        'submitted',
        toInsert.map((item) => item.files),
      );
    } catch (error) {
      // Nothing of the batch was stored: the upload copies go too.
      await Promise.all(toInsert.flatMap((item) => (item.stagedPath !== undefined ? [rm(dirname(item.stagedPath), { recursive: true, force: true })] : [])));
      throw error;
    }
    // Queued at once, so a cancel arriving meanwhile finds them; started after the answer has gone out.
    this.localRunner.enqueueMany(
      records.filter((record) => record.schedulerType === SchedulerType.NONE),
      { admit: false },
    );
    await this.lifecycle.publishCreated(records, 'submitted');
    for (const item of toInsert) outcomes[item.index] = { index: item.index, jobid: item.record.id, status: 'accepted', job: item.record };
    setImmediate(() => {
      this.localRunner.admit();
      this.submitToClusters(records.filter((record) => record.schedulerType !== SchedulerType.NONE));
    });
    return outcomes;
  }

  /** Synchronous checks: parse errors, jobids repeated inside the batch, jobids already stored (one store query). */
  private screen(items: readonly BatchItemInput[], outcomes: BatchItemOutcome[]): Candidate[] {
    const firstIndexOf = new Map<string, number>();
    const fresh: Array<{ index: number; config: HFSSSimulationConfig }> = [];
    items.forEach((item, index) => {
      if ('error' in item) {
        outcomes[index] = { index, ...(item.jobid !== undefined && { jobid: item.jobid }), status: 'rejected', error: item.error };
        return;
      }
      const config = Object.assign(new HFSSSimulationConfig(), item.config, { jobid: item.config.jobid ?? generateJobId() });
      const jobid = config.jobid;
      const first = firstIndexOf.get(jobid);
      if (first !== undefined) {
        outcomes[index] = {
          index,
          jobid,
          status: 'rejected',
          error: batchItemError(new ValidationFailedError(`jobid ${jobid} appears more than once in this batch (first at index ${first})`), {
            first_index: first,
          }),
        };
        return;
      }
      firstIndexOf.set(jobid, index);
      fresh.push({ index, config });
    });
    const stored = this.repository.findByIds(fresh.map(({ config }) => config.jobid!));
    const candidates: Candidate[] = [];
    for (const { index, config } of fresh) {
      const canonical = toPlainConfig(config);
      const fingerprint = configFingerprint(canonical);
      const existing = stored.get(config.jobid!);
      if (existing) {
        outcomes[index] = this.duplicateOutcome(index, existing, fingerprint);
      } else {
        candidates.push({ index, config, canonical, fingerprint });
      }
    }
    return candidates;
  }

  /**
   * The checks of JobsService.submit per item; refused items get their error. The checks of configs that name a path
   * are run once per distinct project, executable and scheduler (sharedCheckKey), all at once; each item then takes
   * its key's outcome without a promise of its own. Uploaded projects (project_ref) are copied per job, a few at once.
   */
  private async prepare(candidates: readonly Candidate[], outcomes: BatchItemOutcome[]): Promise<Prepared[]> {
    const memo = new ResourceCheckMemo();
    const context = { config: this.config, schedulers: this.schedulers };
    const byPath = candidates.filter((candidate) => candidate.config.project_ref === undefined);
    const checks = new Map<string, Promise<CheckOutcome>>();
    for (const { config } of byPath) {
      const key = sharedCheckKey(config);
      if (!checks.has(key)) checks.set(key, settle(checkSubmissionResources(config, false, context, memo)));
    }
    const prepared: Prepared[] = [];
    const [settled] = await Promise.all([
      Promise.all([...checks].map(async ([key, check]) => [key, await check] as const)).then((entries) => new Map(entries)),
      inParallel(
        candidates.filter((candidate) => candidate.config.project_ref !== undefined),
        CHECK_CONCURRENCY,
        async (candidate) => {
          const jobId = candidate.config.jobid!;
          let stagedPath: string | undefined;
          try {
            stagedPath = await this.staging.stageForJob(candidate.config.project_ref!, jobId);
            const staged = Object.assign(new HFSSSimulationConfig(), candidate.config, { project_path: stagedPath });
            prepared.push(this.preparedItem(candidate, await checkSubmissionResources(staged, true, context, memo), stagedPath));
          } catch (error) {
            if (stagedPath !== undefined && !this.repository.findById(jobId)) await rm(dirname(stagedPath), { recursive: true, force: true });
            outcomes[candidate.index] = this.rejectedOutcome(candidate, error);
          }
        },
      ),
    ]);
    for (const candidate of byPath) {
      const check = settled.get(sharedCheckKey(candidate.config))!;
      try {
        if ('error' in check) throw check.error;
        prepared.push(this.preparedItem(candidate, check.checked, undefined));
      } catch (error) {
        outcomes[candidate.index] = this.rejectedOutcome(candidate, error);
      }
    }
    // Sequence numbers in request order (the queue's tie-break among equal priorities), as one-by-one submits get them.
    prepared.sort((a, b) => a.index - b.index);
    for (const item of prepared) item.record.seq = this.repository.allocateSeq();
    return prepared;
  }

  /** An item that passed its checks, with its job record (its seq is allocated once all items are known). */
  private preparedItem(candidate: Candidate, checked: CheckedResources, stagedPath: string | undefined): Prepared {
    const { config } = candidate;
    const workRoot =
      config.scheduler_type !== SchedulerType.NONE ? (this.config.storage.clusterWorkDir ?? this.config.storage.dataDir) : this.config.storage.dataDir;
    const workDir = join(workRoot, 'jobs', jobWorkDirName(config.jobid!));
    const runConfig = Object.assign(new HFSSSimulationConfig(), config, {
      project_path: stagedPath ?? (this.config.security.projectRoots.length > 0 ? checked.projectRealPath : config.project_path),
      ansys_edt_path: checked.executableRunPath,
    });
    return { ...candidate, stagedPath, files: checked.files, record: this.recordFor(candidate, runConfig, workDir, stagedPath) };
  }

  private rejectedOutcome(candidate: Candidate, error: unknown): BatchItemOutcome {
    return { index: candidate.index, jobid: candidate.config.jobid!, status: 'rejected', error: batchItemError(error) };
  }

  private recordFor(candidate: Candidate, runConfig: HFSSSimulationConfig, workDir: string, stagedPath: string | undefined): JobRecord {
    const { config, canonical, fingerprint } = candidate;
    return newJobRecord({ config, canonical, fingerprint, runConfig, workDir, stagedPath, seq: 0, now: Date.now() }, this.config.solver);
  }

  private duplicateOutcome(index: number, existing: JobRecord, fingerprint: string): BatchItemOutcome {
    if (existing.configHash !== fingerprint) {
      return { index, jobid: existing.id, status: 'rejected', error: batchItemError(new DuplicateJobIdError(existing.id), { existing_job_id: existing.id }) };
    }
    return { index, jobid: existing.id, status: 'duplicate', job: existing };
  }

  /**
   * Cluster items are answered as stored (queued); their scheduler submissions follow in the background
   * (ClusterJobRunner.submitBatch: job arrays where the scheduler takes them, a few at a time otherwise). A rejection
   * fails the job (its error says why) and an unreachable scheduler is retried, as for one submit; a restart meanwhile
   * looks each one up by name (or as its array task) before submitting it (ClusterJobRunner.onApplicationBootstrap).
   */
  private submitToClusters(jobs: readonly JobRecord[]): void {
    if (jobs.length === 0) return;
    void this.clusterRunner.submitBatch(jobs).catch((error: Error) => this.logger.warn(`Submitting the cluster jobs of a batch stopped: ${error.message}`));
  }
}
