import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ResourceLimitsService } from '../resources/resource-limits.service';
import { ClusterJobRunner } from './cluster/cluster-job-runner.service';
import { QueueViewDto } from './dto/queue-view.dto';
import { LocalJobRunner } from './local/local-job-runner.service';
import { JobStatus } from './model/job-status';
import { JobRepository } from './persistence/job.repository';

@ApiTags('queue')
@Controller('queue')
export class QueueController {
  constructor(
    private readonly runner: LocalJobRunner,
    private readonly repository: JobRepository,
    private readonly limits: ResourceLimitsService,
    private readonly clusterRunner: ClusterJobRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Queue statistics (queued vs running) and why queued jobs wait' })
  getQueue(): QueueViewDto {
    const blockers = this.runner.blockers();
    return {
      queued: this.runner.queuedCount,
      running: this.runner.runningCount,
      scheduled: this.repository.countWithStatus(JobStatus.SCHEDULED),
      max_concurrent_jobs: this.limits.current.maxConcurrentJobs,
      admitting: blockers.length === 0,
      blocked_reasons: this.runner.waitingBlockers(),
      next: this.runner.head(20).map((entry, index) => ({ job_id: entry.id, priority: entry.priority, position: index + 1 })),
      awaiting_submission: this.clusterRunner.awaitingSubmission().map(({ job, reason }) => ({
        job_id: job.id,
        scheduler_type: job.schedulerType,
        reason,
        cancel_requested: job.cancelRequestedAt !== null,
      })),
    };
  }
}
