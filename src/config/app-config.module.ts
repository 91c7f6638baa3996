import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { APP_CONFIG } from './config.constants';

/**
 * Holds the configuration validated by `loadAppConfig`. The service, the tests and the embedded façade each
 * build their own AppConfig, so several instances can live in one process without touching process.env.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
