import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { UnsafeScriptValueError } from '../shared/batch-script';
import {
  gridEngineArrayKey,
  gridEngineJobName,
  gridEngineTime,
  memoryPerSlot,
  renderGridEngineArraySubmission,
  renderGridEngineSubmission,
} from './grid-engine-script.renderer';

const spec = (
  overrides: Record<string, unknown>,
  argv: string[] = ['/ansys/ansysedt', '-ng', '-batchsolve', '/p/a.aedt'],
  workDir = '/data/jobs/j1',
  jobId = 'j1',
) => ({
  jobId,
  config: parseSimulationConfig({
    project_path: '/p/a.aedt',
    scheduler_type: 'grid_engine',
    ...overrides,
  }),
  argv,
  workDir,
  logPath: `${workDir}/solver.log`,
});

describe('renderGridEngineSubmission', () => {
  it('should render every directive from SchedulerOptions as #$ lines, then the quoted command', () => {
    const { script, qsubArgs } = renderGridEngineSubmission(
      spec({
        scheduler_options: {
          queue: 'rf.q',
          time: '1.06:00:00',
          nodes: 1,
          tasks_per_node: 2,
          cores_per_node: 8,
          memory: '64GB',
          account: 'rf-lab',
          reservation: '42',
          qos: 'high',
          constraints: 'arch=lx-amd64',
          exclusive: true,
          gpus: 2,
          email_notification: 'eng@example.com',
          priority: 'Low',
          extra_directives: ['-l tmpfree=10G'],
        },
      }),
    );
    expect(script).toBe(
      [
        '#!/bin/bash',
        '#$ -S /bin/bash',
        '#$ -r n',
        '#$ -l h_rt=30:00:00',
        '#$ -pe smp 8',
        '#$ -q rf.q',
        '#$ -l h_vmem=8192M',
        '#$ -A rf-lab',
        '#$ -ar 42',
        '#$ -P high',
        '#$ -l arch=lx-amd64',
        '#$ -l exclusive=true',
        '#$ -l gpu=2',
        '#$ -M eng@example.com -m ea',
        '#$ -p -500',
        '#$ -l tmpfree=10G',
        '',
        'HFSS_JM_NATIVE_ID=$JOB_ID; if [ -n "${SGE_TASK_ID:-}" ] && [ "$SGE_TASK_ID" != undefined ]; then HFSS_JM_NATIVE_ID=$JOB_ID.$SGE_TASK_ID; fi',
        "cd '/data/jobs/j1' || exit 111",
        'printf \'%s\\n\' "$HFSS_JM_NATIVE_ID" > native_id',
        'run=$(( $(cat runs 2>/dev/null | wc -l) + 1 ))',
        'if [ "$run" -gt 1 ] && [ -f solver.log ]; then mv -f solver.log "solver.run-$((run - 1)).log"; fi',
        'rm -f exit_code',
        'printf \'%s %s\\n\' "$run" "$(date +%s)" >> runs',
        "'/ansys/ansysedt' '-ng' '-batchsolve' '/p/a.aedt' >> solver.log 2>&1",
        'rc=$?',
        'printf \'%s\\n\' "$rc" > exit_code.tmp && mv -f exit_code.tmp exit_code',
        'exit "$rc"',
        '',
      ].join('\n'),
    );
    expect(qsubArgs).toEqual(['-terse', '-N', 'j1', '-wd', '/data/jobs/j1', '-j', 'y', '-o', '/data/jobs/j1/sge.$JOB_ID.out']);
  });

  it('should use the multi-host PE for several nodes, split h_vmem over the slots of one node, and use the site names', () => {
    const names = { parallelEnvironments: { smp: 'threads', mpi: 'ompi_fill' }, complexes: { exclusive: 'excl', gpu: 'ngpus' } };
    const options = { scheduler_options: { nodes: 4, tasks_per_node: 2, cores_per_node: 16, memory: '64GB', exclusive: true, gpus: 1 } };
    const lines = renderGridEngineSubmission(spec(options), names).script.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['#$ -pe ompi_fill 64', '#$ -l h_vmem=4096M', '#$ -l excl=true', '#$ -l ngpus=1']));
    expect(renderGridEngineSubmission(spec({ scheduler_options: { cores_per_node: 8 } }), names).script).toContain('#$ -pe threads 8\n');
    expect(renderGridEngineSubmission(spec({ scheduler_options: { nodes: 2, cores_per_node: 8 } })).script).toContain('#$ -pe mpi 16\n');
  });

  it('should refuse an advance reservation given by name: qsub -ar takes its numeric id', () => {
    expect(() => renderGridEngineSubmission(spec({ scheduler_options: { reservation: 'maint_window' } }))).toThrow(/numeric id/);
    expect(renderGridEngineSubmission(spec({ scheduler_options: { reservation: '17' } })).script).toContain('#$ -ar 17\n');
  });

  it('should pass exactly the job environment with -v (never -V)', () => {
    const context = { environment: { ANSYSEM_ROOT251: '/ansys/v251', PATH: '/usr/bin' } };
    const { script, qsubArgs } = renderGridEngineSubmission(spec({}), undefined, context);
    expect(qsubArgs.slice(-3)).toEqual(['/data/jobs/j1/sge.$JOB_ID.out', '-v', 'ANSYSEM_ROOT251,PATH']);
    expect([...qsubArgs, script]).not.toContain('-V');
    expect(renderGridEngineSubmission(spec({})).qsubArgs).not.toContain('-v');
  });

  it('should refuse a work directory qsub -o would read as a host or a list', () => {
    expect(() => renderGridEngineSubmission(spec({}, undefined, '/data/a:b/j1'))).toThrow(/":" or ","/);
    expect(() => renderGridEngineSubmission(spec({}, undefined, '/data/a,b/j1'))).toThrow(UnsafeScriptValueError);
  });

  it('should ask for no parallel environment, memory or priority when the job does not need them', () => {
    const { script } = renderGridEngineSubmission(spec({ scheduler_options: { time: '90' } }));
    expect(script.split('\n').filter((line) => line.startsWith('#$'))).toEqual(['#$ -S /bin/bash', '#$ -r n', '#$ -l h_rt=01:30:00']);
  });

  it('should give job ids that start with a digit a name Grid Engine accepts, the same way for lookups', () => {
    expect(gridEngineJobName('7f3a')).toBe('j7f3a');
    expect(gridEngineJobName('board_7')).toBe('board_7');
    expect(renderGridEngineSubmission(spec({}, undefined, '/d', '2024-run')).qsubArgs.slice(1, 3)).toEqual(['-N', 'j2024-run']);
  });

  it.each([
    ['24:00:00', '24:00:00'],
    ['2-12:30:05', '60:30:05'],
    ['15', '00:15:00'],
  ])('should convert wall time %s to h_rt %s', (input, expected) => {
    expect(gridEngineTime(input)).toBe(expected);
  });

  it.each([
    ['64GB', 8, '8192M'],
    ['512M', 1, '512M'],
    ['1T', 4, '262144M'],
    ['3G', 2, '1536M'],
    ['1.5GB', 4, '384M'],
    ['4000', 3, '1334M'],
  ])('should split memory %s over %d slots per node as h_vmem %s', (memory, slots, expected) => {
    expect(memoryPerSlot(memory, slots)).toBe(expected);
  });

  it('should pass a work directory with spaces and quotes as one qsub argument, never as a directive', () => {
    const { script, qsubArgs } = renderGridEngineSubmission(spec({}, undefined, "/data/my jobs/it's"));
    expect(qsubArgs[4]).toBe("/data/my jobs/it's");
    expect(script).toContain(`cd '/data/my jobs/it'\\''s' || exit 111`);
    expect(script).not.toMatch(/^#\$ .*my jobs/m);
  });

  it('should keep hostile arguments inert: the solver receives them intact and nothing else runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sge-render-'));
    const printer = join(dir, 'ansysedt');
    writeFileSync(printer, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    chmodSync(printer, 0o755);
    const hostile = [`$(touch ${dir}/pwned)`, '`touch x`', "it's", '"q"', 'a; touch y', '&& id', '*', '$JOB_ID', '\\', '#$ -l h_rt=0'];
    const { script } = renderGridEngineSubmission(spec({}, [printer, ...hostile], dir));
    writeFileSync(join(dir, 'job.sh'), script);
    // Grid Engine sets SGE_TASK_ID to `undefined` for a job that is not an array.
    execFileSync('bash', [join(dir, 'job.sh')], {
      env: { ...process.env, JOB_ID: '77', SGE_TASK_ID: 'undefined' },
    });
    expect(readFileSync(join(dir, 'solver.log'), 'utf8').split('\n').slice(0, -1)).toEqual(hostile);
    expect(readFileSync(join(dir, 'native_id'), 'utf8')).toBe('77\n');
    expect(readFileSync(join(dir, 'exit_code'), 'utf8')).toBe('0\n');
    expect(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'x')) || existsSync(join(dir, 'y'))).toBe(false);
    expect(script.split('\n').filter((line) => line.startsWith('#$'))).toHaveLength(3);
  });

  it('should refuse a newline or a second word anywhere a directive is built instead of letting it add one', () => {
    const evil = (options: Record<string, unknown>) => {
      const built = spec({});
      Object.assign(built.config.scheduler_options, options);
      return () => renderGridEngineSubmission(built);
    };
    expect(evil({ queue: 'all.q\n#$ -u root' })).toThrow(UnsafeScriptValueError);
    expect(evil({ queue: 'all.q -l h_rt=999:00:00' })).toThrow(/single word/);
    expect(evil({ extra_directives: ['-l x=1\necho pwned'] })).toThrow(UnsafeScriptValueError);
    expect(() => renderGridEngineSubmission(spec({}, ['/ansys/ansysedt', 'x\n#$ -l h_rt=0']))).toThrow(UnsafeScriptValueError);
    expect(() => renderGridEngineSubmission(spec({}, ['/ansys/ansysedt'], '/data/evil\n#$ -u root'))).toThrow(UnsafeScriptValueError);
  });
});

