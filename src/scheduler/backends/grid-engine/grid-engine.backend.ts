import { Inject, Injectable } from '@nestjs/common';
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
import { JobArrayRefusedError, SubmissionRejectedError } from '../../submission-failure.errors';
import { markCancelRequested, recordedExitCode, recordedNativeId, stateFromExitCode, wasCancelRequested, writeBatchScript } from '../shared/job-files';
import { currentSubmissionContext } from '../shared/submission-context';
import { runSubmitCommand } from '../shared/submit-command';
import { withRunRecords } from '../shared/run-records';
import { jobArrayDir, linkArrayTasks, removeJobArrayDir } from '../shared/job-array-dir';
import { readAccountingRecords } from './accounting-file.reader';
import { GRID_ENGINE_SUBMISSION_FAILURES } from './grid-engine-submission-failures';
import {
  GRID_ENGINE_MAX_ARRAY_TASKS,
  GRID_ENGINE_TASK_LINK,
  gridEngineArrayKey,
  gridEngineJobName,
  renderGridEngineArraySubmission,
  renderGridEngineSubmission,
} from './grid-engine-script.renderer';
import { parseQstatJobDetails, QstatJobDetail, waitingReasonFromSchedulingInfo } from './qstat-job-output.parser';
import { parseQstatXml } from './qstat-output.parser';
import { parseQsubTerseOutput } from './qsub-output.parser';

export const GRID_ENGINE_SCRIPT_FILE = 'job.sge.sh';
export const GRID_ENGINE_ARRAY_SCRIPT_FILE = 'array.sge.sh';
/** A task the job manager submitted: `<job number>.<task number>`. */
const ARRAY_TASK_ID = /^(\d+)\.(\d+)$/;
/** The job number of a job or task id. */
const jobNumberOf = (nativeId: string): string => nativeId.split('.')[0];
const GRID_ENGINE_SUBMIT = { name: 'grid_engine', rules: GRID_ENGINE_SUBMISSION_FAILURES };

/**
 * A job deleted before it started leaves qstat without an accounting record. When we did not delete it ourselves,
 * wait this long (longer than Grid Engine's default 15 s accounting flush) before concluding it was deleted.
 */
export const VANISHED_BEFORE_START_GRACE_MS = 60_000;

/**
 * `qstat -j` prints ~1 KB per job (its whole environment list among it): the reasons of at most this many waiting
 * jobs are asked per poll (those in error state first, then in tracking order); beyond that a waiting job shows its
 * state letters without a reason.
 */
export const WAITING_DETAILS_PER_POLL = 100;

/**
 * A waiting job's reason from qstat -j: in error state (Eqw) its error message; held, the hold (qstat -xml's
 * letters say it); otherwise why the scheduler did not start it (`queue instance "all.q@vm" dropped because it is
 * disabled`), when it said.
 */
function withWaitingDetail(state: NativeJobState, detail: QstatJobDetail | undefined, nativeId: string): NativeJobState {
  if (!detail || state.status !== 'pending') return state;
  if (detail.errorReason && state.nativeState?.includes('E')) {
    return { ...state, nativeReason: detail.errorReason, reason: `error state ${state.nativeState}: ${detail.errorReason} (qmod -cj ${nativeId} once fixed)` };
  }
  const waiting = waitingReasonFromSchedulingInfo(detail.schedulingInfo);
  if (!waiting || state.nativeState?.includes('h') || state.nativeState?.includes('E')) return state;
  return { ...state, nativeReason: waiting, reason: `waiting: ${waiting}` };
}

/**
 * Grid Engine (Son of Grid Engine / Univa / Altair) through its CLI: `qsub -terse`, one `qstat -xml` per poll
 * (the service user's jobs only: Grid Engine's qstat cannot select job ids, and `-u '*'` would list every user),
 * then for jobs that left qstat the exit-code file their script wrote, else the accounting file's record. Jobs that
 * share their directives may go as the tasks of one array job (`qsub -t 1-n`), named `<job>.<task>`.
 */
@Injectable()
export class GridEngineBackend extends ClusterSchedulerBackend implements JobArraySubmission {
  readonly kind = SchedulerType.GRID_ENGINE;
  /** GRID_ENGINE_MAX_ARRAY_TASKS until `qconf -sconf` said less (max_aj_tasks). */
  maxArrayTasks = GRID_ENGINE_MAX_ARRAY_TASKS;
  private arrayLimitRead?: Promise<void>;

