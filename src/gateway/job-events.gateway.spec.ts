import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { JobStateChangedEvent } from '../jobs/events/job-state-changed.event';
import { JobsSubmittedEvent } from '../jobs/events/jobs-submitted.event';
import { LocalJobRunner } from '../jobs/local/local-job-runner.service';
import { JobRecord } from '../jobs/model/job-record';
import { JobStatus } from '../jobs/model/job-status';
import { ResourceLimitsService } from '../resources/resource-limits.service';
import { EventJournal } from './event-journal';
import { ALL_EVENTS_ROOM } from './job-events.contract';
import { BATCH_EVENTS_PER_TURN, JobEventsGateway } from './job-events.gateway';
import { JobLogFollowService } from './log-follow/job-log-follow.service';

const job = (id: string, status = JobStatus.QUEUED): JobRecord =>
  ({
    id,
    status,
    priority: 0,
    schedulerType: 'none',
    config: {},
    createdAt: 0,
    updatedAt: 0,
    startedAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    run: 1,
  }) as unknown as JobRecord;

describe('JobEventsGateway and batch submissions', () => {
  const sent: Array<{ name: string; jobId: string }> = [];
  let gateway: JobEventsGateway;

  beforeEach(() => {
    sent.length = 0;
    const config = { events: { bufferSize: 50_000 } } as AppConfig;
    const runner = { positionOf: () => undefined } as unknown as LocalJobRunner;
    gateway = new JobEventsGateway(new EventJournal(config), runner, {} as ResourceLimitsService, {} as JobLogFollowService, config);
    const server = {
      sockets: { adapter: { rooms: new Map([[ALL_EVENTS_ROOM, new Set(['a-dashboard'])]]) } },
      to: () => ({ emit: (name: string, payload: { job_id: string }) => sent.push({ name, jobId: payload.job_id }) }),
    };
    Object.assign(gateway, { server });
  });

  it('keeps the event for catch_up but hands Socket.IO nothing to encode when no client is in its rooms', () => {
    const config = { events: { bufferSize: 50_000 } } as AppConfig;
    const journal = new EventJournal(config);
    const lonely = new JobEventsGateway(
      journal,
      { positionOf: () => undefined } as unknown as LocalJobRunner,
      {} as ResourceLimitsService,
      {} as JobLogFollowService,
      config,
    );
    let encoded = 0;
    const rooms = new Map<string, Set<string>>();
    Object.assign(lonely, { server: { sockets: { adapter: { rooms } }, to: () => ({ emit: () => encoded++ }) } });
    lonely.onJobStateChanged(new JobStateChangedEvent(job('j1', JobStatus.CANCELLED), JobStatus.QUEUED, 'cancelled while queued'));
    expect(encoded).toBe(0);
    expect(journal.since(0, journal.bootId).events.map((event) => event.event)).toEqual(['job_cancelled', 'job_completed']);
    // A client watching that one job gets the next event.
    rooms.set('job:j1', new Set(['a-client']));
    lonely.onJobStateChanged(new JobStateChangedEvent(job('j1', JobStatus.CANCELLED), JobStatus.QUEUED, 'cancelled while queued'));
    expect(encoded).toBe(2);
  });

  it('sends one job_queued per job, in order, BATCH_EVENTS_PER_TURN per event-loop turn', async () => {
    const jobs = Array.from({ length: 2 * BATCH_EVENTS_PER_TURN + 10 }, (_, i) => job(`j${i}`));
    gateway.onJobsSubmitted(new JobsSubmittedEvent(jobs, 'submitted'));
    expect(sent).toHaveLength(0);
    await nextTurn();
    expect(sent).toHaveLength(BATCH_EVENTS_PER_TURN);
    await nextTurn();
    await nextTurn();
    expect(sent.map((event) => event.jobId)).toEqual(jobs.map((j) => j.id));
    expect(new Set(sent.map((event) => event.name))).toEqual(new Set(['job_queued']));
  });

  it('sends a job’s pending job_queued before any later event of that job, and only once', async () => {
    const jobs = Array.from({ length: 2 * BATCH_EVENTS_PER_TURN }, (_, i) => job(`j${i}`));
    gateway.onJobsSubmitted(new JobsSubmittedEvent(jobs, 'submitted'));
    const last = jobs.at(-1)!;
    gateway.onJobStateChanged(new JobStateChangedEvent(job(last.id, JobStatus.CANCELLED), JobStatus.QUEUED, 'cancelled while queued'));
    expect(sent).toEqual([
      { name: 'job_queued', jobId: last.id },
      { name: 'job_cancelled', jobId: last.id },
      { name: 'job_completed', jobId: last.id },
    ]);
    await nextTurn();
    await nextTurn();
    await nextTurn();
    expect(sent.filter((event) => event.jobId === last.id)).toHaveLength(3);
    expect(sent.filter((event) => event.name === 'job_queued')).toHaveLength(jobs.length);
  });
});
