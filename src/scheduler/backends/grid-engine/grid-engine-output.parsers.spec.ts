import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAccountingRecords } from './accounting-file.reader';
import { parseAccountingRecords } from './accounting-record.parser';
import { gridEngineFinalState, gridEngineStatus } from './grid-engine-state';
import { parseQstatJobDetails, waitingReasonFromSchedulingInfo } from './qstat-job-output.parser';
import { parseQstatXml, parseTaskNumbers } from './qstat-output.parser';
import { parseQsubTerseOutput } from './qsub-output.parser';

const FIXTURES = join(__dirname, 'fixtures');

// Captured from Son of Grid Engine 8.1.9 (Debian 12) on the CI host: one running, one held job.
const QSTAT_XML = `<?xml version='1.0'?>
<job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd">
  <queue_info>
    <job_list state="running">
      <JB_job_number>14</JB_job_number>
      <JAT_prio>0.50000</JAT_prio>
      <JB_name>ge_long</JB_name>
      <JB_owner>root</JB_owner>
      <state>r</state>
      <JAT_start_time>2026-11-25T02:12:19</JAT_start_time>
      <queue_name>all.q@vm</queue_name>
      <slots>1</slots>
    </job_list>
  </queue_info>
  <job_info>
    <job_list state="pending">
      <JB_job_number>16</JB_job_number>
      <JAT_prio>0.00000</JAT_prio>
      <JB_name>ge_held</JB_name>
      <JB_owner>root</JB_owner>
      <state>hqw</state>
      <JB_submission_time>2026-11-25T02:12:19</JB_submission_time>
      <queue_name></queue_name>
      <slots>1</slots>
    </job_list>
    <job_list state="pending">
      <JB_job_number>17</JB_job_number>
      <JAT_prio>0.00000</JAT_prio>
      <JB_name>a&amp;b</JB_name>
      <JB_owner>root</JB_owner>
      <state>Eqw</state>
      <JB_submission_time>2026-11-25T02:12:20</JB_submission_time>
      <queue_name></queue_name>
      <slots>1</slots>
    </job_list>
  </job_info>
</job_info>
`;

// accounting(5) records captured on the same host: exit 0, exit 3, qdel of a running job.
const ACCOUNTING = [
  '# Version: 8.1.9',
  'all.q:vm:root:root:job_b:13:sge:0:1795572476:1795572477:1795572482:0:0:5:0.004803:0.003687:4936.000000:0:0:0:0:434:0:0:0.000000:16:0:0:0:4:1:NONE:defaultdepartment:NONE:1:0:0.008490:0.000000:0.000022:NONE:0.000000:NONE:5091328.000000:0:0',
  'all.q:vm:root:root:ge_three:15:sge:0:1795572739:1795572739:1795572739:0:3:0:0.000000:0.004589:5004.000000:0:0:0:0:301:0:0:0.000000:8:0:0:0:1:0:NONE:defaultdepartment:NONE:1:0:0.004589:0.000000:0.000000:NONE:0.000000:NONE:0.000000:0:0',
  'all.q:vm:root:root:ge_long:14:sge:0:1795572739:1795572739:1795572741:100:137:2:0.000000:0.004768:4980.000000:0:0:0:0:313:0:0:0.000000:8:0:0:0:2:5:NONE:defaultdepartment:NONE:1:0:0.004768:0.000000:0.000022:NONE:0.000000:NONE:4923392.000000:0:0',
].join('\n');