  constructor(
    private readonly cli: SchedulerCli,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  /** When each job that never started was first missing from qstat (in memory: a restart only restarts the grace). */
  private readonly missingSince = new Map<string, number>();

  async submit(spec: JobSpec): Promise<NativeJobRef> {
    const { script, qsubArgs } = renderGridEngineSubmission(spec, this.config.gridEngine, currentSubmissionContext(this.config));
    const path = await writeBatchScript(spec.workDir, GRID_ENGINE_SCRIPT_FILE, script);
    const nativeId = await runSubmitCommand(
      this.cli,
      GRID_ENGINE_SUBMIT,
      { file: 'qsub', args: [...qsubArgs, path], options: { cwd: spec.workDir } },
      parseQsubTerseOutput,
    );
    return { nativeId, workDir: spec.workDir };
  }

  /** One `qconf -sconf` per service run: max_aj_tasks tasks at most (0 there: no limit of its own). Kept as is if it fails. */
  prepareArrays(): Promise<void> {
    this.arrayLimitRead ??= this.cli
      .run('qconf', ['-sconf'])
      .then(({ stdout }) => {
        const limit = /^max_aj_tasks\s+(\d+)\s*$/m.exec(stdout);
        if (limit && Number(limit[1]) > 0) this.maxArrayTasks = Math.min(GRID_ENGINE_MAX_ARRAY_TASKS, Number(limit[1]));
      })
      .catch(() => undefined);
    return this.arrayLimitRead;
  }

  arrayKey(spec: JobSpec): string | undefined {
    return gridEngineArrayKey(spec, this.config.gridEngine, currentSubmissionContext(this.config));
  }

  removeArrayFiles(arrayName: string, workDir: string): Promise<void> {
    return removeJobArrayDir(arrayName, workDir);
  }

  /**
   * One `qsub -t 1-n` for jobs that share their directives: each job's own script is written into its work dir as for
   * `submit`, and task i+1 of the array job runs job i's. The tasks are `<job>.<i+1>`.
   */
  async submitArray(arrayName: string, specs: readonly JobSpec[]): Promise<NativeJobRef[]> {
    const context = currentSubmissionContext(this.config);
    const scripts = await Promise.all(
      specs.map((spec) => writeBatchScript(spec.workDir, GRID_ENGINE_SCRIPT_FILE, renderGridEngineSubmission(spec, this.config.gridEngine, context).script)),
    );
    const arrayDir = jobArrayDir(specs[0].workDir, arrayName);
    const { script, qsubArgs } = renderGridEngineArraySubmission(arrayName, arrayDir, specs, scripts, this.config.gridEngine, context);
    const path = await writeBatchScript(arrayDir, GRID_ENGINE_ARRAY_SCRIPT_FILE, script);
    await linkArrayTasks(
      arrayDir,
      GRID_ENGINE_TASK_LINK,
      1,
      specs.map((spec) => spec.workDir),
    );
    let jobNumber: string;
    try {
      jobNumber = await runSubmitCommand(
        this.cli,
        GRID_ENGINE_SUBMIT,
        { file: 'qsub', args: [...qsubArgs, path], options: { cwd: arrayDir } },
        parseQsubTerseOutput,
      );
    } catch (error) {
      // `you tried to submit a job with more than 75000 tasks` (max_aj_tasks): the jobs may go one by one.
      if (error instanceof SubmissionRejectedError && /more than \d+ tasks|max_aj_tasks/i.test(`${error.schedulerMessage} ${error.message}`)) {
        throw new JobArrayRefusedError(error.message, error.schedulerMessage);
      }
      throw error;
    }
    return specs.map((spec, index) => ({ nativeId: `${jobNumber}.${index + 1}`, workDir: spec.workDir }));
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    const listed = parseQstatXml((await this.cli.run('qstat', ['-xml'])).stdout);
    const waiting = refs.map((ref) => ref.nativeId).filter((id) => listed.get(id)?.status === 'pending');
    // Jobs in error state first: their message is the one an operator needs to act on.
    const inError = (id: string): boolean => listed.get(id)?.nativeState?.includes('E') ?? false;
    const details = await this.waitingDetails([...new Set([...waiting.filter(inError), ...waiting.filter((id) => !inError(id))].map(jobNumberOf))]);
    const settled = new Map<string, NativeJobState>();
    const needAccounting: string[] = [];
    for (const ref of refs) {
      const listedState = listed.get(ref.nativeId);
      if (listedState) {
        const state: NativeJobState = { ...listedState };
        delete (state as Partial<typeof listedState>).name;
        settled.set(ref.nativeId, withWaitingDetail(state, details.get(jobNumberOf(ref.nativeId)), ref.nativeId));
        continue;
      }
      const recorded = await recordedExitCode(ref.workDir);
      if (recorded !== null) {
        settled.set(ref.nativeId, stateFromExitCode(recorded));
      } else {
        needAccounting.push(ref.nativeId);
      }
    }
    // Gone from qstat without an exit-code file: the script never ran to its end (qdel, a limit, a node failure).
    // The accounting file has the final record; a job it does not know stays out of the map: kept, not guessed.
    if (needAccounting.length > 0) {
      for (const [id, state] of await readAccountingRecords(this.config.gridEngine.accountingFile, needAccounting)) {
        if (TERMINAL_NATIVE_STATUSES.has(state.status)) settled.set(id, state);
      }
    }
    for (const ref of refs) {
      if (listed.has(ref.nativeId) || settled.has(ref.nativeId)) {
        this.missingSince.delete(ref.nativeId);
      } else {
        const deleted = await this.deletedBeforeStart(ref);
        if (deleted) settled.set(ref.nativeId, deleted);
      }
    }
    return withRunRecords(settled, refs);
  }

  /**
   * Why waiting jobs do not start (the Eqw error message, the scheduler's `scheduling info`), by job number (an array
   * job's tasks share its details), from one `qstat -j id,…` for at most WAITING_DETAILS_PER_POLL of them; none when
   * that fails.
   */
  private async waitingDetails(ids: string[]): Promise<Map<string, QstatJobDetail>> {
    if (ids.length === 0) {
      return new Map();
    }
    // Auxiliary: if it fails, the jobs are still shown in their state, only without the reason this time.
    const asked = ids.slice(0, WAITING_DETAILS_PER_POLL);
    const detail = await this.cli.run('qstat', ['-j', asked.join(',')], { acceptExitCodes: [1] }).catch(() => ({ stdout: '' }));
    return parseQstatJobDetails(detail.stdout);
  }

  /** qdel; a job that already finished answers `denied: job "N" does not exist` (rc 1): nothing left to cancel. */
  async cancel(ref: NativeJobRef): Promise<void> {
    await markCancelRequested(ref.workDir);
    const result = await this.cli.run('qdel', [ref.nativeId], {
      acceptExitCodes: [1],
    });
    if (result.exitCode === 1 && !/does not exist/.test(result.stderr + result.stdout)) {
      throw new SchedulerCommandFailedError('qdel', 1, result.stderr || result.stdout);
    }
  }

  /**
   * Gone from qstat, no accounting record, and the script never started (it records its job number first thing):
   * Grid Engine removed it while pending, which only a deletion does. Settled at once when we asked for it,
   * after VANISHED_BEFORE_START_GRACE_MS otherwise (accounting may lag that long behind qstat).
   */
  private async deletedBeforeStart(ref: NativeJobRef): Promise<NativeJobState | null> {
    if ((await recordedNativeId(ref.workDir, /./)) !== undefined) {
      return null;
    }
    if (await wasCancelRequested(ref.workDir)) {
      this.missingSince.delete(ref.nativeId);
      return {
        status: 'cancelled',
        exitCode: null,
        reason: 'deleted while pending (qdel); it never started',
      };
    }
    const since = this.missingSince.get(ref.nativeId) ?? Date.now();
    this.missingSince.set(ref.nativeId, since);
    if (Date.now() - since < VANISHED_BEFORE_START_GRACE_MS) {
      return null;
    }
    this.missingSince.delete(ref.nativeId);
    return {
      status: 'cancelled',
      exitCode: null,
      reason: 'deleted while pending outside the job manager (it never started and Grid Engine keeps no accounting record)',
    };
  }

  /**
   * qstat by name while the job is listed (as the task of its array job first, when it was submitted in one: qsub -t
   * makes all of an array's tasks at once, so an array listed by its name holds the task); after that the id its
   * script recorded when it started.
   */
  async findByName(jobName: string, workDir: string, arrayTask?: ArrayTask): Promise<NativeJobRef | null> {
    const listed = [...parseQstatXml((await this.cli.run('qstat', ['-xml'])).stdout)].filter(([id]) => !ARRAY_TASK_ID.test(id));
    const numberNamed = (name: string): string | undefined => listed.find(([, job]) => job.name === gridEngineJobName(name))?.[0];
    const array = arrayTask ? numberNamed(arrayTask.arrayName) : undefined;
    const id = (array && `${array}.${arrayTask!.index + 1}`) ?? numberNamed(jobName) ?? (await recordedNativeId(workDir, /^\d+(?:\.\d+)?$/));
    return id ? { nativeId: id, workDir } : null;
  }
}