describe('Grid Engine array jobs', () => {
  const arrayName = 'hfss-array-0f8e2c4a-1b2d-4c3e-8f9a-0123456789ab';
  const arrayDir = `/data/job-arrays/${arrayName}`;

  it('should give jobs the same key exactly when their directives and environment are the same', () => {
    const context = { environment: { PATH: '/usr/bin' } };
    const a = gridEngineArrayKey(spec({ scheduler_options: { time: '01:00:00' } }, undefined, '/data/jobs/a', 'a'), undefined, context);
    const b = gridEngineArrayKey(
      spec({ scheduler_options: { time: '01:00:00' } }, ['/other/ansysedt', '-batchsolve', '/p/b.aedt'], '/data/jobs/b', 'b'),
      undefined,
      context,
    );
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(gridEngineArrayKey(spec({ scheduler_options: { time: '01:00:00', memory: '4GB' } }), undefined, context)).not.toBe(a);
    expect(gridEngineArrayKey(spec({ scheduler_options: { time: '02:00:00' } }), undefined, context)).not.toBe(a);
    expect(gridEngineArrayKey(spec({ scheduler_options: { time: '01:00:00' } }), undefined, { environment: {} })).not.toBe(a);
    // A job that asks for an array of its own is never a task of ours.
    expect(gridEngineArrayKey(spec({ scheduler_options: { extra_directives: ['-t 1-10'] } }))).toBeUndefined();
    const evil = spec({});
    Object.assign(evil.config.scheduler_options, { queue: 'a.q -u root' });
    expect(() => gridEngineArrayKey(evil)).toThrow(UnsafeScriptValueError);
  });

  it('should render one qsub -t 1-n whose task n runs the script of job n-1, with its output through the task link', () => {
    const specs = [spec({}, undefined, '/data/jobs/a', 'a'), spec({}, undefined, "/data/jobs/it's b", 'b')];
    const { script, qsubArgs } = renderGridEngineArraySubmission(
      arrayName,
      arrayDir,
      specs,
      ['/data/jobs/a/job.sge.sh', "/data/jobs/it's b/job.sge.sh"],
      undefined,
      {
        environment: { PATH: '/usr/bin', HOME: '/root' },
      },
    );
    expect(qsubArgs).toEqual([
      '-terse',
      '-N',
      arrayName,
      '-t',
      '1-2',
      '-wd',
      arrayDir,
      '-j',
      'y',
      '-o',
      `${arrayDir}/task-$TASK_ID/sge.$JOB_ID.$TASK_ID.out`,
      '-v',
      'PATH,HOME',
    ]);
    expect(script).toBe(
      [
        '#!/bin/bash',
        '#$ -S /bin/bash',
        '#$ -r n',
        '#$ -l h_rt=24:00:00',
        '',
        'case "$SGE_TASK_ID" in',
        "  1) exec /bin/bash '/data/jobs/a/job.sge.sh' ;;",
        "  2) exec /bin/bash '/data/jobs/it'\\''s b/job.sge.sh' ;;",
        '  *) echo "hfss-job-manager: array task $SGE_TASK_ID has no job" >&2; exit 112 ;;',
        'esac',
        '',
      ].join('\n'),
    );
  });

  it("should run each task's own job script, which records the task as <job>.<task>", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sge-array-'));
    const printer = join(dir, 'ansysedt');
    writeFileSync(printer, '#!/bin/sh\nprintf "%s\\n" "$*"\n');
    chmodSync(printer, 0o755);
    const specs = ['one', 'two'].map((name) => spec({}, [printer, name], join(dir, name), name));
    const scripts = specs.map((job) => {
      execFileSync('mkdir', ['-p', job.workDir]);
      const path = join(job.workDir, 'job.sge.sh');
      writeFileSync(path, renderGridEngineSubmission(job).script);
      return path;
    });
    writeFileSync(join(dir, 'array.sh'), renderGridEngineArraySubmission(arrayName, dir, specs, scripts).script);
    execFileSync('bash', [join(dir, 'array.sh')], { env: { ...process.env, JOB_ID: '41', SGE_TASK_ID: '2' } });
    expect(readFileSync(join(dir, 'two', 'solver.log'), 'utf8')).toBe('two\n');
    expect(readFileSync(join(dir, 'two', 'native_id'), 'utf8')).toBe('41.2\n');
    expect(existsSync(join(dir, 'one', 'solver.log'))).toBe(false);
    expect(() => execFileSync('bash', [join(dir, 'array.sh')], { env: { ...process.env, JOB_ID: '41', SGE_TASK_ID: '3' }, stdio: 'pipe' })).toThrow(
      /status 112|has no job/,
    );
  });
});
