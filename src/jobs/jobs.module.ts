import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { ResourcesModule } from '../resources/resources.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { ClusterJobRunner } from './cluster/cluster-job-runner.service';
import { PyedbJobsController } from './compat/pyedb-jobs.controller';
import { PyedbSubmissionNormalizer } from './compat/pyedb-submission.normalizer';
import { JobLifecycleService } from './job-lifecycle.service';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { LocalJobRunner } from './local/local-job-runner.service';
import { JobEventsRepository } from './output/job-events.repository';
import { JobFilesService } from './output/job-files.service';
import { JobLogService } from './output/job-log.service';
import { JobOutputController } from './output/job-output.controller';
import { JobRepository } from './persistence/job.repository';
import { dataDirLockProvider, sqliteDatabaseProvider } from './persistence/sqlite-database.provider';
import { SolverProgressTracker } from './progress/solver-progress.tracker';
import { BatchSubmissionService } from './submission/batch-submission.service';
import { LaunchGuard } from './submission/launch-guard.service';
import { QueueController } from './queue.controller';
import { JobDeletionService } from './retention/job-deletion.service';
import { AutomaticRetryService } from './retry/automatic-retry.service';
import { JobAttemptsRepository } from './retry/job-attempts.repository';
import { JobRetryController } from './retry/job-retry.controller';
import { JobRetryService } from './retry/job-retry.service';
import { JobPruningRepository } from './retention/job-pruning.repository';
import { JobRetentionService } from './retention/job-retention.service';

@Module({
  imports: [ProjectsModule, ResourcesModule, SchedulerModule],
  controllers: [JobOutputController, JobRetryController, JobsController, PyedbJobsController, QueueController],
  providers: [
    AutomaticRetryService,
    BatchSubmissionService,
    ClusterJobRunner,
    dataDirLockProvider,
    JobAttemptsRepository,
    JobDeletionService,
    JobEventsRepository,
    JobFilesService,
    JobLifecycleService,
    JobLogService,
    JobPruningRepository,
    JobRepository,
    JobRetentionService,
    JobRetryService,
    JobsService,
    LaunchGuard,
    LocalJobRunner,
    PyedbSubmissionNormalizer,
    SolverProgressTracker,
    sqliteDatabaseProvider,
  ],
  exports: [BatchSubmissionService, ClusterJobRunner, JobAttemptsRepository, JobRepository, JobsService, LocalJobRunner],
})
export class JobsModule {}
