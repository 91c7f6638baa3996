import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { JobDeletionService } from './job-deletion.service';
import { JobPruningRepository, PrunableJob } from './job-pruning.repository';

const DAY_MS = 86_400_000;
/** Jobs deleted per batch; the event loop gets a turn between batches, so requests are never held up long. */
export const RETENTION_BATCH_SIZE = 20;

/** HFSS_JM_RETENTION_DAYS / HFSS_JM_RETENTION_MAX_JOBS: prunes terminal jobs on a timer, off the request path. */
@Injectable()
export class JobRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobRetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pruning: JobPruningRepository,
    private readonly deletion: JobDeletionService,
  ) {}

  get enabled(): boolean {
    return this.config.retention.maxAgeDays !== undefined || this.config.retention.maxJobs !== undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => void this.runOnce(), this.config.retention.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass (a pass already under way is joined, not doubled); returns how many jobs it deleted. */
  runOnce(now = Date.now()): Promise<number> {
    this.running ??= this.pass(now)
      .catch((error: Error) => {
        this.logger.warn(`Retention pass failed: ${error.message}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: number): Promise<number> {
    const { maxAgeDays, maxJobs } = this.config.retention;
    let deleted = 0;
    if (maxAgeDays !== undefined) {
      deleted += await this.drain(() => this.pruning.finishedBefore(now - maxAgeDays * DAY_MS, RETENTION_BATCH_SIZE));
    }
    if (maxJobs !== undefined) {
      deleted += await this.drain(() => this.pruning.beyondNewest(maxJobs, RETENTION_BATCH_SIZE));
    }
    if (deleted > 0) this.logger.log(`Retention deleted ${deleted} finished job(s)`);
    return deleted;
  }

  /** Deletes batch after batch until a batch comes back empty or deletes nothing (every listed job changed). */
  private async drain(nextBatch: () => PrunableJob[]): Promise<number> {
    let deleted = 0;
    while (!this.stopped) {
      const batch = nextBatch();
      let progressed = 0;
      for (const job of batch) progressed += (await this.deletion.prune(job)) ? 1 : 0;
      deleted += progressed;
      if (batch.length < RETENTION_BATCH_SIZE || progressed === 0) break;
      await nextTurn();
    }
    return deleted;
  }
}
