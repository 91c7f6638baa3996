import { OnEvent } from '@nestjs/event-emitter';
import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { JobStateChangedEvent } from '../jobs/events/job-state-changed.event';
import { JobStatus } from '../jobs/model/job-status';
import { toJobView } from '../jobs/job-view.mapper';

/** The seed's Socket.IO event for each state a job enters. */
const EVENT_BY_STATUS: Partial<Record<JobStatus, string>> = {
  [JobStatus.QUEUED]: 'job_queued',
  [JobStatus.SCHEDULED]: 'job_scheduled',
  [JobStatus.RUNNING]: 'job_started',
  [JobStatus.COMPLETED]: 'job_completed',
  [JobStatus.FAILED]: 'job_completed',
  [JobStatus.CANCELLED]: 'job_completed',
  [JobStatus.TIMED_OUT]: 'job_completed',
};

/** Publishes job state changes to Socket.IO clients; a thin adapter over domain events. */
@WebSocketGateway({ cors: false })
export class JobEventsGateway {
  @WebSocketServer() private readonly server?: Server;

  @OnEvent(JobStateChangedEvent.name)
  publish(event: JobStateChangedEvent): void {
    if (event.previousStatus === event.job.status) {
      return;
    }
    const name = EVENT_BY_STATUS[event.job.status];
    if (name && this.server) {
      const job = toJobView(event.job);
      this.server.emit(name, { job_id: job.job_id, status: job.status, exit_code: job.exit_code, error: job.error, at: job.updated_at, job });
    }
  }
}
