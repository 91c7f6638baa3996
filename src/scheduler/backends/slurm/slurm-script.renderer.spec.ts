import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { UnsafeScriptValueError } from '../shared/batch-script';
import { renderSlurmScript, slurmTime } from './slurm-script.renderer';

const spec = (overrides: Record<string, unknown>, argv: string[] = ['/ansys/ansysedt', '-ng', '-batchsolve', '/p/a.aedt'], workDir = '/data/jobs/j1') => ({
  jobId: 'j1',
  config: parseSimulationConfig({
    project_path: '/p/a.aedt',
    scheduler_type: 'slurm',
    ...overrides,
  }),
  argv,
  workDir,
  logPath: `${workDir}/solver.log`,
});

describe('renderSlurmScript', () => {
  it('should render every directive from SchedulerOptions, then the quoted command', () => {
    const script = renderSlurmScript(
      spec({
        scheduler_options: {
          queue: 'compute',
          time: '1.06:00:00',
          nodes: 4,
          tasks_per_node: 2,
          cores_per_node: 16,
          memory: '64GB',
          account: 'rf-lab',
          qos: 'high',
          constraints: 'ib&avx512',
          exclusive: true,
          gpus: 2,
          gpu_type: 'a100',
          email_notification: 'eng@example.com',
          priority: 'Low',
          extra_directives: ['--comment=board7'],
        },
      }),
    );
    expect(script).toBe(
      [
        '#!/bin/bash',
        '#SBATCH --job-name=j1',
        '#SBATCH --output=/data/jobs/j1/slurm-%j.out',
        '#SBATCH --chdir=/data/jobs/j1',
        '#SBATCH --export=NONE',
        '#SBATCH --time=1-06:00:00',
        '#SBATCH --nodes=4',
        '#SBATCH --ntasks-per-node=2',
        '#SBATCH --partition=compute',
        '#SBATCH --cpus-per-task=8',
        '#SBATCH --mem=65536M',
        '#SBATCH --account=rf-lab',
        '#SBATCH --qos=high',
        '#SBATCH --constraint=ib&avx512',
        '#SBATCH --exclusive',
        '#SBATCH --gpus=a100:2',
        '#SBATCH --mail-user=eng@example.com',
        '#SBATCH --mail-type=END,FAIL',
        '#SBATCH --nice=1000',
        '#SBATCH --comment=board7',
        '',
        'export SLURM_EXPORT_ENV=ALL',
        "cd '/data/jobs/j1' || exit 111",
        'printf \'%s\\n\' "$SLURM_JOB_ID" > native_id',
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
  });

  it.each([
    ['24:00:00', '1-00:00:00'],
    ['90', '0-01:30:00'],
    ['2-12:30:05', '2-12:30:05'],
  ])('should convert wall time %s to %s', (input, expected) => {
    expect(slurmTime(input)).toBe(expected);
  });

  it('should keep hostile arguments inert: the solver receives them intact and nothing else runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slurm-render-'));
    const printer = join(dir, 'ansysedt');
    writeFileSync(printer, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    chmodSync(printer, 0o755);
    const hostile = [`$(touch ${dir}/pwned)`, '`touch x`', "it's", '"q"', 'a; touch y', '&& id', '*', '$HOME', '\\'];
    const script = renderSlurmScript(spec({}, [printer, ...hostile], dir));
    writeFileSync(join(dir, 'job.sh'), script);
    execFileSync('bash', [join(dir, 'job.sh')]);
    expect(readFileSync(join(dir, 'solver.log'), 'utf8').split('\n').slice(0, -1)).toEqual(hostile);
    expect(readFileSync(join(dir, 'exit_code'), 'utf8')).toBe('0\n');
    expect(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'x')) || existsSync(join(dir, 'y'))).toBe(false);
    expect(script.split('\n').filter((line) => line.startsWith('#SBATCH'))).toHaveLength(7);
  });

  it('should pass exactly the job environment with an explicit --export list (sbatch defaults to ALL) and give job steps all of it', () => {
    const context = { environment: { ANSYSLMD_LICENSE_FILE: '1055@lic', HOME: '/home/eng', PATH: '/usr/bin' } };
    const script = renderSlurmScript(spec({}), context);
    expect(script).toContain('#SBATCH --export=ANSYSLMD_LICENSE_FILE,HOME,PATH\n');
    expect(script).toContain('\nexport SLURM_EXPORT_ENV=ALL\ncd ');
    expect(renderSlurmScript(spec({}))).toContain('#SBATCH --export=NONE\n');
  });

  it('should quote work directories with spaces, # and quotes the way sbatch splits #SBATCH lines, and keep % literal in --output', () => {
    const script = renderSlurmScript(spec({}, undefined, '/data dir #2/it"s 100%/jobs/j1'));
    expect(script).toContain('#SBATCH --output="/data dir #2/it\\"s 100%%/jobs/j1/slurm-%j.out"\n');
    expect(script).toContain('#SBATCH --chdir="/data dir #2/it\\"s 100%/jobs/j1"\n');
    expect(script).toContain(`cd '/data dir #2/it"s 100%/jobs/j1' || exit 111`);
    expect(() => renderSlurmScript(spec({}, undefined, '/data\\dir/j1'))).toThrow(/backslash/);
  });

  it.each([
    ['1.5GB', '1536M'],
    ['64GB', '65536M'],
    ['512M', '512M'],
    ['2T', '2097152M'],
    ['4000', '4000M'],
    ['1536K', '2M'],
  ])('should render memory %s as --mem=%s (whole MiB with an explicit unit)', (memory, expected) => {
    expect(renderSlurmScript(spec({ scheduler_options: { memory } }))).toContain(`#SBATCH --mem=${expected}\n`);
  });

  it('should refuse memory below 1 MiB rather than send --mem=0 (all of the node)', () => {
    expect(() => renderSlurmScript(spec({ scheduler_options: { memory: '0' } }))).toThrow(UnsafeScriptValueError);
  });

  it('should allocate exactly cores_per_node per node and refuse a shape SLURM cannot allocate exactly', () => {
    expect(renderSlurmScript(spec({ scheduler_options: { tasks_per_node: 4, cores_per_node: 12 } }))).toContain(
      '--ntasks-per-node=4\n#SBATCH --cpus-per-task=3\n',
    );
    expect(() => renderSlurmScript(spec({ scheduler_options: { tasks_per_node: 4, cores_per_node: 10 } }))).toThrow(
      /cores_per_node \(10\) must be a multiple of tasks_per_node \(4\).*get 8/,
    );
    expect(() => renderSlurmScript(spec({ scheduler_options: { tasks_per_node: 4, cores_per_node: 2 } }))).toThrow(UnsafeScriptValueError);
  });

  it('should refuse a newline anywhere in the script instead of letting it add a directive or a command', () => {
    expect(() => renderSlurmScript(spec({}, ['/ansys/ansysedt', 'x\n#SBATCH --wrap=id']))).toThrow(UnsafeScriptValueError);
    expect(() => renderSlurmScript(spec({}, ['/ansys/ansysedt'], '/data/evil\n#SBATCH --uid=0'))).toThrow(UnsafeScriptValueError);
  });
});
