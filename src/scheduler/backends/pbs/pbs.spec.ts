import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { UnsafeScriptValueError } from '../shared/batch-script';
import { pbsFinalState, pbsState } from './pbs-state';
import { pbsJobName, pbsSize, pbsWalltime, renderPbsSubmission } from './pbs-script.renderer';
import { onlyUnknownPbsJobs, parseQstatJson } from './qstat-output.parser';
import { parsePbsQsubOutput } from './qsub-output.parser';

const spec = (
  overrides: Record<string, unknown>,
  argv: string[] = ['/ansys/ansysedt', '-ng', '-batchsolve', '/p/a.aedt'],
  workDir = '/data/jobs/j1',
  jobId = 'j1',
) => ({
  jobId,
  config: parseSimulationConfig({
    project_path: '/p/a.aedt',
    scheduler_type: 'pbs',
    ...overrides,
  }),
  argv,
  workDir,
  logPath: `${workDir}/solver.log`,
});

// PBS Professional 2022 `qstat -x -f -F json` shape (abridged to the fields the backend reads, plus neighbours).
const QSTAT_JSON = JSON.stringify({
  timestamp: 1795572739,
  pbs_version: '2022.1.1',
  pbs_server: 'pbsserver',
  Jobs: {
    '101.pbsserver': {
      Job_Name: 'j1',
      job_state: 'R',
      queue: 'workq',
      substate: 42,
    },
    '102.pbsserver': {
      Job_Name: 'j2',
      job_state: 'F',
      Exit_status: 0,
      substate: 92,
    },
    '103.pbsserver': {
      Job_Name: 'j3',
      job_state: 'F',
      Exit_status: 3,
      substate: 92,
    },
    '104.pbsserver': {
      Job_Name: 'j4',
      job_state: 'F',
      Exit_status: 271,
      substate: 91,
    },
    '105.pbsserver': { Job_Name: 'j5', job_state: 'H' },
  },
});

describe('PBS renderer', () => {
  it('should render select/place/walltime directives and pass name and output path as qsub arguments', () => {
    const { script, qsubArgs } = renderPbsSubmission(
      spec({
        scheduler_options: {
          queue: 'workq',
          time: '1.06:00:00',
          nodes: 2,
          tasks_per_node: 4,
          cores_per_node: 16,
          memory: '64GB',
          account: 'rf-lab',
          exclusive: true,
          gpus: 1,
          email_notification: 'eng@example.com',
          priority: 'High',
          qos: 'gold',
          extra_directives: ['-W sandbox=PRIVATE'],
        },
      }),
    );
    expect(script.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '#!/bin/bash',
      '#PBS -l walltime=30:00:00',
      '#PBS -l select=2:ncpus=16:mpiprocs=4:mem=65536mb:ngpus=1',
      '#PBS -r n',
      '#PBS -l place=scatter:excl',
      '#PBS -q workq',
      '#PBS -A rf-lab',
      '#PBS -M eng@example.com',
      '#PBS -m ae',
      '#PBS -p 500',
      '# qos gold ignored: PBS has no QoS (use queue or extra_directives)',
      '#PBS -W sandbox=PRIVATE',
    ]);
    expect(script).toContain(`printf '%s\\n' "$PBS_JOBID" > native_id`);
    expect(qsubArgs).toEqual(['-N', 'j1', '-j', 'oe', '-o', '/data/jobs/j1/pbs.out']);
    const context = { environment: { HOME: '/home/eng', PATH: '/usr/bin' } };
    expect(renderPbsSubmission(spec({}), context).qsubArgs.slice(-2)).toEqual(['-v', 'HOME,PATH']);
    expect(renderPbsSubmission(spec({}), context).script).not.toMatch(/-V\b/);
  });

  it('should name jobs so that PBS accepts them, and convert sizes and times', () => {
    expect(pbsJobName('7abc')).toBe('j7abc');
    expect(pbsJobName('_x')).toBe('j_x');
    expect(pbsJobName('run-1')).toBe('run-1');
    expect(pbsSize('64GB')).toBe('65536mb');
    expect(pbsSize('512M')).toBe('512mb');
    expect(pbsSize('1.5G')).toBe('1536mb');
    expect(pbsSize('4000')).toBe('4000mb');
    expect(pbsWalltime('90')).toBe('01:30:00');
  });

  it('should keep hostile solver arguments inert and refuse values that would add directives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbs-render-'));
    const printer = join(dir, 'ansysedt');
    writeFileSync(printer, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    chmodSync(printer, 0o755);
    const hostile = [`$(touch ${dir}/pwned)`, '`touch x`', "it's", 'a; touch y', '#PBS -l walltime=999:00:00'];
    const { script } = renderPbsSubmission(spec({}, [printer, ...hostile], dir));
    writeFileSync(join(dir, 'job.sh'), script);
    execFileSync('bash', [join(dir, 'job.sh')]);
    expect(readFileSync(join(dir, 'solver.log'), 'utf8').split('\n').slice(0, -1)).toEqual(hostile);
    expect(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'x')) || existsSync(join(dir, 'y'))).toBe(false);
    const evil = (options: Record<string, unknown>) => () => {
      const built = spec({});
      Object.assign(built.config.scheduler_options, options);
      return renderPbsSubmission(built);
    };
    expect(evil({ queue: 'workq\n#PBS -u root' })).toThrow(UnsafeScriptValueError);
    expect(evil({ account: 'a -W x=y' })).toThrow(/single word/);
    expect(evil({ extra_directives: ['-V\nid'] })).toThrow(UnsafeScriptValueError);
    expect(() => renderPbsSubmission(spec({}, ['/a'], '/d\n#PBS -u root'))).toThrow(UnsafeScriptValueError);
  });
});

