import { hostname } from 'node:os';
import { runServiceUntilExit, startServiceProcess, useServiceSandbox } from './support/service-process';

describe('one service per data dir (two real service processes)', () => {
  const sandbox = useServiceSandbox();

  it('should make a second instance exit non-zero naming the holder, and let a new one start once the holder is killed -9', async () => {
    const holder = await startServiceProcess(sandbox.dataDir);

    const second = await runServiceUntilExit(sandbox.dataDir);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`the data dir ${sandbox.dataDir} is in use by another hfss-job-manager`);
    expect(second.output).toContain(`pid ${holder.child.pid} on host ${hostname()}, since 20`);
    expect((await fetch(`${holder.url}/health`)).status).toBe(200);

    holder.child.kill('SIGKILL');
    await holder.exited;
    const successor = await startServiceProcess(sandbox.dataDir);
    expect((await fetch(`${successor.url}/health`)).status).toBe(200);
    const third = await runServiceUntilExit(sandbox.dataDir);
    expect(third.output).toContain(`pid ${successor.child.pid} on host`);
  });
});
