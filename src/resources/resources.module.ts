import { Module } from '@nestjs/common';
import { HostTelemetryService } from './host-telemetry.service';
import { ResourceLimitsService } from './resource-limits.service';
import { ResourcesController } from './resources.controller';
import { systemInformationProvider } from './system-information.provider';

@Module({
  controllers: [ResourcesController],
  providers: [HostTelemetryService, ResourceLimitsService, systemInformationProvider],
  exports: [HostTelemetryService, ResourceLimitsService],
})
export class ResourcesModule {}
