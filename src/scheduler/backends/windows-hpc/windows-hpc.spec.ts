import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { UnsafeScriptValueError } from '../shared/batch-script';
import { parseJobList, parseJobSubmitOutput, parseTaskExitCode, windowsHpcState } from './job-list-output.parser';
import { hpcRuntime, quoteWindowsArgument, renderWindowsHpcSubmission } from './windows-hpc-submission.renderer';

const spec = (
  overrides: Record<string, unknown>,
  argv: string[] = ['C:\\Program Files\\AnsysEM\\ansysedt.exe', '-ng', '-batchsolve', 'D:\\proj\\a b.aedt'],
) => ({
  jobId: 'j1',
  config: parseSimulationConfig({
    project_path: '/p/a.aedt',
    scheduler_type: 'windows_hpc',
    ...overrides,
  }),
  argv,
  workDir: 'D:\\jobs\\j1',
  logPath: 'D:\\jobs\\j1\\solver.log',
});

// HPC Pack `job list /format:list` (Microsoft's documented list layout: "Property : Value" blocks).
const JOB_LIST = [
  'Id                  : 41',
  'Name                : hfss-a',
  'Owner               : CONTOSO\\eng',
  'State               : Running',
  'Priority            : Normal',
  '',
  'Id                  : 42',
  'Name                : hfss-b',
  'Owner               : CONTOSO\\eng',
  'State               : Failed',
  'Priority            : Normal',
  '',
  'Id                  : 43',
  'Name                : hfss-c',
  'Owner               : CONTOSO\\eng',
  'State               : Finished',
  '',
  'Id                  : 44',
  'Name                : hfss-d',
  'State               : ExternalValidation',
  '',
].join('\r\n');

describe('Windows HPC submission renderer', () => {
  it('should render job submit options and a command line that CommandLineToArgvW splits back into the argv', () => {
    const args = renderWindowsHpcSubmission(
      spec({
        scheduler_options: {
          queue: 'Default',
          time: '2-01:30:00',
          cores_per_node: 16,
          account: 'rf-lab',
          exclusive: true,
          priority: 'High',
          extra_directives: ['/nodegroups:GPU'],
        },
      }),
    );
    expect(args).toEqual([
      '/jobname:hfss-j1',
      '/workdir:D:\\jobs\\j1',
      '/stdout:D:\\jobs\\j1\\solver.log',
      '/stderr:D:\\jobs\\j1\\solver.log',
      '/runtime:2:1:30',
      '/priority:Highest',
      '/numcores:16',
      '/jobtemplate:Default',
      '/projectname:rf-lab',
      '/exclusive:true',
      '/nodegroups:GPU',
      '"C:\\Program Files\\AnsysEM\\ansysedt.exe"',
      '-ng',
      '-batchsolve',
      '"D:\\proj\\a b.aedt"',
    ]);
  });

  it('should ask for exactly numcores cores (also over several nodes), filter nodes by memory, and pass the job environment with /env:', () => {
    const context = { environment: { ANSYSLMD_LICENSE_FILE: '1055@lic1', SITE_SCRATCH: 'E:\\scratch' } };
    const args = renderWindowsHpcSubmission(spec({ scheduler_options: { nodes: 3, tasks_per_node: 2, cores_per_node: 8, memory: '1.5GB' } }), context);
    expect(args.slice(6, 10)).toEqual(['/numcores:24', '/memorypernode:1536', '/env:ANSYSLMD_LICENSE_FILE=1055@lic1', '/env:SITE_SCRATCH=E:\\scratch']);
    expect(args).not.toContain('/numnodes:3');
    expect(() => renderWindowsHpcSubmission(spec({}), { environment: { LIST: 'a;b' } })).toThrow(/";"/);
  });

  it.each([
    ['plain', 'plain'],
    ['a b', '"a b"'],
    ['x&y', '"x&y"'],
    ['a|b>c', '"a|b>c"'],
    ['C:\\dir with space\\', '"C:\\dir with space\\\\"'],
    ['', '""'],
  ])('should quote %j as %j', (value, quoted) => {
    expect(quoteWindowsArgument(value)).toBe(quoted);
  });

  it('should refuse what cmd.exe would interpret or what would break the option list', () => {
    for (const hostile of ['%PATH%', 'say "hi"', 'a!b', 'line\nbreak']) {
      expect(() => quoteWindowsArgument(hostile)).toThrow(UnsafeScriptValueError);
    }
    const built = spec({});
    built.config.scheduler_options.extra_directives = ['/nodegroups:GPU /runasadmin'];
    expect(() => renderWindowsHpcSubmission(built)).toThrow(/\/option:value words/);
    expect(hpcRuntime('90')).toBe('0:1:30');
  });
});

describe('Windows HPC output parsers', () => {
  it('should parse job list blocks into states', () => {
    const jobs = parseJobList(JOB_LIST);
    expect(jobs.get('41')).toMatchObject({ name: 'hfss-a', status: 'running' });
    expect(jobs.get('42')).toMatchObject({ status: 'failed' });
    expect(jobs.get('43')).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(jobs.get('44')).toMatchObject({
      status: 'pending',
      reason: 'ExternalValidation',
    });
    expect(parseJobList('').size).toBe(0);
  });

  it('should read the submit reply and a task exit code', () => {
    expect(parseJobSubmitOutput('Job has been submitted. ID: 123.\r\n')).toBe('123');
    expect(() => parseJobSubmitOutput('Access denied')).toThrow(/unexpected reply/);
    expect(parseTaskExitCode('Task Id             : 42.1\nState               : Failed\nExit Code           : 3\n')).toBe(3);
    expect(parseTaskExitCode('Task Id : 42.1\nExit Code :\n')).toBeNull();
  });

  it.each([
    ['Canceling', 'running'],
    ['Canceled', 'cancelled'],
    ['Queued', 'pending'],
    ['Finishing', 'running'],
    ['Weird', 'unknown'],
  ])('should map %s to %s', (state, status) => {
    expect(windowsHpcState(state).status).toBe(status);
  });

  it("should keep HPC Pack's own state word and its pending reason or error message", () => {
    const jobs = parseJobList(
      'Id : 12\r\nName : hfss-a\r\nState : Queued\r\nPending Reason : The job is waiting for resources\r\n\r\nId : 13\r\nName : hfss-b\r\nState : Failed\r\nError Message : Task failed during execution\r\n',
    );
    expect(jobs.get('12')).toEqual({
      name: 'hfss-a',
      status: 'pending',
      reason: undefined,
      nativeState: 'Queued',
      nativeReason: 'The job is waiting for resources',
    });
    expect(jobs.get('13')).toMatchObject({
      status: 'failed',
      nativeState: 'Failed',
      nativeReason: 'Task failed during execution',
    });
  });
});
