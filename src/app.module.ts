import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ValidationFailedError } from './common/errors/job-manager.errors';
import { DomainErrorFilter } from './common/filters/domain-error.filter';
import { UnhandledErrorFilter } from './common/filters/unhandled-error.filter';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProjectsModule } from './projects/projects.module';
import { ResourcesModule } from './resources/resources.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SecurityModule } from './security/security.module';
import { formatValidationErrors } from './simulation/simulation-config.validation';

/** Unknown fields are rejected, payloads are transformed into their DTO classes, messages name the field path. */
export const strictValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: (errors) => new ValidationFailedError(formatValidationErrors(errors).join('; ')),
});

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        EventEmitterModule.forRoot(),
        DashboardModule,
        GatewayModule,
        HealthModule,
        JobsModule,
        MetricsModule,
        ProjectsModule,
        ResourcesModule,
        SchedulerModule,
        SecurityModule,
      ],
      providers: [
        { provide: APP_PIPE, useValue: strictValidationPipe },
        { provide: APP_FILTER, useClass: UnhandledErrorFilter },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
      ],
    };
  }
}
