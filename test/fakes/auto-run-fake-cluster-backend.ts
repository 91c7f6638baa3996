import { readFileSync } from 'node:fs';
import { SchedulerCommandTimeoutError } from '../../src/scheduler/cli/scheduler-command.errors';
import { JobSpec, NativeJobRef, NativeJobState, TERMINAL_NATIVE_STATUSES } from '../../src/scheduler/scheduler-backend';
import { FakeClusterBackend } from './fake-cluster-backend';

/**
 * The in-memory fake scheduler, but jobs run by themselves as the fake ansysedt's project file says
 * (`duration_ms`, `exit_code`), so the backend conformance scenarios can drive it like a real scheduler: it can
 * be hung (takes submissions, answers nothing), hold jobs pending, and requeue a running job.
 */
export class AutoRunFakeClusterBackend extends FakeClusterBackend {
  hung = false;
  holding = false;
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  private readonly behaviours = new Map<string, { durationMs: number; exitCode: number }>();

  override async submit(spec: JobSpec): Promise<NativeJobRef> {
    if (this.hung) this.nextSubmit = 'lost-answer'; // the job is created, the answer never comes
    const countBefore = this.jobs.size;
    try {
      return await super.submit(spec);
    } finally {
      if (this.jobs.size > countBefore) {
        const nativeId = [...this.jobs.keys()].at(-1)!;
        const behaviour = JSON.parse(readFileSync(spec.config.project_path ?? '', 'utf8') || '{}') as { duration_ms?: number; exit_code?: number };
        this.behaviours.set(nativeId, { durationMs: behaviour.duration_ms ?? 0, exitCode: behaviour.exit_code ?? 0 });
        if (!this.holding) this.start(nativeId);
      }
    }
  }

  override async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    if (this.hung) throw new SchedulerCommandTimeoutError('squeue', 100);
    return super.poll(refs);
  }

  override async cancel(ref: NativeJobRef): Promise<void> {
    if (this.hung) throw new SchedulerCommandTimeoutError('scancel', 100);
    await super.cancel(ref);
    if (this.jobs.get(ref.nativeId)?.state.status === 'cancelled') this.stop(ref.nativeId);
  }

  override async findByName(jobName: string, workDir: string): Promise<NativeJobRef | null> {
    if (this.hung) throw new SchedulerCommandTimeoutError('squeue', 100);
    return super.findByName(jobName, workDir);
  }

  release(): void {
    this.holding = false;
    for (const [nativeId, job] of this.jobs) {
      if (job.state.status === 'pending' && !this.timers.has(nativeId)) this.start(nativeId);
    }
  }

  requeue(nativeId: string): void {
    this.stop(nativeId);
    this.jobs.get(nativeId)!.state = { status: 'pending', nativeState: 'PENDING', nativeReason: 'Requeued' };
    this.timers.set(nativeId, [setTimeout(() => this.start(nativeId), 2000)]);
  }

  private start(nativeId: string): void {
    const job = this.jobs.get(nativeId)!;
    const { durationMs, exitCode } = this.behaviours.get(nativeId)!;
    const timers = [
      setTimeout(() => (job.state = { status: 'running' }), 100),
      setTimeout(
        () => (job.state = exitCode === 0 ? { status: 'completed', exitCode } : { status: 'failed', exitCode, reason: `exit code ${exitCode}` }),
        100 + durationMs,
      ),
    ];
    timers.forEach((timer) => timer.unref());
    this.timers.set(nativeId, timers);
  }

  private stop(nativeId: string): void {
    this.timers.get(nativeId)?.forEach(clearTimeout);
    this.timers.delete(nativeId);
    const job = this.jobs.get(nativeId);
    if (job && !TERMINAL_NATIVE_STATUSES.has(job.state.status) && job.state.status !== 'pending') job.state = { status: 'pending' };
  }
}
