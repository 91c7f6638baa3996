import { Module } from '@nestjs/common';
import { ResourcesModule } from '../resources/resources.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { ClusterJobRunner } from './cluster/cluster-job-runner.service';
import { JobLifecycleService } from './job-lifecycle.service';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { LocalJobRunner } from './local/local-job-runner.service';
import { JobRepository } from './persistence/job.repository';
import { sqliteDatabaseProvider } from './persistence/sqlite-database.provider';
import { SolverProgressTracker } from './progress/solver-progress.tracker';
import { LaunchGuard } from './submission/launch-guard.service';
import { QueueController } from './queue.controller';

@Module({
  imports: [ResourcesModule, SchedulerModule],
  controllers: [JobsController, QueueController],
  providers: [ClusterJobRunner, JobLifecycleService, JobRepository, JobsService, LaunchGuard, LocalJobRunner, SolverProgressTracker, sqliteDatabaseProvider],
  exports: [ClusterJobRunner, JobRepository, JobsService, LocalJobRunner],
})
export class JobsModule {}
