import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { AppConfig, loadAppConfig } from '../../src/config/app-config';
import { AppModule } from '../../src/app.module';
import { configureJobManagerApp } from '../../src/app.factory';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SYSTEM_INFORMATION } from '../../src/resources/resources.constants';
import { SystemInformation } from '../../src/resources/system-information.provider';

export const FAKE_ANSYSEDT = resolve(__dirname, '../fakes/bin/ansysedt');

/** A host that always has room: tests of admission swap in their own readings. */
export function fakeSystemInformation(
  readings: { cpuPercent?: number; freeMemoryMb?: number; freeDiskMb?: number } = {},
): SystemInformation & { readings: typeof readings } {
  const MIB = 1024 * 1024;
  const fake = {
    readings,
    currentLoad: async () => ({ currentLoad: fake.readings.cpuPercent ?? 5, cpus: [{}, {}] }),
    mem: async () => ({ total: 24_000 * MIB, available: (fake.readings.freeMemoryMb ?? 20_000) * MIB }),
    diskSpace: async () => ({ totalBytes: 100_000 * MIB, availableBytes: (fake.readings.freeDiskMb ?? 50_000) * MIB }),
  };
  return fake;
}

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  dataDir: string;
  close(): Promise<void>;
}

export function makeTempDir(prefix = 'hfss-jm-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a fake project whose JSON content steers the fake solver (duration, exit code, …). */
export function writeProject(dir: string, name: string, behaviour: Record<string, unknown> = {}): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ duration_ms: 200, ...behaviour }));
  return path;
}

/**
 * Boots the real AppModule (same pipes, filters and providers as production) on a data dir, listening on a
 * random loopback port. Only the host readings are faked unless `realTelemetry` is set.
 */
export async function startTestApp(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    systemInformation?: SystemInformation;
    realTelemetry?: boolean;
    /** Further provider overrides, e.g. extra scheduler backends. */
    configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? makeTempDir();
  const config = loadAppConfig({
    HFSS_JM_DATA_DIR: dataDir,
    HFSS_JM_ANSYSEDT_PATH: FAKE_ANSYSEDT,
    HFSS_JM_TEMP_DIR: join(dataDir, 'tmp'),
    HFSS_JM_MAX_CONCURRENT_JOBS: '2',
    HFSS_JM_KILL_GRACE_MS: '1000',
    HFSS_JM_LOCAL_POLL_INTERVAL_MS: '200',
    HFSS_JM_TELEMETRY_INTERVAL_MS: '200',
    HFSS_JM_DRAIN_TIMEOUT_MS: '2000',
    HFSS_JM_LOG_LEVEL: 'error',
    HFSS_JM_SQLITE_SYNCHRONOUS: 'normal',
    ...options.env,
  });
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  if (!options.realTelemetry) {
    builder = builder.overrideProvider(SYSTEM_INFORMATION).useValue(options.systemInformation ?? fakeSystemInformation());
  }
  const moduleRef = await (options.configure ? options.configure(builder) : builder).compile();
  const app = configureJobManagerApp(moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error'] }), config);
  await app.listen(0, '127.0.0.1');
  return {
    app,
    url: await app.getUrl(),
    config,
    dataDir,
    close: async () => {
      await app.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
