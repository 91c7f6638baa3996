import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.constants';
import { SchedulerType } from '../../../simulation/scheduler-type.enum';
import { SchedulerCli } from '../../cli/scheduler-cli';
import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import { ClusterSchedulerBackend, JobSpec, NativeJobRef, NativeJobState, TERMINAL_NATIVE_STATUSES } from '../../scheduler-backend';
import { recordedExitCode, recordedNativeId, stateFromExitCode, writeBatchScript } from '../shared/job-files';
import { currentSubmissionContext } from '../shared/submission-context';
import { runSubmitCommand } from '../shared/submit-command';
import { withRunRecords } from '../shared/run-records';
import { parseBhistLongOutput } from './bhist-output.parser';
import { bjobsErrorsAreOnlyUnknownJobs, BJOBS_FORMAT, parseBjobsOutput } from './bjobs-output.parser';
import { BJOBS_PENDING_REASON_FORMAT, parseBjobsPendingReasons } from './bjobs-pending-reason.parser';
import { bkillFoundNothingToKill } from './bkill-output.parser';
import { parseBsubOutput } from './bsub-output.parser';
import { LSF_SUBMISSION_FAILURES } from './lsf-submission-failures';
import { renderLsfSubmission } from './lsf-script.renderer';

export const LSF_SCRIPT_FILE = 'job.lsf.sh';
const LSF_SUBMIT = { name: 'lsf', rules: LSF_SUBMISSION_FAILURES };

/**
 * How many lsb.events files bhist searches (`-n`): the current one and the most recently switched ones. A job
 * cleaned out of mbatchd's memory (CLEAN_PERIOD, default one hour) is normally still in the newest of them;
 * `-n 0` (all files) could scan the cluster's whole history on every poll.
 */
export const BHIST_EVENT_LOG_FILES = 5;

/** The pending reasons of at most this many waiting jobs are asked per poll (in tracking order). */
export const PENDING_REASONS_PER_POLL = 500;

/** bjobs, bkill and bhist exit 255 for ids they do not know, while still answering for the others. */
const LSF_PARTIAL_ANSWER = 255;

/**
 * IBM Spectrum LSF through its CLI: `bsub < script` (so bsub reads the `#BSUB` directives), one
 * `bjobs -a -noheader -o "jobid stat exit_code exit_reason delimiter='|'" id …` per poll (and, when some have
 * not started, one `bjobs -o "jobid pend_reason …"` for their pending reasons), then for jobs bjobs no longer knows
 * the exit-code file their batch script wrote, else one `bhist -l` for all of them; `bkill`.
 */
@Injectable()
export class LsfBackend extends ClusterSchedulerBackend {
  readonly kind = SchedulerType.LSF;

