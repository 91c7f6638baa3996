import { mkdir } from 'node:fs/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.constants';
import { SchedulerType } from '../../../simulation/scheduler-type.enum';
import { SchedulerCli } from '../../cli/scheduler-cli';
import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import { ClusterSchedulerBackend, JobSpec, NativeJobRef, NativeJobState } from '../../scheduler-backend';
import { markCancelRequested } from '../shared/job-files';
import { currentSubmissionContext } from '../shared/submission-context';
import { runSubmitCommand } from '../shared/submit-command';
import { parseJobList, parseJobSubmitOutput, parseTaskExitCode } from './job-list-output.parser';
import { WINDOWS_HPC_SUBMISSION_FAILURES } from './windows-hpc-submission-failures';
import { HPC_JOB_NAME_PREFIX, hpcJobName, renderWindowsHpcSubmission } from './windows-hpc-submission.renderer';

/**
 * Microsoft HPC Pack through its `job` command: `job submit` with the solver command line, one
 * `job list /jobname:hfss-* /state:all /format:list` per poll (the service user's jobs with the manager's name
 * prefix: `job list` cannot select ids), `job listtasks` once for a job that failed (its exit code), `job cancel`.
 * HPC Pack keeps finished jobs for days (TtlCompletedJobs), so jobs are not expected to vanish while tracked.
 */
const WINDOWS_HPC_SUBMIT = { name: 'windows_hpc', rules: WINDOWS_HPC_SUBMISSION_FAILURES };

@Injectable()
export class WindowsHpcBackend extends ClusterSchedulerBackend {
  readonly kind = SchedulerType.WINDOWS_HPC;

  constructor(
    private readonly cli: SchedulerCli,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {
    super();
  }

  async submit(spec: JobSpec): Promise<NativeJobRef> {
    await mkdir(spec.workDir, { recursive: true });
    const nativeId = await runSubmitCommand(
      this.cli,
      WINDOWS_HPC_SUBMIT,
      { file: 'job', args: ['submit', ...renderWindowsHpcSubmission(spec, currentSubmissionContext(this.config, 'windows'))], options: { cwd: spec.workDir } },
      parseJobSubmitOutput,
    );
    return { nativeId, workDir: spec.workDir };
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    const listed = parseJobList((await this.cli.run('job', ['list', `/jobname:${HPC_JOB_NAME_PREFIX}*`, '/state:all', '/format:list'])).stdout);
    const settled = new Map<string, NativeJobState>();
    for (const ref of refs) {
      const state = listed.get(ref.nativeId);
      if (!state) continue;
      if (state.status === 'failed') {
        // Once per job, when it failed: the task's exit code (job list does not show it).
        const tasks = await this.cli.run('job', ['listtasks', ref.nativeId, '/format:list'], { acceptExitCodes: [1] });
        const exitCode = tasks.exitCode === 0 ? parseTaskExitCode(tasks.stdout) : null;
        settled.set(ref.nativeId, { status: 'failed', exitCode, reason: exitCode === null ? state.reason : `exit code ${exitCode}` });
      } else {
        settled.set(ref.nativeId, { status: state.status, exitCode: state.exitCode, reason: state.reason });
      }
    }
    return settled;
  }

  /** job cancel; a job that already finished or does not exist leaves nothing to cancel. */
  async cancel(ref: NativeJobRef): Promise<void> {
    await markCancelRequested(ref.workDir);
    const result = await this.cli.run('job', ['cancel', ref.nativeId], { acceptExitCodes: [1] });
    if (result.exitCode === 1 && !/already finished|does not exist/.test(result.stderr + result.stdout)) {
      throw new SchedulerCommandFailedError('job cancel', 1, result.stderr || result.stdout);
    }
  }

  async findByName(jobName: string, workDir: string): Promise<NativeJobRef | null> {
    const listed = parseJobList((await this.cli.run('job', ['list', `/jobname:${hpcJobName(jobName)}`, '/state:all', '/format:list'])).stdout);
    const id = [...listed.keys()].at(-1);
    return id ? { nativeId: id, workDir } : null;
  }
}
