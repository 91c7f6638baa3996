import { HostSample } from './host-sample';

export class HostSampledEvent {
  constructor(readonly sample: HostSample) {}
}
