import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DASHBOARD_PUBLIC_DIR } from './dashboard.constants';
import { PublicRoute } from '../security/public-route.decorator';

@ApiTags('dashboard')
@Controller()
@PublicRoute()
export class DashboardController {
  private readonly page = readFileSync(join(DASHBOARD_PUBLIC_DIR, 'index.html'), 'utf8');

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Live dashboard (queue, running jobs with progress, host telemetry, limits; cancel and priority actions)' })
  getDashboard(): string {
    return this.page;
  }
}
