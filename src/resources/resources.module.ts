import { Module } from '@nestjs/common';
import { HostTelemetryService } from './host-telemetry.service';
import { ResourcesController } from './resources.controller';
import { systemInformationProvider } from './system-information.provider';

@Module({
  controllers: [ResourcesController],
  providers: [HostTelemetryService, systemInformationProvider],
  exports: [HostTelemetryService],
})
export class ResourcesModule {}
