import { ResourceLimits } from '../config/app-config';

/** Emitted after the admission limits changed at run time. */
export class LimitsChangedEvent {
  constructor(
    readonly limits: Readonly<ResourceLimits>,
    readonly previous: Readonly<ResourceLimits>,
  ) {}
}
