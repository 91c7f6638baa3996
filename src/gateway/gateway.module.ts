import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ResourcesModule } from '../resources/resources.module';
import { EventJournal } from './event-journal';
import { JobEventsGateway } from './job-events.gateway';
import { JobLogFollowService } from './log-follow/job-log-follow.service';

@Module({
  imports: [JobsModule, ResourcesModule],
  providers: [EventJournal, JobEventsGateway, JobLogFollowService],
  exports: [EventJournal],
})
export class GatewayModule {}
