import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { EventEnvelope, JobManagerEvent, JobManagerEventName } from './job-events.contract';

/**
 * Numbers every outgoing event and keeps the most recent ones in a ring buffer, so a client that reconnects can
 * ask for what it missed. Sequence numbers restart with the process; `bootId` tells a client when that happened.
 */
@Injectable()
export class EventJournal {
  readonly bootId = randomUUID();
  private readonly buffer: Array<JobManagerEvent | undefined>;
  private lastSeq = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.buffer = new Array<JobManagerEvent | undefined>(config.events.bufferSize);
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** Stamps the payload with the next sequence number and remembers it. */
  record<T extends Omit<JobManagerEvent, keyof EventEnvelope>>(event: JobManagerEventName, payload: T): T & EventEnvelope {
    const stamped = { seq: ++this.lastSeq, boot_id: this.bootId, event, emitted_at: new Date().toISOString(), ...payload };
    this.buffer[stamped.seq % this.buffer.length] = stamped as unknown as JobManagerEvent;
    return stamped;
  }

  /** Events after `sinceSeq`, oldest first; `complete` is false when some of them are no longer buffered. */
  since(sinceSeq: number, bootId?: string): { complete: boolean; events: JobManagerEvent[] } {
    if (bootId !== undefined && bootId !== this.bootId) {
      return { complete: false, events: this.since(0).events };
    }
    const oldest = Math.max(1, this.lastSeq - this.buffer.length + 1);
    const from = Math.max(sinceSeq + 1, oldest);
    const events: JobManagerEvent[] = [];
    for (let seq = from; seq <= this.lastSeq; seq++) {
      const event = this.buffer[seq % this.buffer.length];
      if (event) events.push(event);
    }
    return { complete: sinceSeq + 1 >= oldest, events };
  }
}
