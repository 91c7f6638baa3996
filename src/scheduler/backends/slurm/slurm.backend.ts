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
import { parseSacctOutput, SACCT_FIELDS } from './sacct-output.parser';
import { parseSbatchOutput } from './sbatch-output.parser';
import { SLURM_SUBMISSION_FAILURES } from './slurm-submission-failures';
import { renderSlurmScript } from './slurm-script.renderer';
import { slurmEndedIt } from './slurm-state';
import { parseSqueueOutput, SQUEUE_FORMAT } from './squeue-output.parser';

export const SLURM_SCRIPT_FILE = 'job.slurm.sh';
const SLURM_SUBMIT = { name: 'slurm', rules: SLURM_SUBMISSION_FAILURES };

/**
 * SLURM through its CLI: `sbatch --parsable`, one `squeue -t all -j id,id,…` per poll, then for jobs that left
 * squeue the exit-code file their batch script wrote, else `sacct` (slurmdbd, or `-c` from the jobcomp file).
 */
@Injectable()
export class SlurmBackend extends ClusterSchedulerBackend {
  readonly kind = SchedulerType.SLURM;

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

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    const ids = refs.map((ref) => ref.nativeId);
    // rc 1 with "Invalid job id specified" means every listed job was purged: an answer, not a failure.
    const queue = await this.cli.run('squeue', ['-h', '-t', 'all', '-j', ids.join(','), '-o', SQUEUE_FORMAT], { acceptExitCodes: [1] });
    if (queue.exitCode === 1 && !/Invalid job id/i.test(queue.stderr)) {
      throw new SchedulerCommandFailedError('squeue', 1, queue.stderr);
    }
    const listed = parseSqueueOutput(queue.stdout);
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
    // a job nobody knows any more stays out of the map, so its state is kept rather than guessed.
    const accounting = needAccounting.length > 0 ? await this.accounting(needAccounting.map((ref) => ref.nativeId)) : new Map<string, NativeJobState>();
    for (const ref of needAccounting) {
      const recordedByAccounting = accounting.get(ref.nativeId);
      const state = recordedByAccounting ? { ...listed.get(ref.nativeId), ...recordedByAccounting } : listed.get(ref.nativeId);
      if (state) {
        settled.set(ref.nativeId, state);
      }
    }
    return withRunRecords(settled, refs);
  }

  async cancel(ref: NativeJobRef): Promise<void> {
    await this.cli.run('scancel', [ref.nativeId]);
  }

  /** squeue by name while SLURM still lists the job; after that the id its batch script recorded when it started. */
  async findByName(jobName: string, workDir: string): Promise<NativeJobRef | null> {
    const { stdout } = await this.cli.run('squeue', ['-h', '-t', 'all', '-n', jobName, '-o', '%i']);
    const listed = stdout
      .split('\n')
      .map((line) => line.trim())
      .find(Boolean);
    const id = listed ?? (await recordedNativeId(workDir, /^\d+$/));
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