  constructor(
    private readonly cli: SchedulerCli,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {
    super();
  }

  async submit(spec: JobSpec): Promise<NativeJobRef> {
    const { script, bsubArgs } = renderLsfSubmission(spec, this.config?.lsf.unitForLimits, currentSubmissionContext(this.config));
    await writeBatchScript(spec.workDir, LSF_SCRIPT_FILE, script);
    const nativeId = await runSubmitCommand(
      this.cli,
      LSF_SUBMIT,
      { file: 'bsub', args: bsubArgs, options: { input: script, cwd: spec.workDir } },
      parseBsubOutput,
    );
    return { nativeId, workDir: spec.workDir };
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    if (refs.length === 0) {
      return new Map(); // bjobs without ids would list every job of the user
    }
    const listed = await this.bjobs(['-a', '-noheader', '-o', BJOBS_FORMAT, ...refs.map((ref) => ref.nativeId)]);
    const pendingReasons = await this.pendingReasons(refs.map((ref) => ref.nativeId).filter((id) => listed.get(id)?.status === 'pending'));
    const settled = new Map<string, NativeJobState>();
    const needHistory: NativeJobRef[] = [];
    for (const ref of refs) {
      const state = listed.get(ref.nativeId);
      if (state && !TERMINAL_NATIVE_STATUSES.has(state.status)) {
        const pendingReason = pendingReasons.get(ref.nativeId);
        settled.set(ref.nativeId, pendingReason ? { ...state, nativeReason: pendingReason, reason: `pending: ${pendingReason}` } : state);
        continue;
      }
      const recorded = await recordedExitCode(ref.workDir);
      if (state && (state.status === 'cancelled' || state.status === 'timed_out')) {
        settled.set(ref.nativeId, {
          ...state,
          exitCode: recorded ?? state.exitCode,
        });
      } else if (recorded !== null) {
        settled.set(ref.nativeId, stateFromExitCode(recorded));
      } else if (state) {
        // DONE or EXIT without an exit-code file: the script never reached its end (killed by a limit, a failed
        // launch, a node failure); LSF's own exit code is the best there is.
        settled.set(ref.nativeId, state);
      } else {
        needHistory.push(ref);
      }
    }
    // Cleaned out of mbatchd (CLEAN_PERIOD) and no exit-code file: the event log has the final record. A job
    // bhist does not know either stays out of the map, so its state is kept rather than guessed.
    if (needHistory.length > 0) {
      for (const [id, state] of await this.history(needHistory.map((ref) => ref.nativeId))) {
        if (TERMINAL_NATIVE_STATUSES.has(state.status)) settled.set(id, state);
      }
    }
    return withRunRecords(settled, refs);
  }

  /** bkill; `Job has already finished` / `No matching job found` (rc 255) mean there is nothing left to kill. */
  async cancel(ref: NativeJobRef): Promise<void> {
    const result = await this.cli.run('bkill', [ref.nativeId], {
      acceptExitCodes: [LSF_PARTIAL_ANSWER],
    });
    if (result.exitCode !== 0 && !bkillFoundNothingToKill(result.stderr + result.stdout, ref.nativeId)) {
      throw new SchedulerCommandFailedError('bkill', result.exitCode, result.stderr || result.stdout);
    }
  }

  /** bjobs by name (-J) while mbatchd still knows the job; after that the id its batch script recorded when it started. */
  async findByName(jobName: string, workDir: string): Promise<NativeJobRef | null> {
    const listed = [...(await this.bjobs(['-a', '-noheader', '-J', jobName, '-o', BJOBS_FORMAT])).keys()];
    // The newest submission under that name if there were several.
    const id = listed.sort((a, b) => Number(b) - Number(a))[0] ?? (await recordedNativeId(workDir, /^\d+$/));
    return id ? { nativeId: id, workDir } : null;
  }

  /** One bjobs call; rc 255 with only `Job <N> is not found` lines is an answer, anything else a failure. */
  private async bjobs(args: string[]): Promise<Map<string, NativeJobState>> {
    const result = await this.cli.run('bjobs', args, {
      acceptExitCodes: [LSF_PARTIAL_ANSWER],
    });
    if (result.exitCode !== 0 && !bjobsErrorsAreOnlyUnknownJobs(result.stderr)) {
      throw new SchedulerCommandFailedError('bjobs', result.exitCode, result.stderr || result.stdout);
    }
    return parseBjobsOutput(result.stdout);
  }

  /**
   * Why jobs that have not started wait (LSF's pending reason), from one auxiliary bjobs call for at most
   * PENDING_REASONS_PER_POLL of them; none when that fails (the jobs still show their state).
   */
  private async pendingReasons(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) {
      return new Map();
    }
    try {
      const result = await this.cli.run('bjobs', ['-noheader', '-o', BJOBS_PENDING_REASON_FORMAT, ...ids.slice(0, PENDING_REASONS_PER_POLL)], {
        acceptExitCodes: [LSF_PARTIAL_ANSWER],
      });
      return parseBjobsPendingReasons(result.stdout);
    } catch {
      return new Map();
    }
  }

  /** Final records from the event log; empty when bhist is unavailable or knows none of the jobs. */
  private async history(ids: string[]): Promise<Map<string, NativeJobState>> {
    try {
      const result = await this.cli.run('bhist', ['-a', '-l', '-n', String(BHIST_EVENT_LOG_FILES), ...ids], { acceptExitCodes: [LSF_PARTIAL_ANSWER] });
      return parseBhistLongOutput(result.stdout);
    } catch {
      return new Map();
    }
  }
}
