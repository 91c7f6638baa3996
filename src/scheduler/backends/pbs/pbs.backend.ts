import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.constants';
import { SchedulerType } from '../../../simulation/scheduler-type.enum';
import { SchedulerCli } from '../../cli/scheduler-cli';
import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import { ClusterSchedulerBackend, JobSpec, NativeJobRef, NativeJobState } from '../../scheduler-backend';
import { markCancelRequested, recordedExitCode, recordedNativeId, stateFromExitCode, wasCancelRequested, writeBatchScript } from '../shared/job-files';
import { currentSubmissionContext } from '../shared/submission-context';
import { runSubmitCommand } from '../shared/submit-command';
import { PBS_SUBMISSION_FAILURES } from './pbs-submission-failures';
import { withRunRecords } from '../shared/run-records';
import { pbsJobName, renderPbsSubmission } from './pbs-script.renderer';
import { onlyUnknownPbsJobs, parseQstatJson } from './qstat-output.parser';
import { parsePbsQsubOutput } from './qsub-output.parser';

export const PBS_SCRIPT_FILE = 'job.pbs.sh';
const PBS_SUBMIT = { name: 'pbs', rules: PBS_SUBMISSION_FAILURES };

/**
 * PBS Professional / OpenPBS through its CLI: `qsub`, one `qstat -x -f -F json id…` per poll (finished jobs stay
 * visible with their Exit_status while job history lasts), `qdel`, `qselect -x -N` for lookups by name. Jobs the
 * history no longer has are settled from the exit-code file, or as cancelled when we deleted them; otherwise kept.
 */
@Injectable()
export class PbsBackend extends ClusterSchedulerBackend {
  readonly kind = SchedulerType.PBS;

  constructor(
    private readonly cli: SchedulerCli,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {
    super();
  }

  async submit(spec: JobSpec): Promise<NativeJobRef> {
    const { script, qsubArgs } = renderPbsSubmission(spec, currentSubmissionContext(this.config));
    const path = await writeBatchScript(spec.workDir, PBS_SCRIPT_FILE, script);
    const nativeId = await runSubmitCommand(
      this.cli,
      PBS_SUBMIT,
      { file: 'qsub', args: [...qsubArgs, path], options: { cwd: spec.workDir } },
      parsePbsQsubOutput,
    );
    return { nativeId, workDir: spec.workDir };
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    const result = await this.cli.run('qstat', ['-x', '-f', '-F', 'json', ...refs.map((ref) => ref.nativeId)], { acceptExitCodes: [153] });
    if (result.exitCode === 153 && !onlyUnknownPbsJobs(result.stderr)) {
      throw new SchedulerCommandFailedError('qstat', 153, result.stderr);
    }
    const listed = result.stdout.trim() ? parseQstatJson(result.stdout) : new Map<string, NativeJobState>();
    const settled = new Map<string, NativeJobState>();
    for (const ref of refs) {
      const state = listed.get(ref.nativeId);
      if (state) {
        settled.set(ref.nativeId, state);
        continue;
      }
      const recorded = await recordedExitCode(ref.workDir);
      if (recorded !== null) {
        settled.set(ref.nativeId, stateFromExitCode(recorded));
      } else if (await wasCancelRequested(ref.workDir)) {
        settled.set(ref.nativeId, {
          status: 'cancelled',
          exitCode: null,
          reason: 'deleted on request; PBS no longer has the job',
        });
      }
    }
    return withRunRecords(settled, refs);
  }

  /** qdel; `Job has finished` (35) and `Unknown Job Id` (153) leave nothing to cancel. */
  async cancel(ref: NativeJobRef): Promise<void> {
    await markCancelRequested(ref.workDir);
    const result = await this.cli.run('qdel', [ref.nativeId], {
      acceptExitCodes: [35, 153],
    });
    if (result.exitCode !== 0 && !/Job has finished|Unknown Job Id/.test(result.stderr)) {
      throw new SchedulerCommandFailedError('qdel', result.exitCode, result.stderr);
    }
  }

  /** qselect by name (history included); after that the id the script recorded when it started. */
  async findByName(jobName: string, workDir: string): Promise<NativeJobRef | null> {
    const { stdout } = await this.cli.run('qselect', ['-x', '-N', pbsJobName(jobName)]);
    const listed = stdout
      .split('\n')
      .map((line) => line.trim())
      .find(Boolean);
    const id = listed ?? (await recordedNativeId(workDir, /^\d+(?:\[\d*\])?\.\S+$/));
    return id ? { nativeId: id, workDir } : null;
  }
}
