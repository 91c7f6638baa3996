import { mkdir } from 'node:fs/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { HostSample } from './host-sample';
import { HostSampledEvent } from './host-sampled.event';
import { SYSTEM_INFORMATION } from './resources.constants';
import { SystemInformation } from './system-information.provider';

const MIB = 1024 * 1024;

/** Samples CPU, memory and temp-dir disk on an interval, never overlapping two samples. */
@Injectable()
export class HostTelemetryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HostTelemetryService.name);
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<HostSample | undefined>;
  private latestSample?: HostSample;

  constructor(
    @Inject(SYSTEM_INFORMATION) private readonly systemInformation: SystemInformation,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventEmitter2,
  ) {}

  get latest(): HostSample | undefined {
    return this.latestSample;
  }

  async onApplicationBootstrap(): Promise<void> {
    await mkdir(this.config.solver.tempDir, { recursive: true });
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.config.telemetry.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Takes a sample now, or joins the one in flight. */
  sample(): Promise<HostSample | undefined> {
    this.inFlight ??= this.read()
      .then((sample) => {
        this.latestSample = sample;
        this.events.emit(HostSampledEvent.name, new HostSampledEvent(sample));
        return sample;
      })
      .catch((error: unknown) => {
        this.logger.warn(`Host telemetry failed: ${error instanceof Error ? error.message : String(error)}`);
        return this.latestSample;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async read(): Promise<HostSample> {
    const tempDir = this.config.solver.tempDir;
    const [load, memory, disk] = await Promise.all([
      this.systemInformation.currentLoad(),
      this.systemInformation.mem(),
      this.systemInformation.diskSpace(tempDir),
    ]);
    return {
      sampledAt: Date.now(),
      cpuPercent: Math.round(load.currentLoad * 10) / 10,
      cpuCores: load.cpus.length,
      memoryTotalMb: memory.total / MIB,
      memoryFreeMb: memory.available / MIB,
      diskPath: tempDir,
      diskTotalMb: disk.totalBytes / MIB,
      diskFreeMb: disk.availableBytes / MIB,
    };
  }
}
