import { latestSolverProgress, parseSolverProgressLine } from './solver-progress.parser';

describe('solver progress parser', () => {
  it.each([
    ['[info] Solving adaptive pass 3 of 6 (50%)', 50],
    ['Progress: 42.5 %', 42.5],
    ['[progress] Frequency sweep 12 of 48', 25],
    ['Adaptive Pass 2/8 converging', 25],
    ['Solving... 130% complete', 100],
  ])('should read %j as %d %%', (line, percent) => {
    expect(parseSolverProgressLine(line)?.percent).toBe(percent);
  });

  it.each([['[info] Batch options: (none)'], ['Disk usage is at 95%'], [''], ['[info] Machine list: node1:4:16:90%']])(
    'should find no progress in %j',
    (line) => {
      expect(parseSolverProgressLine(line)).toBeNull();
    },
  );

  it('should keep the line as the message and take the last progress line of a chunk', () => {
    const chunk = ['[info] Solving adaptive pass 1 of 4 (25%)', '[info] Solving adaptive pass 2 of 4 (50%)', '[info] writing fields', ''].join('\n');
    expect(latestSolverProgress(chunk)).toEqual({ percent: 50, message: '[info] Solving adaptive pass 2 of 4 (50%)' });
    expect(latestSolverProgress('nothing here\n')).toBeNull();
  });
});