describe('PBS output parsers', () => {
  it('should read the full job id from qsub', () => {
    expect(parsePbsQsubOutput('1234.pbsserver\n')).toBe('1234.pbsserver');
    expect(parsePbsQsubOutput('77[].head-01.cluster\n')).toBe('77[].head-01.cluster');
    expect(() => parsePbsQsubOutput('qsub: Unknown queue\n')).toThrow(/unexpected reply/);
  });

  it('should parse qstat -F json with finished jobs from history', () => {
    const states = parseQstatJson(QSTAT_JSON);
    expect(states.get('101.pbsserver')).toEqual({
      status: 'running',
      nativeState: 'R',
    });
    expect(states.get('102.pbsserver')).toEqual({
      status: 'completed',
      exitCode: 0,
      nativeState: 'F',
    });
    expect(states.get('103.pbsserver')).toEqual({
      status: 'failed',
      exitCode: 3,
      reason: 'exit code 3',
      nativeState: 'F',
    });
    expect(states.get('104.pbsserver')).toMatchObject({
      status: 'cancelled',
      reason: expect.stringMatching(/signal 15/),
    });
    expect(states.get('105.pbsserver')).toMatchObject({
      status: 'pending',
      reason: expect.stringMatching(/held/),
    });
    expect(parseQstatJson('{"timestamp":1,"pbs_version":"2022.1.1","pbs_server":"s"}').size).toBe(0);
    expect(() => parseQstatJson('qstat: garbage')).toThrow(/unreadable/);
  });

  it("should keep job_state, the scheduler's comment, the run start and the run count", () => {
    // Attribute names and values as the PBS Professional Reference Guide ("Job Attributes") documents them.
    const states = parseQstatJson(
      JSON.stringify({
        Jobs: {
          '7.s': {
            job_state: 'H',
            comment: 'Job held by root on Tue Dec  1 17:11:44 2026',
            run_count: 0,
          },
          '8.s': {
            job_state: 'Q',
            comment: 'Not Running: Insufficient amount of resource: ncpus',
          },
          '9.s': {
            job_state: 'R',
            stime: 'Tue Dec  1 17:11:44 2026',
            run_count: 2,
            comment: 'Job run at Tue Dec 01 at 17:11 on (n1:ncpus=1)',
          },
          '10.s': { job_state: 'S', stime: 'Tue Dec  1 17:11:44 2026' },
        },
      }),
    );
    expect(states.get('7.s')).toEqual({
      status: 'pending',
      reason: 'held (qrls to release)',
      nativeState: 'H',
      nativeReason: 'Job held by root on Tue Dec  1 17:11:44 2026',
    });
    expect(states.get('8.s')).toEqual({
      status: 'pending',
      nativeState: 'Q',
      nativeReason: 'Not Running: Insufficient amount of resource: ncpus',
    });
    expect(states.get('9.s')).toMatchObject({
      status: 'running',
      nativeState: 'R',
      run: 2,
      startedAt: new Date('2026-12-01T17:11:44').getTime(),
    });
    expect(states.get('10.s')).toMatchObject({
      status: 'running',
      nativeState: 'S',
      reason: 'suspended (S)',
    });
  });

  it('should tell unknown ids (an answer) from other qstat errors', () => {
    expect(onlyUnknownPbsJobs('qstat: Unknown Job Id 9.pbsserver\nqstat: Unknown Job Id 10.pbsserver\n')).toBe(true);
    expect(onlyUnknownPbsJobs('Connection refused\nqstat: cannot connect to server pbsserver (errno=15010)\n')).toBe(false);
  });

  it.each([
    ['Q', undefined, 'pending'],
    ['T', undefined, 'pending'],
    ['E', undefined, 'running'],
    ['S', undefined, 'running'],
    ['C', 0, 'completed'],
    ['Z', undefined, 'unknown'],
  ])('should map job_state %s (Exit_status %s) to %s', (jobState, exitStatus, status) => {
    expect(pbsState(jobState, exitStatus).status).toBe(status);
  });

  it('should treat negative Exit_status as a PBS failure without a solver exit code', () => {
    expect(pbsFinalState(-1)).toMatchObject({
      status: 'failed',
      exitCode: null,
      reason: expect.stringMatching(/JOB_EXEC/),
    });
  });
});
