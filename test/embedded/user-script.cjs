'use strict';
// Uses the package exactly as a user's Node script would: require('hfss-job-manager').
// argv: <dataDir> <projectDir> <fakeAnsysedt>; prints one JSON line with what it observed.
const { JobManagerHandler, ValidationFailedError, JobManagerStartError, TimeoutError } = require('hfss-job-manager');
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const [dataDir, projectDir, ansysedt] = process.argv.slice(2);
  const project = (name, behaviour) => {
    const file = path.join(projectDir, name);
    fs.writeFileSync(file, JSON.stringify(behaviour));
    return file;
  };
  const handler = new JobManagerHandler({
    port: 0,
    dataDir,
    ansysEdtPath: ansysedt,
    maxConcurrentJobs: 2,
    settings: { HFSS_JM_MAX_CPU_PERCENT: '100', HFSS_JM_MIN_FREE_MEMORY_MB: '0', HFSS_JM_MIN_FREE_DISK_MB: '0', HFSS_JM_TELEMETRY_INTERVAL_MS: '200' },
  });
  const [url, sameUrl] = await Promise.all([handler.startService(), handler.startService()]);
  const out = { url, sameUrl: url === sameUrl };

  const health = await (await fetch(`${url}/health`)).json();
  out.health = health.status;

  try {
    handler.createSimulationConfig({ project_path: 'x.txt' });
  } catch (error) {
    out.validationError = error instanceof ValidationFailedError ? error.message : `wrong type ${error}`;
  }

  const cfgA = handler.createSimulationConfig({ project_path: project('a.aedt', { duration_ms: 200 }), jobid: 'embedded_a' });
  const cfgB = { project_path: project('b.aedt', { duration_ms: 300, exit_code: 2 }), jobid: 'embedded_b' };
  const finished = await handler.submitJobsAndWait([cfgA, cfgB], { timeout: 30 });
  out.finished = finished.map((job) => [job.job_id, job.status, job.exit_code]);

  const [slowId] = await handler.submitJobs([{ project_path: project('c.aedt', { duration_ms: 20000 }), jobid: 'embedded_slow' }]);
  try {
    await handler.submitJobsAndWait([{ project_path: project('d.aedt', { duration_ms: 20000 }), jobid: 'embedded_d' }], { timeout: 1 });
  } catch (error) {
    out.waitTimeout = error instanceof TimeoutError;
  }
  // Both slots are taken: a third job waits, and getJob shows it exactly as GET /jobs/{id} does (queue place included).
  await handler.submitJobs([{ project_path: project('q.aedt', { duration_ms: 20000 }), jobid: 'embedded_q' }]);
  const viewed = await handler.getJob('embedded_q');
  const rest = await (await fetch(`${url}/jobs/embedded_q`)).json();
  out.queuedView = { status: viewed.status, queue_position: viewed.queue_position, sameAsRest: JSON.stringify(viewed) === JSON.stringify(rest) };
  out.cancelled = (await Promise.all([handler.cancel(slowId), handler.cancel('embedded_d'), handler.cancel('embedded_q')])).map((job) => job.status);

  const other = new JobManagerHandler({ port: Number(new URL(url).port), dataDir: path.join(dataDir, 'other') });
  try {
    await other.startService();
  } catch (error) {
    out.portTaken = error instanceof JobManagerStartError ? error.message : `wrong type ${error}`;
  }
  await Promise.all([handler.close(), handler.close()]);
  out.closed = await fetch(`${url}/health`).then(
    () => false,
    () => true,
  );
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
