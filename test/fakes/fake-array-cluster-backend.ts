import { ArrayTask, JobArraySubmission, JobSpec, NativeJobRef } from '../../src/scheduler/scheduler-backend';
import {
  JobArrayRefusedError,
  SchedulerUnreachableError,
  SubmissionOutcomeUnknownError,
  SubmissionRejectedError,
} from '../../src/scheduler/submission-failure.errors';
import { FakeClusterBackend } from './fake-cluster-backend';

/**
 * FakeClusterBackend that also takes job arrays, as SlurmBackend does: an array's tasks are `<id>_<i>` jobs of the
 * fake, each named by its job, with the array's name kept for lookups. `nextArray` makes the next array submission
 * fail like `nextSubmit` does for one job; `arraySubmitDelayMs` holds it.
 */
export class FakeArrayClusterBackend extends FakeClusterBackend implements JobArraySubmission {
  maxArrayTasks = 3;
  readonly arrays: Array<{ arrayName: string; jobIds: string[] }> = [];
  /** Array name of each task, by native id. */
  private readonly taskArrays = new Map<string, ArrayTask>();
  arrayCalls = 0;
  /** `hang`: the scheduler creates the array and its answer never comes (the service stops meanwhile). */
  nextArray: 'ok' | 'reject' | 'lost-answer' | 'unreachable' | 'hang' | 'refuse-array' = 'ok';
  prepareCalls = 0;
  arraySubmitDelayMs = 0;
  readonly arrayLookups: ArrayTask[] = [];
  private arrayCounter = 900;

  /** Every removeArrayFiles call: the array and the work dir of the task it came with. */
  readonly removedArrays: Array<{ arrayName: string; workDir: string }> = [];

  async removeArrayFiles(arrayName: string, workDir: string): Promise<void> {
    this.removedArrays.push({ arrayName, workDir });
  }

  async prepareArrays(): Promise<void> {
    this.prepareCalls += 1;
  }

  arrayKey(spec: JobSpec): string | undefined {
    const options = spec.config.scheduler_options;
    return options.extra_directives?.includes('--alone') ? undefined : `${options.nodes}/${options.cores_per_node}/${options.time}`;
  }

  async submitArray(arrayName: string, specs: readonly JobSpec[]): Promise<NativeJobRef[]> {
    this.arrayCalls += 1;
    if (this.arraySubmitDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.arraySubmitDelayMs));
    const mode = this.down ? 'unreachable' : this.nextArray;
    this.nextArray = 'ok';
    if (mode === 'reject')
      throw new SubmissionRejectedError('slurm rejected the job: sbatch: error: Batch job submission failed: Job violates accounting/QOS policy');
    if (mode === 'unreachable') {
      throw new SchedulerUnreachableError(
        'slurm unreachable',
        'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
      );
    }
    if (mode === 'refuse-array') {
      throw new JobArrayRefusedError('slurm rejected the job', 'sbatch: error: Batch job submission failed: Invalid job array specification');
    }
    const arrayId = ++this.arrayCounter;
    this.arrays.push({ arrayName, jobIds: specs.map((spec) => spec.jobId) });
    const refs = specs.map((spec, index) => {
      const nativeId = `${arrayId}_${index}`;
      this.jobs.set(nativeId, { name: spec.jobId, state: { status: 'pending' } });
      this.taskArrays.set(nativeId, { arrayName, index });
      return { nativeId, workDir: spec.workDir };
    });
    if (mode === 'lost-answer') {
      throw new SubmissionOutcomeUnknownError('slurm submission outcome unknown', 'sbatch did not answer within 0.1 s');
    }
    if (mode === 'hang') return new Promise<NativeJobRef[]>(() => undefined);
    return refs;
  }

  /** As SLURM: a task is found under its array's name (the job's own name is not the task's). */
  override async findByName(jobName: string, workDir: string, arrayTask?: ArrayTask): Promise<NativeJobRef | null> {
    if (arrayTask) {
      this.arrayLookups.push(arrayTask);
      const task = [...this.taskArrays].find(([, known]) => known.arrayName === arrayTask.arrayName && known.index === arrayTask.index);
      if (task) return { nativeId: task[0], workDir };
    }
    this.findCalls += 1;
    const own = [...this.jobs].find(([nativeId, job]) => job.name === jobName && !this.taskArrays.has(nativeId));
    return own ? { nativeId: own[0], workDir } : null;
  }
}
