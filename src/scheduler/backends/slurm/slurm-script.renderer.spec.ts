import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { UnsafeScriptValueError } from '../shared/batch-script';
import { renderSlurmArrayScript, renderSlurmScript, slurmArrayKey, slurmTime } from './slurm-script.renderer';

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
        'HFSS_JM_NATIVE_ID=$SLURM_JOB_ID; if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then HFSS_JM_NATIVE_ID=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}; fi',
        "cd '/data/jobs/j1' || exit 111",
        'printf \'%s\\n\' "$HFSS_JM_NATIVE_ID" > native_id',
        'if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then printf \'%s\\n\' "$SLURM_JOB_ID" > slurm_job_id; fi',
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
    expect(script).toContain('\nexport SLURM_EXPORT_ENV=ALL\nHFSS_JM_NATIVE_ID=');
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

describe('job arrays (renderSlurmArrayScript, slurmArrayKey)', () => {
  const withJob = (jobId: string, workDir: string, overrides: Record<string, unknown> = {}, argv?: string[]) => ({
    ...spec({ project_path: `/p/${jobId}.aedt`, ...overrides }, argv, workDir),
    jobId,
  });

  it('should give jobs one key when only their projects, ids and work dirs differ, and another when a directive differs', () => {
    const options = { scheduler_options: { time: '02:00:00', memory: '8GB', extra_directives: ['--licenses=hfss:1'] } };
    const key = slurmArrayKey(withJob('a', '/d/jobs/a', options));
    expect(key).toBeDefined();
    expect(slurmArrayKey(withJob('b', '/d/jobs/b', options))).toBe(key);
    expect(slurmArrayKey(withJob('c', '/d/jobs/c', { scheduler_options: { ...options.scheduler_options, memory: '16GB' } }))).not.toBe(key);
    expect(slurmArrayKey(withJob('d', '/d/jobs/d', { scheduler_options: { ...options.scheduler_options, time: '03:00:00' } }))).not.toBe(key);
    // The job environment is part of the key: it is the array's --export list.
    expect(slurmArrayKey(withJob('e', '/d/jobs/e', options), { environment: { HOME: '/home/x' } })).not.toBe(key);
  });

  it.each([['--array=1-4'], ['-a 1-4'], ['--array 0-3%2']])(
    'should keep a job whose extra directives ask for an array of its own (%s) out of arrays',
    (extra) => {
      expect(slurmArrayKey(withJob('a', '/d/jobs/a', { scheduler_options: { extra_directives: [extra] } }))).toBeUndefined();
    },
  );

  it("should run, for task i, job i's own script, its output and recorded id where a job of its own would have them", () => {
    const root = mkdtempSync(join(tmpdir(), 'slurm-array-'));
    const printer = join(root, 'ansysedt');
    writeFileSync(printer, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\necho "on stdout"\n');
    chmodSync(printer, 0o755);
    const dirs = ['plain', 'it\'s a "dir" #2 100%', '$(touch pwned)'].map((name) => join(root, 'jobs', name));
    const specs = dirs.map((dir, index) => withJob(`job${index}`, dir, {}, [printer, `arg-of-${index}`, '$HOME']));
    const scripts = specs.map((job) => {
      execFileSync('mkdir', ['-p', job.workDir]);
      const path = join(job.workDir, 'job.slurm.sh');
      writeFileSync(path, renderSlurmScript(job));
      return path;
    });
    const arrayDir = join(root, 'job-arrays', 'hfss-array-x');
    execFileSync('mkdir', ['-p', arrayDir]);
    const array = renderSlurmArrayScript('hfss-array-x', arrayDir, specs, scripts);
    writeFileSync(join(arrayDir, 'array.slurm.sh'), array);
    expect(array.split('\n').slice(0, 6)).toEqual([
      '#!/bin/bash',
      '#SBATCH --job-name=hfss-array-x',
      '#SBATCH --array=0-2',
      `#SBATCH --output=${arrayDir}/task-%a/slurm-%j.out`,
      `#SBATCH --chdir=${arrayDir}`,
      '#SBATCH --export=NONE',
    ]);
    const runTask = (task: number, jobId: number) =>
      execFileSync('bash', [join(arrayDir, 'array.slurm.sh')], {
        cwd: arrayDir,
        env: { PATH: process.env.PATH, HOME: '/home/eng', SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_JOB_ID: '500', SLURM_JOB_ID: String(jobId) },
        stdio: 'pipe',
      });
    const output = runTask(1, 502);
    expect(readFileSync(join(dirs[1], 'solver.log'), 'utf8')).toBe('arg-of-1\n$HOME\non stdout\n');
    expect(output.toString()).toBe('');
    expect(readFileSync(join(dirs[1], 'native_id'), 'utf8')).toBe('500_1\n');
    // The task's own job id too: what SLURM's jobcomp file knows it by.
    expect(readFileSync(join(dirs[1], 'slurm_job_id'), 'utf8')).toBe('502\n');
    expect(readFileSync(join(dirs[1], 'exit_code'), 'utf8')).toBe('0\n');
    // Only task 1 ran; nothing in the hostile directory name ran either.
    expect(existsSync(join(dirs[0], 'solver.log')) || existsSync(join(dirs[2], 'solver.log'))).toBe(false);
    expect(existsSync(join(arrayDir, 'pwned')) || existsSync(join(root, 'pwned'))).toBe(false);
    runTask(2, 503);
    expect(readFileSync(join(dirs[2], 'native_id'), 'utf8')).toBe('500_2\n');
    expect(() => runTask(3, 504)).toThrow(expect.objectContaining({ status: 112 }));
  });

  it('should record the plain SLURM_JOB_ID when the script runs as a job of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slurm-single-'));
    writeFileSync(join(dir, 'job.sh'), renderSlurmScript(spec({}, ['/bin/true'], dir)));
    execFileSync('bash', [join(dir, 'job.sh')], { env: { PATH: process.env.PATH, SLURM_JOB_ID: '77' } });
    expect(readFileSync(join(dir, 'native_id'), 'utf8')).toBe('77\n');
    expect(existsSync(join(dir, 'slurm_job_id'))).toBe(false);
  });

  it('should refuse a newline in a script path or in the array dir instead of letting it add a command or a directive', () => {
    const job = withJob('a', '/d/jobs/a');
    expect(() => renderSlurmArrayScript('n', '/d/job-arrays/n', [job], ['/d/jobs/a\nrm -rf ~/job.slurm.sh'])).toThrow(UnsafeScriptValueError);
    expect(() => renderSlurmArrayScript('n', '/d/job-arrays/n\n#SBATCH --uid=0', [job], ['/d/jobs/a/job.slurm.sh'])).toThrow(UnsafeScriptValueError);
  });
});
