import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LocalJobRunner } from '../jobs/local/local-job-runner.service';
import { PACKAGE_VERSION } from '../package-version';
import { PublicRoute } from '../security/public-route.decorator';
import { HealthDto } from './health.dto';

@ApiTags('health')
@Controller('health')
@PublicRoute()
export class HealthController {
  constructor(private readonly runner: LocalJobRunner) {}

  @Get()
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness: ok while the service accepts jobs, draining during shutdown' })
  health(): HealthDto {
    const draining = this.runner.isDraining;
    return { status: draining ? 'draining' : 'ok', version: PACKAGE_VERSION, uptime_s: Math.round(process.uptime()), accepting_jobs: !draining };
  }
}
