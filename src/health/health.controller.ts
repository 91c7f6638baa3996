import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LocalJobRunner } from '../jobs/local/local-job-runner.service';
import { JobRepository } from '../jobs/persistence/job.repository';
import { PACKAGE_VERSION } from '../package-version';
import { PublicRoute } from '../security/public-route.decorator';
import { HealthDto } from './health.dto';

@ApiTags('health')
@Controller('health')
@PublicRoute()
export class HealthController {
  constructor(
    private readonly runner: LocalJobRunner,
    private readonly repository: JobRepository,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness: ok while the service accepts jobs, draining during shutdown' })
  @ApiOkResponse({ type: HealthDto, description: 'ok, or draining during shutdown' })
  @ApiServiceUnavailableResponse({
    type: HealthDto,
    description: 'storage_failed: a flush of the job store to disk failed; nothing is acknowledged or changed until the service is restarted',
  })
  health(@Res({ passthrough: true }) response: Response): HealthDto {
    const base = { version: PACKAGE_VERSION, uptime_s: Math.round(process.uptime()) };
    if (this.repository.storageFailure) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'storage_failed', ...base, accepting_jobs: false };
    }
    const draining = this.runner.isDraining;
    return { status: draining ? 'draining' : 'ok', ...base, accepting_jobs: !draining };
  }
}
