import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { UnsafeScriptValueError } from '../shared/batch-script';
import { lsfMemory, lsfRunLimit, renderLsfSubmission } from './lsf-script.renderer';

const spec = (
  overrides: Record<string, unknown>,
  argv: string[] = ['/ansys/ansysedt', '-ng', '-batchsolve', '/p/a.aedt'],
  workDir = '/data/jobs/j1',
  jobId = 'j1',
) => ({
  jobId,
  config: parseSimulationConfig({
    project_path: '/p/a.aedt',
    scheduler_type: 'lsf',
    ...overrides,
  }),
  argv,
  workDir,
  logPath: `${workDir}/solver.log`,
});

describe('renderLsfSubmission', () => {
  it('should render every directive from SchedulerOptions, then the quoted command, with name and paths as bsub argv', () => {
    const { script, bsubArgs } = renderLsfSubmission(
      spec({
        scheduler_options: {
          queue: 'compute',
          time: '1.06:00:30',
          nodes: 4,
          tasks_per_node: 2,
          cores_per_node: 16,
          memory: '64GB',
          account: 'rf-lab',
          reservation: 'maint_1',
          qos: 'gold',
          constraints: 'ib&avx512',
          exclusive: true,
          gpus: 2,
          gpu_type: 'a100',
          email_notification: 'eng@example.com',
          priority: 'Low',
          extra_directives: ['-app fluent'],
        },
      }),
    );
    expect(script).toBe(
      [
        '#!/bin/bash',
        '#BSUB -W 30:01',
        '#BSUB -n 64',
        '#BSUB -R "select[ib&&avx512] rusage[mem=65536] span[ptile=16]"',
        '#BSUB -q compute',
        '#BSUB -P rf-lab',
        '#BSUB -U maint_1',
        '#BSUB -sla gold',
        '#BSUB -x',
        '#BSUB -gpu "num=2:gmodel=a100"',
        '#BSUB -u eng@example.com',
        '#BSUB -N',
        '#BSUB -sp 10',
        '#BSUB -app fluent',
        '',
        "cd '/data/jobs/j1' || exit 111",
        'printf \'%s\\n\' "$LSB_JOBID" > native_id',
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
    expect(bsubArgs).toEqual(['-J', 'j1', '-cwd', '/data/jobs/j1', '-o', '/data/jobs/j1/lsf.%J.out', '-env', 'none']);
  });

  it('should pass exactly the job environment with -env (bsub would otherwise pass all of it)', () => {
    const context = { environment: { ANSYSLMD_LICENSE_FILE: '1055@lic', PATH: '/usr/bin' } };
    expect(renderLsfSubmission(spec({}), 'MB', context).bsubArgs.slice(-2)).toEqual(['-env', 'ANSYSLMD_LICENSE_FILE,PATH']);
  });

  it('should write rusage[mem=] as an integer in the cluster LSF_UNIT_FOR_LIMITS', () => {
    const options = { scheduler_options: { memory: '1.5GB' } };
    expect(renderLsfSubmission(spec(options), 'KB').script).toContain('rusage[mem=1572864]');
    expect(renderLsfSubmission(spec(options), 'MB').script).toContain('rusage[mem=1536]');
    expect(renderLsfSubmission(spec(options), 'GB').script).toContain('rusage[mem=2]');
  });

  it('should keep the defaults minimal: run limit, one slot, no resource string', () => {
    const { script } = renderLsfSubmission(spec({}));
    expect(script.split('\n').filter((line) => line.startsWith('#BSUB'))).toEqual(['#BSUB -W 24:00', '#BSUB -n 1']);
    const oneHost = renderLsfSubmission(spec({ scheduler_options: { tasks_per_node: 8, memory: '512M' } })).script;
    expect(oneHost).toContain('#BSUB -n 8\n#BSUB -R "rusage[mem=512] span[hosts=1]"\n');
  });

  it.each([
    ['24:00:00', '24:00'],
    ['90', '1:30'],
    ['2-12:30:05', '60:31'],
    ['00:00:20', '0:01'],
  ])('should convert wall time %s to the run limit %s ([hour:]minute)', (input, expected) => {
    expect(lsfRunLimit(input)).toBe(expected);
  });

  it.each([
    ['64GB', 65536],
    ['512M', 512],
    ['1.5 GiB', 1536],
    ['2T', 2097152],
    ['2048K', 2],
    ['3000', 3000],
  ])('should convert memory %s to %d MB', (input, expected) => {
    expect(lsfMemory(input)).toBe(expected);
  });

  it('should keep hostile arguments and paths inert: the solver receives them intact and nothing else runs', () => {
    const dir = mkdtempSync(join(tmpdir(), "lsf render 'dir' $(x) "));
    const printer = join(dir, 'ansysedt');
    writeFileSync(printer, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    chmodSync(printer, 0o755);
    const hostile = [`$(touch ${dir}/pwned)`, '`touch x`', "it's", '"q"', 'a; touch y', '&& id', '*', '$HOME', '\\', '#BSUB -q evil'];
    const { script, bsubArgs } = renderLsfSubmission(spec({}, [printer, ...hostile], dir));
    writeFileSync(join(dir, 'job.sh'), script);
    execFileSync('bash', [join(dir, 'job.sh')], {
      env: { ...process.env, LSB_JOBID: '4242' },
    });
    expect(readFileSync(join(dir, 'solver.log'), 'utf8').split('\n').slice(0, -1)).toEqual(hostile);
    expect(readFileSync(join(dir, 'exit_code'), 'utf8')).toBe('0\n');
    expect(readFileSync(join(dir, 'native_id'), 'utf8')).toBe('4242\n');
    expect(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'x')) || existsSync(join(dir, 'y'))).toBe(false);
    // The only directive lines are ours; the work dir travels as one argv element, byte for byte.
    expect(script.split('\n').filter((line) => line.startsWith('#BSUB'))).toEqual(['#BSUB -W 24:00', '#BSUB -n 1']);
    expect(bsubArgs.slice(2, 4)).toEqual(['-cwd', dir]);
  });

  it('should refuse a newline anywhere instead of letting it add a directive or a command', () => {
    expect(() => renderLsfSubmission(spec({}, ['/ansys/ansysedt', 'x\n#BSUB -q evil']))).toThrow(UnsafeScriptValueError);
    expect(() => renderLsfSubmission(spec({}, ['/ansys/ansysedt'], '/data/evil\n#BSUB -u root'))).toThrow(UnsafeScriptValueError);
    expect(() => renderLsfSubmission(spec({}, undefined, undefined, 'j1\n#BSUB -x'))).toThrow(UnsafeScriptValueError);
  });

  it('should refuse values that would split or re-quote a #BSUB line, and paths bsub would expand', () => {
    // These cannot pass the API's validation; the renderer refuses them anyway (defence in depth).
    const withOptions = (options: Record<string, unknown>) => {
      const built = spec({});
      Object.assign(built.config.scheduler_options, options);
      return built;
    };
    expect(() => renderLsfSubmission(withOptions({ queue: 'normal -u root' }))).toThrow(UnsafeScriptValueError);
    expect(() => renderLsfSubmission(withOptions({ account: 'a"b' }))).toThrow(UnsafeScriptValueError);
    expect(() => renderLsfSubmission(withOptions({ email_notification: '$(id)@x.org' }))).toThrow(UnsafeScriptValueError);
    expect(() => renderLsfSubmission(withOptions({ constraints: 'x]rusage[mem=1' }))).toThrow(UnsafeScriptValueError);
    expect(() => renderLsfSubmission(withOptions({ extra_directives: ['-q x\n#BSUB -u root'] }))).toThrow(UnsafeScriptValueError);
    expect(() => renderLsfSubmission(spec({}, undefined, '/data/50%J/jobs/j1'))).toThrow(/%/);
    expect(() => renderLsfSubmission(spec({}, undefined, undefined, 'name with "quotes"'))).toThrow(UnsafeScriptValueError);
  });
});
