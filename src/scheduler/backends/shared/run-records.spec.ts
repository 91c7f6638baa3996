import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderScriptBody } from './batch-script';
import { parseRunsFile, withRunRecords } from './run-records';

describe('run records', () => {
  it('should read the last well-formed run line and ignore garbage', () => {
    expect(parseRunsFile('')).toBeNull();
    expect(parseRunsFile('1 1796145104\n')).toEqual({
      run: 1,
      startedAt: 1796145104000,
    });
    expect(parseRunsFile('1 1796145104\n2 1796145200\nnonsense\n')).toEqual({
      run: 2,
      startedAt: 1796145200000,
    });
  });

  it('should make each run of a requeued batch script write its own log and drop the stale exit status', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runs-'));
    const solver = join(dir, 'solver');
    writeFileSync(solver, '#!/bin/sh\necho "run pid $$"\nexit 4\n');
    chmodSync(solver, 0o755);
    const script = join(dir, 'job.sh');
    writeFileSync(script, ['#!/bin/bash', ...renderScriptBody(dir, [solver], 'JOB_ID'), ''].join('\n'));
    const runOnce = (): number | null =>
      spawnSync('bash', [script], {
        env: { PATH: process.env.PATH, JOB_ID: '77' },
      }).status;
    expect(runOnce()).toBe(4);
    expect(readFileSync(join(dir, 'exit_code'), 'utf8')).toBe('4\n');
    expect(runOnce()).toBe(4);
    const runs = readFileSync(join(dir, 'runs'), 'utf8').trim().split('\n');
    expect(runs.map((line) => line.split(' ')[0])).toEqual(['1', '2']);
    expect(readFileSync(join(dir, 'solver.run-1.log'), 'utf8')).toMatch(/^run pid \d+\n$/);
    expect(readFileSync(join(dir, 'solver.log'), 'utf8')).toMatch(/^run pid \d+\n$/);
    expect(readFileSync(join(dir, 'solver.log'), 'utf8')).not.toBe(readFileSync(join(dir, 'solver.run-1.log'), 'utf8'));
    expect(parseRunsFile(readFileSync(join(dir, 'runs'), 'utf8'))?.run).toBe(2);
  });

  it('should give a finished job the start time its script recorded, and a pending (requeued) one only the run number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runs-'));
    writeFileSync(join(dir, 'runs'), '1 1796145104\n');
    const refs = [
      { nativeId: '1', workDir: dir },
      { nativeId: '2', workDir: dir },
      { nativeId: '3', workDir: join(dir, 'none') },
    ];
    const states = await withRunRecords(
      new Map([
        ['1', { status: 'completed' as const, exitCode: 0, startedAt: 5 }],
        ['2', { status: 'pending' as const }],
        ['3', { status: 'running' as const }],
      ]),
      refs,
    );
    expect(states.get('1')).toEqual({
      status: 'completed',
      exitCode: 0,
      startedAt: 1796145104000,
      run: 1,
    });
    expect(states.get('2')).toEqual({ status: 'pending', run: 1 });
    expect(states.get('3')).toEqual({ status: 'running' });
  });
});
