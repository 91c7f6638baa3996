import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ResourcesModule } from '../resources/resources.module';
import { EventJournal } from './event-journal';
import { JobEventsGateway } from './job-events.gateway';

@Module({
  imports: [JobsModule, ResourcesModule],
  providers: [EventJournal, JobEventsGateway],
  exports: [EventJournal],
})
export class GatewayModule {}
