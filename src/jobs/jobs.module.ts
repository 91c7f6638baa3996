import { Module } from '@nestjs/common';
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
import { sqliteDatabaseProvider } from './persistence/sqlite-database.provider';
import { SolverProgressTracker } from './progress/solver-progress.tracker';
import { QueueController } from './queue.controller';

@Module({
  imports: [ResourcesModule, SchedulerModule],
  controllers: [JobOutputController, JobsController, PyedbJobsController, QueueController],
  providers: [
    ClusterJobRunner, JobEventsRepository, JobFilesService, JobLifecycleService, JobLogService, JobRepository, JobsService, LocalJobRunner,
    PyedbSubmissionNormalizer, SolverProgressTracker, sqliteDatabaseProvider,
  ],
  exports: [ClusterJobRunner, JobRepository, JobsService, LocalJobRunner],
})
export class JobsModule {}
