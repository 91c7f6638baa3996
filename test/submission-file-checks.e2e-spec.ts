import { copyFileSync, unlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { ServiceProcess, startServiceProcess, stopServiceProcesses } from './support/service-process';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, writeProject } from './support/test-app';

/**
 * The file checks of single submissions served in one event-loop turn are shared (SameTurnResourceChecks). From
 * outside, that must be invisible: a submission a client sends after it removed the project (or the service's
 * solver) is refused, however many submissions of the same path other clients have in flight at that moment.
 * Against the built service in its own process, over keep-alive connections as SDK clients use them.
 */
describe('submission file checks under concurrent submissions of the same path', () => {
  let dataDir: string;
  let files: string;
  let service: ServiceProcess;
  const agent = new Agent({ keepAlive: true, maxSockets: 24 });

  beforeEach(() => {
    dataDir = makeTempDir('file-checks-');
    files = makeTempDir('file-checks-files-');
  });
  afterEach(async () => {
    await stopServiceProcesses();
    removeDir(dataDir);
    removeDir(files);
  });
  afterAll(() => agent.destroy());

  const post = (url: string, body: unknown): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const call = request(
        `${url}/jobs/submit`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      call.on('error', reject);
      call.end(data);
    });

  /**
   * Keeps `inFlight` submissions of `body(i)` going; after `acceptedBefore` of them were accepted, calls `remove`.
   * Returns what was answered to the submissions sent after `remove` returned, and how many were accepted before.
   */
  const floodAndRemove = async (inFlight: number, acceptedBefore: number, body: (index: number) => unknown, remove: () => void) => {
    let next = 0;
    let accepted = 0;
    let removed = false;
    const after: Array<{ status: number; text: string }> = [];
    const worker = async (): Promise<void> => {
      while (after.length < 200) {
        const sentAfterRemoval = removed;
        const answer = await post(service.url, body(next++));
        if (sentAfterRemoval) after.push(answer);
        else if (answer.status === 201) accepted++;
        if (!removed && accepted >= acceptedBefore) {
          remove();
          removed = true;
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { accepted, after };
  };

  const startService = (env: Record<string, string> = {}): Promise<ServiceProcess> =>
    startServiceProcess(dataDir, { HFSS_JM_LOG_LEVEL: 'warn', HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000', ...env });
  /** Each answer as `<status> <error message>`. */
  const shown = (answers: ReadonlyArray<{ status: number; text: string }>): Set<string> =>
    new Set(answers.map(({ status, text }) => `${status} ${(JSON.parse(text) as { error?: string }).error ?? ''}`));

  it('should refuse every submission sent after its project was removed, while 24 others of that project are in flight', async () => {
    const project = writeProject(files, 'shared.aedt', { duration_ms: 600_000 });
    service = await startService();
    const { accepted, after } = await floodAndRemove(
      24,
      300,
      (index) => ({ jobid: `p_${index}`, project_path: project }),
      () => unlinkSync(project),
    );
    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(after.length).toBeGreaterThanOrEqual(200);
    expect(shown(after)).toEqual(new Set([`400 Project file not found: ${project}`]));
  });

  it("should refuse every local submission sent after the service's solver was removed, while 24 others are in flight", async () => {
    const solver = join(files, 'ansysedt');
    copyFileSync(FAKE_ANSYSEDT, solver);
    const project = writeProject(files, 'p.aedt', { duration_ms: 600_000 });
    service = await startService({ HFSS_JM_ANSYSEDT_PATH: solver });
    const { accepted, after } = await floodAndRemove(
      24,
      300,
      (index) => ({ jobid: `s_${index}`, project_path: project }),
      () => unlinkSync(solver),
    );
    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(after.length).toBeGreaterThanOrEqual(200);
    expect(shown(after)).toEqual(new Set([`400 ansysedt executable not found: ${solver}`]));
  });
});