describe('Grid Engine output parsers', () => {
  it('should read the job number from qsub -terse, also for array jobs', () => {
    expect(parseQsubTerseOutput('13\n')).toBe('13');
    expect(parseQsubTerseOutput('5.1-3:1\n')).toBe('5');
    expect(() => parseQsubTerseOutput('Your job 1 ("x") has been submitted\n')).toThrow(/unexpected reply/);
    expect(() => parseQsubTerseOutput('')).toThrow(/unexpected reply/);
  });

  it('should parse qstat -xml into states with names, running and pending sections alike', () => {
    const jobs = parseQstatXml(QSTAT_XML);
    expect([...jobs.keys()]).toEqual(['14', '16', '17']);
    expect(jobs.get('14')).toEqual({
      name: 'ge_long',
      status: 'running',
      reason: undefined,
      nativeState: 'r',
      startedAt: new Date('2026-11-25T02:12:19').getTime(),
    });
    expect(jobs.get('16')).toEqual({
      name: 'ge_held',
      status: 'pending',
      reason: 'on hold (hqw)',
      nativeState: 'hqw',
      nativeReason: 'on hold (qrls to release)',
    });
    expect(jobs.get('17')).toMatchObject({
      name: 'a&b',
      status: 'pending',
      reason: expect.stringMatching(/error state Eqw.*qmod -cj/),
    });
  });

  it('should keep the state letters of suspended, rescheduled and error jobs with what they mean (captured)', () => {
    const jobs = parseQstatXml(readFileSync(join(FIXTURES, 'qstat-suspended-eqw-held.xml'), 'utf8'));
    expect(jobs.get('4')).toMatchObject({
      status: 'running',
      nativeState: 's',
      nativeReason: 'suspended',
      startedAt: new Date('2026-12-01T17:11:44').getTime(),
    });
    expect(jobs.get('5')).toMatchObject({
      status: 'pending',
      nativeState: 'hqw',
      nativeReason: 'on hold (qrls to release)',
    });
    expect(jobs.get('6')).toMatchObject({
      status: 'pending',
      nativeState: 'Eqw',
      nativeReason: expect.stringMatching(/^error state/),
    });
    const rescheduled = parseQstatXml(readFileSync(join(FIXTURES, 'qstat-rescheduled.xml'), 'utf8'));
    expect(rescheduled.get('8')).toEqual({
      name: 's.sh',
      status: 'pending',
      nativeState: 'Rq',
      nativeReason: expect.stringMatching(/^rescheduled/),
    });
    // A disabled queue (qmod -d) is not visible in qstat -xml: the job is plain qw.
    expect(parseQstatXml(readFileSync(join(FIXTURES, 'qstat-queue-disabled.xml'), 'utf8')).get('7')).toEqual({
      name: 's.sh',
      status: 'pending',
      nativeState: 'qw',
    });
  });

  it('should read the Eqw error message and the scheduling info from qstat -j (captured)', () => {
    const eqw = parseQstatJobDetails(readFileSync(join(FIXTURES, 'qstat-j-eqw.txt'), 'utf8'));
    expect(Object.fromEntries(eqw)).toEqual({
      '6': { errorReason: "can't chdir to /nonexistent/dir: No such file or directory", schedulingInfo: ['Job is in error state'] },
    });
    const disabled = parseQstatJobDetails(readFileSync(join(FIXTURES, 'qstat-j-queue-disabled.txt'), 'utf8'));
    expect(Object.fromEntries(disabled)).toEqual({
      '7': { schedulingInfo: ['queue instance "all.q@vm" dropped because it is disabled', 'All queues dropped because of overload or full'] },
    });
    // Two jobs in one call (qstat -j 2,3), the second also held: each block keeps its own lines.
    const two = parseQstatJobDetails(readFileSync(join(FIXTURES, 'qstat-j-disabled-two-jobs.txt'), 'utf8'));
    expect([...two.keys()]).toEqual(['2', '3']);
    expect(two.get('2')!.schedulingInfo).toEqual([
      'queue instance "all.q@vm" dropped because it is disabled',
      'All queues dropped because of overload or full',
    ]);
    expect(two.get('3')!.schedulingInfo).toEqual([
      'queue instance "all.q@vm" dropped because it is disabled',
      'All queues dropped because of overload or full',
      'Job is in hold state',
    ]);
    expect(two.get('3')!.errorReason).toBeUndefined();
  });

  it('should word a waiting reason from the specific scheduling info lines, the generic summary only when alone', () => {
    expect(
      waitingReasonFromSchedulingInfo(['queue instance "all.q@vm" dropped because it is disabled', 'All queues dropped because of overload or full']),
    ).toBe('queue instance "all.q@vm" dropped because it is disabled');
    expect(waitingReasonFromSchedulingInfo(['All queues dropped because of overload or full'])).toBe('All queues dropped because of overload or full');
    expect(waitingReasonFromSchedulingInfo([])).toBeUndefined();
    // schedd_job_info false: qstat says collecting is off, which is no reason.
    expect(
      parseQstatJobDetails('job_number:                 9\nscheduling info:            (Collecting of scheduler job information is turned off)\n').get('9'),
    ).toEqual({
      schedulingInfo: [],
    });
  });

  it('should read an empty qstat -xml (no jobs) as no jobs', () => {
    expect(parseQstatXml(`<?xml version='1.0'?>\n<job_info>\n  <queue_info>\n  </queue_info>\n  <job_info>\n  </job_info>\n</job_info>\n`).size).toBe(0);
  });

  it.each([
    ['qw', 'pending'],
    ['hqw', 'pending'],
    ['t', 'running'],
    ['r', 'running'],
    ['Rr', 'running'],
    ['s', 'running'],
    ['S', 'running'],
    ['T', 'running'],
    ['dr', 'running'],
    ['Eqw', 'pending'],
    ['zz', 'unknown'],
  ])('should map qstat state %s to %s', (state, status) => {
    expect(gridEngineStatus(state).status).toBe(status);
  });

  it('should turn accounting records into final states, keeping only wanted ids', () => {
    const states = parseAccountingRecords(ACCOUNTING, new Set(['13', '14', '15', '99']));
    expect(states.get('13')).toEqual({ status: 'completed', exitCode: 0 });
    expect(states.get('15')).toEqual({
      status: 'failed',
      exitCode: 3,
      reason: 'exit code 3',
    });
    expect(states.get('14')).toMatchObject({
      status: 'cancelled',
      exitCode: null,
      reason: expect.stringMatching(/signal 9/),
    });
    expect(states.has('99')).toBe(false);
    expect(parseAccountingRecords(ACCOUNTING, new Set(['15'])).size).toBe(1);
  });

  it('should key each task of an array job as <job>.<task>: running ones one by one, pending ones from their list (captured)', () => {
    // Tasks 1-6 submitted held, task 2 released (running), task 4 deleted: qstat lists the rest as "1,3,5,6".
    const jobs = parseQstatXml(readFileSync(join(FIXTURES, 'qstat-array-tasks.xml'), 'utf8'));
    expect(jobs.get('6.2')).toMatchObject({ status: 'running', nativeState: 'r', startedAt: new Date('2026-12-06T20:57:27').getTime() });
    for (const task of ['6.1', '6.3', '6.5', '6.6']) expect(jobs.get(task)).toMatchObject({ status: 'pending', nativeState: 'hqw' });
    expect(jobs.has('6.4')).toBe(false);
    expect(jobs.get('6')).toMatchObject({ status: 'running', name: 'hfss-array-0f8e2c4a-1b2d-4c3e-8f9a-0123456789ab' });
  });

  it.each([
    ['7', [7]],
    ['1-4:1', [1, 2, 3, 4]],
    ['2-9:3', [2, 5, 8]],
    ['1,3,5-6:1', [1, 3, 5, 6]],
    ['x', []],
    ['1,x', []],
  ])('should read the task list %p', (text, tasks) => {
    expect(parseTaskNumbers(text)).toEqual(tasks);
  });

  it('should not list the tasks of a larger array than ours one by one (a -t of its own, up to max_aj_tasks or unlimited)', () => {
    expect(parseTaskNumbers('1-1000:1')).toHaveLength(1000);
    expect(parseTaskNumbers('1-1001:1')).toEqual([]);
    expect(parseTaskNumbers('1-500:1,600-1100:1')).toEqual([]);
    expect(parseTaskNumbers('1-4294967295:1')).toEqual([]);
    expect(parseTaskNumbers('1-9:2', 5)).toEqual([1, 3, 5, 7, 9]);
    expect(parseTaskNumbers('1-11:2', 5)).toEqual([]);
  });

  it("should key an array task's accounting record as <job>.<task> and by its job number (captured)", () => {
    // Tasks 2 and 3 of array job 4 exited 2 and 3 (field 36 is the task number).
    const records = [
      'all.q:vm:root:root:arrtest:4:sge:0:1796590446:1796590446:1796590450:0:2:4:0.001167:0.008218:4560.000000:0:0:0:0:433:0:0:0.000000:16:0:0:0:4:5:NONE:defaultdepartment:NONE:1:2:0.009385:0.000000:0.000023:NONE:0.000000:NONE:4829184.000000:0:0',
      'all.q:vm:root:root:arrtest:4:sge:0:1796590446:1796590446:1796590450:0:3:4:0.001180:0.006521:4604.000000:0:0:0:0:437:0:0:0.000000:16:0:0:0:4:2:NONE:defaultdepartment:NONE:1:3:0.007701:0.000000:0.000023:NONE:0.000000:NONE:5009408.000000:0:0',
    ].join('\n');
    const states = parseAccountingRecords(records, new Set(['4.2', '4.3', '4.1', '4']));
    expect(states.get('4.2')).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(states.get('4.3')).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(states.has('4.1')).toBe(false);
    // The job number alone (a job with its own -t): its last record.
    expect(states.get('4')).toMatchObject({ exitCode: 3 });
    expect(parseAccountingRecords(records, new Set(['4.3'])).size).toBe(1);
  });

  it.each([
    [37, 137, 'timed_out'],
    [11, 0, 'failed'],
    [0, 255, 'failed'],
  ])('should map failed=%d exit_status=%d to %s', (failed, exitStatus, status) => {
    expect(gridEngineFinalState(failed, exitStatus).status).toBe(status);
  });

  it('should find records by reading the accounting file backwards across chunk boundaries, newest record winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sge-acct-'));
    const record = (id: number, exitStatus: number) =>
      `all.q:vm:root:root:job_${id}:${id}:sge:0:1:1:2:0:${exitStatus}:1:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:NONE:d:NONE:1:0:0:0:0:NONE:0:NONE:0:0:0`;
    const lines = ['# Version: 8.1.9'];
    for (let id = 1; id <= 30_000; id++) lines.push(record(id, id % 7));
    lines.push(record(5, 42)); // job 5 rescheduled and ran again: this later record wins
    const file = join(dir, 'accounting');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const found = await readAccountingRecords(file, ['1', '5', '29999', '12345', '40000']);
    expect(found.get('1')).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(found.get('5')).toMatchObject({ status: 'failed', exitCode: 42 });
    expect(found.get('29999')).toMatchObject({ exitCode: 29999 % 7 });
    expect(found.get('12345')).toMatchObject({ exitCode: 12345 % 7 });
    expect(found.has('40000')).toBe(false);
    expect((await readAccountingRecords(join(dir, 'missing'), ['1'])).size).toBe(0);
  });
});
