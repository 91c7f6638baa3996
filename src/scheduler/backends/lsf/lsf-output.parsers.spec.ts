import { parseBhistLongOutput } from './bhist-output.parser';
import { bjobsErrorsAreOnlyUnknownJobs, parseBjobsOutput } from './bjobs-output.parser';
import { parseBjobsPendingReasons } from './bjobs-pending-reason.parser';
import { bkillFoundNothingToKill } from './bkill-output.parser';
import { parseBsubOutput } from './bsub-output.parser';
import { lsfStatus, parseLsfExitCode, statusForTermination } from './lsf-state';

// Golden outputs: IBM's documentation transcripts and captures of real clusters kept in public LSF clients' test
// suites (pipelite, EMBL-EBI; AiiDA, CERN lxplus LSF 9.1.3; ERT, Equinor); sources are quoted in each parser.
describe('LSF output parsers', () => {
  it.each([
    ['Job <2848143> is submitted to default queue <research-rh74>.\n', '2848143'],
    ['Job <764254593> is submitted to queue <test>.\n', '764254593'],
    ['Job <5583> is submitted to default queue <normal>\n', '5583'],
    ['Warning: job being submitted without an AFS token.\nJob <17> is submitted to queue <normal>.\n', '17'],
  ])('should read the job id from bsub output %j', (stdout, id) => {
    expect(parseBsubOutput(stdout)).toBe(id);
  });

  it.each([
    [''],
    ['Job <fuzz> is submitted to default queue <normal>.'],
    ['Job <1.4> is submitted to default queue <normal>.'],
    ['Request aborted by esub. Job not submitted.'],
  ])('should refuse bsub output without a job id: %j', (stdout) => {
    expect(() => parseBsubOutput(stdout)).toThrow(/bsub printed no job id/);
  });

  it('should map bjobs states, exit codes and exit reasons', () => {
    const states = parseBjobsOutput(
      [
        '861487|PEND|-|-',
        '861488|PSUSP|-|-',
        '872793|RUN|-|-',
        '872794|USUSP|-|-',
        '872795|DONE|-|-',
        '873206|EXIT|127|-',
        '873207|EXIT|130|TERM_OWNER: job killed by owner',
        '764213236|EXIT|140|TERM_RUNLIMIT: job killed after reaching LSF run time limit',
        '873209|EXIT|-|TERM_MEMLIMIT: job killed after reaching LSF memory usage limit',
        '873300|UNKWN|-|-',
        '873301|ZOMBI|-|-',
        '873302[3]|WAIT|-|-',
        '',
      ].join('\n'),
    );
    expect(Object.fromEntries(states)).toEqual({
      '861487': { status: 'pending', reason: undefined, nativeState: 'PEND' },
      '861488': {
        status: 'pending',
        reason: 'suspended while pending (bstop; bresume to release)',
        nativeState: 'PSUSP',
        nativeReason: 'suspended while pending (bstop; bresume to release)',
      },
      '872793': { status: 'running', reason: undefined, nativeState: 'RUN' },
      '872794': {
        status: 'running',
        reason: 'suspended by its owner or an administrator (bresume to resume)',
        nativeState: 'USUSP',
        nativeReason: 'suspended by its owner or an administrator (bresume to resume)',
      },
      '872795': { status: 'completed', exitCode: 0, nativeState: 'DONE' },
      '873206': {
        status: 'failed',
        exitCode: 127,
        reason: 'exit code 127',
        nativeState: 'EXIT',
      },
      '873207': {
        status: 'cancelled',
        exitCode: 130,
        reason: 'TERM_OWNER: job killed by owner',
        nativeState: 'EXIT',
        nativeReason: 'TERM_OWNER: job killed by owner',
      },
      '764213236': {
        status: 'timed_out',
        exitCode: 140,
        reason: 'TERM_RUNLIMIT: job killed after reaching LSF run time limit',
        nativeState: 'EXIT',
        nativeReason: 'TERM_RUNLIMIT: job killed after reaching LSF run time limit',
      },
      '873209': {
        status: 'failed',
        exitCode: null,
        reason: 'TERM_MEMLIMIT: job killed after reaching LSF memory usage limit',
        nativeState: 'EXIT',
        nativeReason: 'TERM_MEMLIMIT: job killed after reaching LSF memory usage limit',
      },
      '873300': {
        status: 'unknown',
        reason: 'LSF reports UNKWN',
        nativeState: 'UNKWN',
      },
      '873301': {
        status: 'unknown',
        reason: 'LSF reports ZOMBI',
        nativeState: 'ZOMBI',
      },
      '873302[3]': {
        status: 'pending',
        reason: undefined,
        nativeState: 'WAIT',
      },
    });
  });

  it('should skip a header line, blank lines and anything that is not a job line', () => {
    const states = parseBjobsOutput('JOBID|STAT|EXIT_CODE|EXIT_REASON\n\n12|RUN|-|-\nNo unfinished job found\n');
    expect([...states.keys()]).toEqual(['12']);
    expect(parseBjobsOutput('').size).toBe(0);
  });

  it('should tell unknown-id answers on stderr from real failures', () => {
    // LSB_BJOBS_CONSISTENT_EXIT_CODE: `bjobs 111 123` lists 111 and prints `Job <123> is not found`, rc 255.
    expect(bjobsErrorsAreOnlyUnknownJobs('Job <123> is not found\n')).toBe(true);
    expect(bjobsErrorsAreOnlyUnknownJobs('Job <345654> is not found.\nJob <345655> is not found\n')).toBe(true);
    expect(bjobsErrorsAreOnlyUnknownJobs('Job <lsf_name> is not found\n')).toBe(true);
    expect(bjobsErrorsAreOnlyUnknownJobs('No unfinished job found\n')).toBe(true);
    expect(bjobsErrorsAreOnlyUnknownJobs('')).toBe(true);
    expect(bjobsErrorsAreOnlyUnknownJobs('LSF is down. Please wait ...\n')).toBe(false);
    expect(bjobsErrorsAreOnlyUnknownJobs('Job <123> is not found\nbatch system daemon not responding ... still trying\n')).toBe(false);
  });

  it('should treat bkill on a finished or forgotten job as nothing to do, and anything else as an error', () => {
    expect(bkillFoundNothingToKill('Job <11>: Job has already finished\n', '11')).toBe(true);
    expect(bkillFoundNothingToKill('Job <22>: No matching job found\n', '22')).toBe(true);
    expect(bkillFoundNothingToKill('Job <22>: No matching job found\n', '11')).toBe(false);
    expect(bkillFoundNothingToKill('LSF is down. Please wait ...\n', '11')).toBe(false);
    expect(bkillFoundNothingToKill('Job <11>: User permission denied\n', '11')).toBe(false);
    expect(bkillFoundNothingToKill('', '11')).toBe(false);
  });

  // pipelite's AbstractLsfExecutorExtractTest, captured from `bhist -l` on EBI's cluster (wrapped at 80 columns).
  const EXITED_127 = [
    'Job <873209>, User <rasko>, Project <default>, Command <fdfs>, Esub <esub>',
    'Sun Jan 10 17:50:11: Submitted from host <noah-login-01>, to Queue <research-rh',
    '                     74>, CWD <$HOME>, Requested Resources <rusage[numcpus=1:du',
    '                     ration=480]>;',
    'Sun Jan 10 17:50:12: Dispatched to <hx-noah-10-04>, Effective RES_REQ <select[t',
    '                     ype == local] order[r15s:pg] rusage[numcpus=1.00:duration=',
    '                     8h:decay=0] span[hosts=1] >;',
    'Sun Jan 10 17:50:12: Starting (Pid 87178);',
    'Sun Jan 10 17:50:12: Running with execution home </homes/rasko>, Execution CWD',
    '                     </homes/rasko>, Execution Pid <87178>;',
    'Sun Jan 10 17:50:12: Exited with exit code 127. The CPU time used is 0.0 second',
    '                     s;',
    'Sun Jan 10 17:50:12: Completed <exit>;',
    '',
    '',
    ' CORELIMIT',
    '      0 M',
    '',
    'Summary of time in seconds spent in various states by  Sun Jan 10 17:50:12',
    '  PEND     PSUSP    RUN      USUSP    SSUSP    UNKWN    TOTAL',
    '  1        0        0        0        0        0        1',
  ].join('\n');
  const DONE = [
    'Job <872795>, User <rasko>, Project <default>, Command <echo hello>, Esub <esub',
    '                     >',
    'Sun Jan 10 17:47:38: Submitted from host <noah-login-01>, to Queue <research-rh',
    '                     74>, CWD <$HOME>, Requested Resources <rusage[numcpus=1:du',
    '                     ration=480]>;',
    'Sun Jan 10 17:47:39: Dispatched to <hx-noah-05-14>, Effective RES_REQ <select[t',
    '                     ype == local] order[r15s:pg] rusage[numcpus=1.00:duration=',
    '                     8h:decay=0] span[hosts=1] >;',
    'Sun Jan 10 17:47:39: Starting (Pid 110245);',
    'Sun Jan 10 17:47:39: Running with execution home </homes/rasko>, Execution CWD',
    '                     </homes/rasko>, Execution Pid <110245>;',
    'Sun Jan 10 17:47:39: Done successfully. The CPU time used is 0.0 seconds;',
    'Sun Jan 10 17:47:40: Post job process done successfully;',
    '',
    'Summary of time in seconds spent in various states by  Sun Jan 10 17:47:40',
    '  PEND     PSUSP    RUN      USUSP    SSUSP    UNKWN    TOTAL',
    '  1        0        0        0        0        0        1',
  ].join('\n');
  // The Platform LSF 7.3 configuration reference's "Example output of bacct and bhist" (bkill, run limit), laid
  // out like the captures above; the pending-job kill is constructed in the same layout.
  const KILLED = [
    'Job <900>, Job Name <hfss_7>, User <user2>, Project <default>, Command <#!/bin/bash>',
    'Thu Mar 13 17:31:05: Submitted from host <hostA>, to Queue <normal>, CWD </data/j>;',
    'Thu Mar 13 17:31:06: Dispatched to <hostB>;',
    'Thu Mar 13 17:31:06: Starting (Pid 4711);',
    'Thu Mar 13 17:32:05: Signal <KILL> requested by user or administrator <user2>;',
    'Thu Mar 13 17:32:06: Exited by signal 2. The CPU time used is 0.1 seconds;',
    'Thu Mar 13 17:32:06: Completed <exit>; TERM_OWNER: job killed by owner.',
  ].join('\n');
  const KILLED_PENDING = [
    'Job <901>, User <user2>, Project <default>, Command <#!/bin/bash>',
    'Thu Mar 13 17:31:05: Submitted from host <hostA>, to Queue <normal>, CWD </data/j>;',
    'Thu Mar 13 17:32:05: Signal <KILL> requested by user or administrator <user2>;',
    'Thu Mar 13 17:32:05: Exited; job has been forced to exit with exit code 130. The',
    '                      CPU time used is unknown;',
    'Thu Mar 13 17:32:05: Completed <exit>; TERM_OWNER: job killed by owner.',
  ].join('\n');
  const RUNLIMIT = [
    'Job <902>, User <user2>, Project <default>, Command <#!/bin/bash>',
    'Thu Mar 13 20:17:05: Submitted from host <hostA>, to Queue <normal>, CWD </data/j>;',
    'Thu Mar 13 20:17:06: Starting (Pid 4712);',
    'Thu Mar 13 20:18:32: Exited by signal 2. The CPU time used is 0.1 seconds.',
    'Thu Mar 13 20:18:32: Completed <exit>; TERM_RUNLIMIT: job killed after reaching LSF run time limit.',
  ].join('\n');
  const STILL_PENDING = [
    'Job <903>, User <u>, Project <default>, Command <x>',
    'Thu Mar 13 20:17:05: Submitted from host <hostA>, to Queue <normal>, CWD </j>;',
  ].join('\n');
  // IBM's "Understand successful application exit values" transcript: requeued on exit 17, then run again.
  const REQUEUED_THEN_DONE = [
    'Job <5583>, user <name>, Project <default>, Application <test>, Command <./non_zero.sh>',
    'Fri Feb  1 10:52:20: Submitted from host <HostA>, to Queue <normal>, CWD <$HOME>;',
    'Fri Feb  1 10:52:22: Dispatched to <intel4>, Effective RES_REQ <select[type == local] order[slots] >;',
    'Fri Feb  1 10:52:22: Starting (Pid 31390);',
    'Fri Feb  1 10:52:23: Exited with exit code 17. The CPU time used is 0.1 seconds.',
    'Fri Feb  1 10:52:23: Pending: Requeued job is waiting for rescheduling;(exit code 17)',
    'Fri Feb  1 10:52:23: Dispatched to <intel4>, Effective RES_REQ <select[type == local] order[slots] >;',
    'Fri Feb  1 10:52:24: Starting (Pid 31391);',
    'Fri Feb  1 10:52:25: Done successfully. The CPU time used is 0.1 seconds.',
  ].join('\n');
  const SEPARATOR = '\n------------------------------------------------------------------------------\n\n';

  it('should read final states from bhist -l, joining wrapped lines and splitting several jobs', () => {
    const states = parseBhistLongOutput([EXITED_127, DONE, KILLED, KILLED_PENDING, RUNLIMIT, STILL_PENDING, REQUEUED_THEN_DONE].join(SEPARATOR));
    expect(Object.fromEntries(states)).toEqual({
      '873209': { status: 'failed', exitCode: 127, reason: 'exit code 127' },
      '872795': { status: 'completed', exitCode: 0 },
      '900': {
        status: 'cancelled',
        exitCode: 130,
        reason: 'TERM_OWNER: job killed by owner',
      },
      '901': {
        status: 'cancelled',
        exitCode: 130,
        reason: 'TERM_OWNER: job killed by owner',
      },
      '902': {
        status: 'timed_out',
        exitCode: 130,
        reason: 'TERM_RUNLIMIT: job killed after reaching LSF run time limit',
      },
      '903': { status: 'pending' },
      '5583': { status: 'completed', exitCode: 0 },
    });
  });

  it('should find nothing in bhist output for unknown jobs', () => {
    expect(parseBhistLongOutput('').size).toBe(0);
    expect(parseBhistLongOutput('No matching job found\n').size).toBe(0);
  });

  it.each([
    ['PEND', 'pending'],
    ['PROV', 'pending'],
    ['PSUSP', 'pending'],
    ['WAIT', 'pending'],
    ['RUN', 'running'],
    ['USUSP', 'running'],
    ['SSUSP', 'running'],
    ['DONE', 'completed'],
    ['EXIT', 'failed'],
    ['UNKWN', 'unknown'],
    ['ZOMBI', 'unknown'],
    ['NEWSTATE', 'unknown'],
  ])('should map the LSF state %s to %s', (stat, status) => {
    expect(lsfStatus(stat)).toBe(status);
  });

  it.each([
    ['TERM_OWNER: job killed by owner', 'cancelled'],
    ['TERM_ADMIN: job killed by root or LSF administrator', 'cancelled'],
    ['TERM_FORCE_OWNER: job killed by owner without time for cleanup', 'cancelled'],
    ['TERM_REQUEUE_ADMIN', 'cancelled'],
    ['TERM_RUNLIMIT: job killed after reaching LSF run time limit', 'timed_out'],
    ['TERM_DEADLINE', 'timed_out'],
    ['TERM_MEMLIMIT: job killed after reaching LSF memory usage limit', 'failed'],
    ['TERM_EXTERNAL_SIGNAL', 'failed'],
    ['-', undefined],
    [undefined, undefined],
  ])('should map the termination reason %s to %s', (reason, status) => {
    expect(statusForTermination(reason)).toBe(status);
  });

  it('should read exit codes, with - as none', () => {
    expect(parseLsfExitCode('130')).toBe(130);
    expect(parseLsfExitCode('-')).toBeNull();
    expect(parseLsfExitCode(undefined)).toBeNull();
  });
});

describe('parseBjobsPendingReasons', () => {
  it('should read one reason per job, drop `-`, and join a reason that runs onto further lines', () => {
    const reasons = parseBjobsPendingReasons(
      [
        '1480|New job is waiting for scheduling',
        '2015|The job has a specified start time;',
        '3864|The job was suspended by the user while pending',
        '861487|-',
        '7|Job requirements for reserving resources (mem) not satisfied: 2 hosts;',
        ' Not enough job slot(s): 1 host;',
        '',
      ].join('\n'),
    );
    expect(Object.fromEntries(reasons)).toEqual({
      '1480': 'New job is waiting for scheduling',
      '2015': 'The job has a specified start time',
      '3864': 'The job was suspended by the user while pending',
      '7': 'Job requirements for reserving resources (mem) not satisfied: 2 hosts; Not enough job slot(s): 1 host',
    });
  });
});
