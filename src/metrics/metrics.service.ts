import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ClusterJobRunner } from '../jobs/cluster/cluster-job-runner.service';
import { JobLaunchedEvent } from '../jobs/events/job-launched.event';
import { JobsSubmittedEvent } from '../jobs/events/jobs-submitted.event';
import { JobStateChangedEvent } from '../jobs/events/job-state-changed.event';
import { SchedulerPolledEvent } from '../jobs/events/scheduler-polled.event';
import { LocalJobRunner } from '../jobs/local/local-job-runner.service';
import { JobStatus } from '../jobs/model/job-status';
import { JobRepository } from '../jobs/persistence/job.repository';

/**
 * Prometheus metrics, in a registry of this application instance (several can live in one process, as in the
 * tests and the embedded façade). Gauges are read from the store and the runners at scrape time; histograms and
 * counters are fed by domain events.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly dispatchLatency: Histogram;
  private readonly pollDuration: Histogram<'scheduler'>;
  private readonly pollFailures: Counter<'scheduler'>;
  private readonly transitions: Counter<'status'>;

  constructor(repository: JobRepository, localRunner: LocalJobRunner, clusterRunner: ClusterJobRunner) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'hfss_jm_' });
    new Gauge({
      name: 'hfss_jm_jobs',
      help: 'Jobs in the store by state',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, count] of Object.entries(repository.countsByStatus())) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'hfss_jm_queue_depth',
      help: 'Local jobs waiting in the priority queue',
      registers,
      collect() {
        this.set(localRunner.queuedCount);
      },
    });
    new Gauge({
      name: 'hfss_jm_running_local_jobs',
      help: 'Local solves running now',
      registers,
      collect() {
        this.set(localRunner.runningCount);
      },
    });
    new Gauge({
      name: 'hfss_jm_tracked_cluster_jobs',
      help: 'Cluster jobs being monitored',
      registers,
      collect() {
        this.set(clusterRunner.trackedCount);
      },
    });
    this.dispatchLatency = new Histogram({
      name: 'hfss_jm_dispatch_latency_seconds',
      help: 'From taking a free slot to the solver supervisor running',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.pollDuration = new Histogram({
      name: 'hfss_jm_scheduler_poll_duration_seconds',
      help: 'Duration of one batched status poll per cluster scheduler',
      labelNames: ['scheduler'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.pollFailures = new Counter({
      name: 'hfss_jm_scheduler_poll_failures_total',
      help: 'Failed status polls (scheduler down, slow or erroring)',
      labelNames: ['scheduler'],
      registers,
    });
    this.transitions = new Counter({ name: 'hfss_jm_job_transitions_total', help: 'Job state changes by new state', labelNames: ['status'], registers });
  }

  @OnEvent(JobLaunchedEvent.name)
  onLaunched(event: JobLaunchedEvent): void {
    this.dispatchLatency.observe(event.latencyMs / 1000);
  }

  @OnEvent(SchedulerPolledEvent.name)
  onPolled(event: SchedulerPolledEvent): void {
    this.pollDuration.observe({ scheduler: event.scheduler }, event.durationMs / 1000);
    if (!event.succeeded) this.pollFailures.inc({ scheduler: event.scheduler });
  }

  @OnEvent(JobStateChangedEvent.name)
  onStateChanged(event: JobStateChangedEvent): void {
    if (event.previousStatus !== event.job.status) this.transitions.inc({ status: event.job.status });
  }

  @OnEvent(JobsSubmittedEvent.name)
  onJobsSubmitted(event: JobsSubmittedEvent): void {
    this.transitions.inc({ status: JobStatus.QUEUED }, event.jobs.length);
  }
}
