import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { ResourcesViewDto } from './dto/resources-view.dto';
import { HostTelemetryService } from './host-telemetry.service';
import { toHostSampleDto, toResourceLimitsDto } from './resources-view.mapper';

@ApiTags('resources')
@Controller('resources')
export class ResourcesController {
  constructor(
    private readonly telemetry: HostTelemetryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Real-time host telemetry (CPU, memory, disk) and the admission limits' })
  getResources(): ResourcesViewDto {
    const sample = this.telemetry.latest;
    return {
      host: sample ? toHostSampleDto(sample) : null,
      limits: toResourceLimitsDto(this.config.limits),
      sample_interval_s: this.config.telemetry.intervalMs / 1000,
    };
  }
}
