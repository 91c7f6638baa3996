import { Logger } from '@nestjs/common';
import { createJobManagerApp } from './app.factory';
import { InvalidConfigurationError, loadAppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig(process.env);
  const app = await createJobManagerApp(config);
  app.enableShutdownHooks(process.platform === 'win32' ? ['SIGINT', 'SIGBREAK'] : ['SIGTERM', 'SIGINT']);
  await app.listen(config.server.port, config.server.host);
  Logger.log(`HFSS job manager on http://${config.server.host}:${config.server.port} (data in ${config.storage.dataDir})`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof InvalidConfigurationError || error instanceof Error ? error.message : String(error);
  Logger.error(`Job manager failed to start: ${message}`, 'Bootstrap');
  process.exit(1);
});
