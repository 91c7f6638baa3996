import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig, ResourceLimits } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { LimitsChangedEvent } from './limits-changed.event';

/**
 * The admission limits in force. They start from the validated configuration and may be changed at run time
 * (PUT /resources/limits, the dashboard); a change applies to the next dispatch and lasts until a restart.
 */
@Injectable()
export class ResourceLimitsService {
  private limits: ResourceLimits;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly events: EventEmitter2,
  ) {
    this.limits = { ...config.limits };
  }

  get current(): Readonly<ResourceLimits> {
    return this.limits;
  }

  update(patch: Partial<ResourceLimits>): Readonly<ResourceLimits> {
    const previous = this.limits;
    this.limits = { ...previous, ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) };
    this.events.emit(LimitsChangedEvent.name, new LimitsChangedEvent(this.limits, previous));
    return this.limits;
  }
}
