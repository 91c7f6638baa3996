import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { ResourceLimitsDto, ResourcesViewDto } from './dto/resources-view.dto';
import { UpdateResourceLimitsDto } from './dto/update-resource-limits.dto';
import { HostTelemetryService } from './host-telemetry.service';
import { ResourceLimitsService } from './resource-limits.service';
import { toHostSampleDto, toResourceLimitsDto } from './resources-view.mapper';

@ApiTags('resources')
@Controller('resources')
export class ResourcesController {
  constructor(
    private readonly telemetry: HostTelemetryService,
    private readonly limits: ResourceLimitsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Real-time host telemetry (CPU, memory, disk) and the admission limits' })
  getResources(): ResourcesViewDto {
    const sample = this.telemetry.latest;
    return {
      host: sample ? toHostSampleDto(sample) : null,
      limits: toResourceLimitsDto(this.limits.current),
      sample_interval_s: this.config.telemetry.intervalMs / 1000,
    };
  }

  @Put('limits')
  @ApiOperation({ summary: 'Change the admission limits for local jobs (until restart); emits limits_updated' })
  updateLimits(@Body() body: UpdateResourceLimitsDto): ResourceLimitsDto {
    return toResourceLimitsDto(
      this.limits.update({
        maxConcurrentJobs: body.max_concurrent_jobs,
        maxCpuPercent: body.max_cpu_percent,
        minFreeMemoryMb: body.min_free_memory_mb,
        minFreeDiskMb: body.min_free_disk_mb,
      }),
    );
  }
}
