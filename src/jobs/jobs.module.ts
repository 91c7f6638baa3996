import { Module } from '@nestjs/common';
import { ResourcesModule } from '../resources/resources.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { ClusterJobRunner } from './cluster/cluster-job-runner.service';
import { JobLifecycleService } from './job-lifecycle.service';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { LocalJobRunner } from './local/local-job-runner.service';
import { JobRepository } from './persistence/job.repository';
import { dataDirLockProvider, sqliteDatabaseProvider } from './persistence/sqlite-database.provider';
import { SolverProgressTracker } from './progress/solver-progress.tracker';
import { QueueController } from './queue.controller';

@Module({
  imports: [ResourcesModule, SchedulerModule],
  controllers: [JobsController, QueueController],
  providers: [ClusterJobRunner, dataDirLockProvider, JobLifecycleService, JobRepository, JobsService, LocalJobRunner, SolverProgressTracker, sqliteDatabaseProvider],
  exports: [ClusterJobRunner, JobRepository, JobsService, LocalJobRunner],
})
export class JobsModule {}
