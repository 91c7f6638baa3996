import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.constants';
import { SchedulerType } from '../../../simulation/scheduler-type.enum';
import { SchedulerCli } from '../../cli/scheduler-cli';
import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import {
  ArrayTask,
  ClusterSchedulerBackend,
  JobArraySubmission,
  JobSpec,
  NativeJobRef,
  NativeJobState,
  TERMINAL_NATIVE_STATUSES,
} from '../../scheduler-backend';
import { markCancelRequested, recordedExitCode, recordedNativeId, stateFromExitCode, wasCancelRequested, writeBatchScript } from '../shared/job-files';
import { currentSubmissionContext } from '../shared/submission-context';
import { runSubmitCommand } from '../shared/submit-command';
import { withRunRecords } from '../shared/run-records';
import { jobArrayDir, linkArrayTasks, removeJobArrayDir } from '../shared/job-array-dir';
import { parseSacctOutput, SACCT_FIELDS } from './sacct-output.parser';
import { parseSbatchOutput } from './sbatch-output.parser';
import { parseMaxArraySize } from './scontrol-config.parser';
import { JobArrayRefusedError, SubmissionRejectedError } from '../../submission-failure.errors';
import { SLURM_SUBMISSION_FAILURES } from './slurm-submission-failures';
import { ARRAY_TASK_LINK, renderSlurmArrayScript, renderSlurmScript, slurmArrayKey, SLURM_TASK_JOB_ID_FILE } from './slurm-script.renderer';
import { slurmEndedIt } from './slurm-state';
import { parseSqueueOutput, SQUEUE_FORMAT } from './squeue-output.parser';

export const SLURM_SCRIPT_FILE = 'job.slurm.sh';
export const SLURM_ARRAY_SCRIPT_FILE = 'array.slurm.sh';

/** At most this many tasks per array, whatever MaxArraySize allows (SLURM's default, 1001, allows indices 0…1000). */
const MAX_ARRAY_TASKS = 1000;
const SLURM_SUBMIT = { name: 'slurm', rules: SLURM_SUBMISSION_FAILURES };

/** A task of one of our job arrays: `<array job id>_<task index>`. */
const ARRAY_TASK_ID = /^(\d+)_(\d+)$/;
const isArrayTask = (ref: NativeJobRef): boolean => ARRAY_TASK_ID.test(ref.nativeId);
/**
 * The SLURM_JOB_ID the array task `ref` recorded when its script started (slurm-script.renderer), if it did: only when
 * the work dir's native_id is this task's, since a file left by an earlier attempt of the job (a retry keeps the
 * work dir) belongs to another task.
 */
async function recordedTaskJobId(ref: NativeJobRef): Promise<string | undefined> {
  if ((await recordedNativeId(ref.workDir, ARRAY_TASK_ID)) !== ref.nativeId) return undefined;
  const recorded = (await readFile(join(ref.workDir, SLURM_TASK_JOB_ID_FILE), 'utf8').catch(() => '')).trim();
  return /^\d+$/.test(recorded) ? recorded : undefined;
}
/** The array job id of a task id, or of a listed line (`<id>_<i>`, or `<id>` alone for an array whose tasks all ended). */
const arrayIdOf = (nativeId: string): string => nativeId.split('_')[0];

/**
 * SLURM through its CLI: `sbatch --parsable`, one `squeue -t all -j id,id,…` per poll, then for jobs that left
 * squeue the exit-code file their batch script wrote, else `sacct` (slurmdbd, or `-c` from the jobcomp file).
 */
@Injectable()
export class SlurmBackend extends ClusterSchedulerBackend implements JobArraySubmission {
  readonly kind = SchedulerType.SLURM;
  /** MAX_ARRAY_TASKS until `scontrol show config` said less. */
  maxArrayTasks = MAX_ARRAY_TASKS;
  private arrayLimitRead?: Promise<void>;

