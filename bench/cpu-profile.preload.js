// Profiles the main thread of the process it is required into (NODE_OPTIONS="--require …": node refuses --cpu-prof
// there) and writes the profile to $CPU_PROF_DIR/service-<pid>.cpuprofile on SIGUSR2 (the service's own SIGTERM
// handling re-raises the signal, so an exit hook would never run). Used by bench/per-job-reads.bench.ts.
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  const inspector = require('node:inspector');
  const fs = require('node:fs');
  const path = require('node:path');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (error, result) => {
      const file = path.join(process.env.CPU_PROF_DIR, `service-${process.pid}.cpuprofile`);
      if (error) fs.writeFileSync(`${file}.error`, String(error));
      else {
        fs.writeFileSync(`${file}.part`, JSON.stringify(result.profile));
        fs.renameSync(`${file}.part`, file);
      }
    });
  });
}