  constructor(
    private readonly cli: SchedulerCli,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {
    super();
  }

  async submit(spec: JobSpec): Promise<NativeJobRef> {
    const script = await writeBatchScript(spec.workDir, SLURM_SCRIPT_FILE, renderSlurmScript(spec, currentSubmissionContext(this.config)));
    const nativeId = await runSubmitCommand(
      this.cli,
      SLURM_SUBMIT,
      { file: 'sbatch', args: ['--parsable', script], options: { cwd: spec.workDir } },
      parseSbatchOutput,
    );
    return { nativeId, workDir: spec.workDir };
  }

  /** One `scontrol show config` per service run: MaxArraySize - 1 tasks at most (0: no arrays). Kept as is if it fails. */
  prepareArrays(): Promise<void> {
    this.arrayLimitRead ??= this.cli
      .run('scontrol', ['show', 'config'])
      .then(({ stdout }) => {
        const maxArraySize = parseMaxArraySize(stdout);
        if (maxArraySize !== undefined) this.maxArrayTasks = Math.max(1, Math.min(MAX_ARRAY_TASKS, maxArraySize - 1));
      })
      .catch(() => undefined);
    return this.arrayLimitRead;
  }

  arrayKey(spec: JobSpec): string | undefined {
    return slurmArrayKey(spec, currentSubmissionContext(this.config));
  }

  /** The array's dir (its script and task links; rm does not follow the links into the jobs' dirs). */
  removeArrayFiles(arrayName: string, workDir: string): Promise<void> {
    return removeJobArrayDir(arrayName, workDir);
  }

  /**
   * One `sbatch --parsable --array=0-(n-1)` for jobs that share their resource directives: each job's own script is
   * written into its work dir as for `submit`, and task i of the array runs job i's. The tasks are `<id>_<i>`.
   */
  async submitArray(arrayName: string, specs: readonly JobSpec[]): Promise<NativeJobRef[]> {
    const context = currentSubmissionContext(this.config);
    const scripts = await Promise.all(specs.map((spec) => writeBatchScript(spec.workDir, SLURM_SCRIPT_FILE, renderSlurmScript(spec, context))));
    const arrayDir = jobArrayDir(specs[0].workDir, arrayName);
    const script = await writeBatchScript(arrayDir, SLURM_ARRAY_SCRIPT_FILE, renderSlurmArrayScript(arrayName, arrayDir, specs, scripts, context));
    await linkArrayTasks(
      arrayDir,
      ARRAY_TASK_LINK,
      0,
      specs.map((spec) => spec.workDir),
    );
    let arrayId: string;
    try {
      arrayId = await runSubmitCommand(this.cli, SLURM_SUBMIT, { file: 'sbatch', args: ['--parsable', script], options: { cwd: arrayDir } }, parseSbatchOutput);
    } catch (error) {
      // `Invalid job array specification` (more tasks than MaxArraySize, arrays off): the jobs may go one by one.
      if (error instanceof SubmissionRejectedError && /Invalid job array specification/i.test(`${error.schedulerMessage} ${error.message}`)) {
        throw new JobArrayRefusedError(error.message, error.schedulerMessage);
      }
      throw error;
    }
    return specs.map((spec, index) => ({ nativeId: `${arrayId}_${index}`, workDir: spec.workDir }));
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    const tasks = refs.filter(isArrayTask);
    // The arrays' own ids too: `squeue -r -j <array>` lists every task SLURM still has of it, which tells a task
    // dropped from a known array (cancelled while pending) from one of an array SLURM no longer knows.
    const ids = [...new Set([...refs.map((ref) => ref.nativeId), ...tasks.map((ref) => arrayIdOf(ref.nativeId))])];
    // rc 1 with "Invalid job id specified" means every listed job was purged: an answer, not a failure.
    // `-r`: one line per array task (a pending array is otherwise one line, `<id>_[0-299]`).
    const oneLinePerTask = tasks.length > 0 ? ['-r'] : [];
    const queue = await this.cli.run('squeue', ['-h', '-t', 'all', ...oneLinePerTask, '-j', ids.join(','), '-o', SQUEUE_FORMAT], { acceptExitCodes: [1] });
    if (queue.exitCode === 1 && !/Invalid job id/i.test(queue.stderr)) {
      throw new SchedulerCommandFailedError('squeue', 1, queue.stderr);
    }
    const listed = parseSqueueOutput(queue.stdout);
    const arraysListed = new Set(tasks.length > 0 ? [...listed.keys()].map(arrayIdOf) : []);
    const settled = new Map<string, NativeJobState>();
    const needAccounting: NativeJobRef[] = [];
    for (const ref of refs) {
      const state = listed.get(ref.nativeId);
      if (state && !TERMINAL_NATIVE_STATUSES.has(state.status)) {
        settled.set(ref.nativeId, state);
        continue;
      }
      // SLURM ended it (cancel, time limit, node failure, launch failure): no solver exit code, whatever the script wrote.
      if (state && state.exitCode === undefined && slurmEndedIt(state)) {
        settled.set(ref.nativeId, { ...state, exitCode: null });
        continue;
      }
      const recorded = await recordedExitCode(ref.workDir);
      if (recorded !== null) {
        settled.set(ref.nativeId, { ...state, ...stateFromExitCode(recorded) });
      } else {
        needAccounting.push(ref);
      }
    }
    // No exit-code file: the script never ran to its end (launch failure, node failure, kill -9). Ask accounting;
    // a job nobody knows any more stays out of the map, so its state is kept rather than guessed. An array task that
    // started is also asked for by its own job id (what the jobcomp file knows it by), as its script recorded it.
    const taskJobIds = new Map<string, string>();
    for (const ref of needAccounting.filter(isArrayTask)) {
      const own = await recordedTaskJobId(ref);
      if (own) taskJobIds.set(ref.nativeId, own);
    }
    const accounting =
      needAccounting.length > 0
        ? await this.accounting([...new Set([...needAccounting.map((ref) => ref.nativeId), ...taskJobIds.values()])])
        : new Map<string, NativeJobState>();
    for (const ref of needAccounting) {
      const ownId = taskJobIds.get(ref.nativeId);
      const recordedByAccounting = accounting.get(ref.nativeId) ?? (ownId === undefined ? undefined : accounting.get(ownId));
      const state = recordedByAccounting ? { ...listed.get(ref.nativeId), ...recordedByAccounting } : listed.get(ref.nativeId);
      if (state) {
        settled.set(ref.nativeId, state);
      } else if (isArrayTask(ref)) {
        const cancelled = await this.cancelledWhilePending(ref, arraysListed);
        if (cancelled) settled.set(ref.nativeId, cancelled);
      }
    }
    return withRunRecords(settled, refs);
  }

  /**
   * SLURM drops a pending array task it cancels at once: no line in squeue (its array's other tasks stay listed, or
   * the array's own id as CANCELLED once every task is gone), nothing in a jobcomp file. An array task with no line,
   * no exit status and no record is settled as cancelled when the cancel was ours (the marker), or when SLURM still
   * lists its array and the task never started (its script records its id first thing). Otherwise it is kept as it
   * was: SLURM may simply not know the array any more (a lost controller state), and nothing says how it ended.
   */
  private async cancelledWhilePending(ref: NativeJobRef, arraysListed: ReadonlySet<string>): Promise<NativeJobState | undefined> {
    if (await wasCancelRequested(ref.workDir)) {
      return {
        status: 'cancelled',
        exitCode: null,
        nativeState: 'CANCELLED',
        reason: 'cancelled; SLURM keeps no record of an array task cancelled while pending',
      };
    }
    if (arraysListed.has(arrayIdOf(ref.nativeId)) && !(await recordedNativeId(ref.workDir, /./))) {
      return {
        status: 'cancelled',
        exitCode: null,
        nativeState: 'CANCELLED',
        reason: 'cancelled outside the job manager while pending: SLURM dropped the task from its array, which it still lists, without a record',
      };
    }
    return undefined;
  }

  async cancel(ref: NativeJobRef): Promise<void> {
    // An array task cancelled while pending leaves no trace (see poll): the marker says the cancel was ours.
    if (isArrayTask(ref)) await markCancelRequested(ref.workDir);
    await this.cli.run('scancel', [ref.nativeId]);
  }

  /**
   * squeue by name while SLURM still lists the job (as the task of its array first, when it was submitted in one);
   * after that the id its batch script recorded when it started.
   */
  async findByName(jobName: string, workDir: string, arrayTask?: ArrayTask): Promise<NativeJobRef | null> {
    const listedAs = async (name: string): Promise<string[]> => {
      const { stdout } = await this.cli.run('squeue', ['-h', '-t', 'all', '-r', '-n', name, '-o', '%i']);
      return stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    };
    const asTask = arrayTask ? (await listedAs(arrayTask.arrayName)).find((id) => ARRAY_TASK_ID.exec(id)?.[2] === String(arrayTask.index)) : undefined;
    const id = asTask ?? (await listedAs(jobName))[0] ?? (await recordedNativeId(workDir, /^\d+(?:_\d+)?$/));
    return id ? { nativeId: id, workDir } : null;
  }

  /** Final records of jobs squeue no longer lists; empty when no accounting is configured. */
  private async accounting(ids: string[]): Promise<Map<string, NativeJobState>> {
    const fields = ['-X', '-n', '-P', '-j', ids.join(','), '-o', SACCT_FIELDS];
    const withDbd = await this.cli.run('sacct', fields, {
      acceptExitCodes: [1],
    });
    if (withDbd.exitCode === 0) {
      return parseSacctOutput(withDbd.stdout);
    }
    const fromJobcomp = await this.cli.run('sacct', ['-c', ...fields], {
      acceptExitCodes: [1],
    });
    return fromJobcomp.exitCode === 0 ? parseSacctOutput(fromJobcomp.stdout) : new Map();
  }
}
