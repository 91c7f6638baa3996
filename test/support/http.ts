import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** Minimal JSON client over fetch, as any REST user of the service would write. */
export function apiClient(baseUrl: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed as T };
  };
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
    submit: (config: Record<string, unknown>) => call('POST', '/jobs/submit', config),
    job: (id: string) => call('GET', `/jobs/${id}`),
    /** Polls until the job's status is one of `statuses`. */
    async waitForStatus(id: string, statuses: string[], timeoutMs = 20_000): Promise<any> {
      return waitFor(
        async () => {
          const { body } = await call('GET', `/jobs/${id}`);
          return statuses.includes(body.status) ? body : undefined;
        },
        timeoutMs,
        `job ${id} to reach ${statuses.join('|')}`,
      );
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(50);
  }
}

/** Lines the fake solver appended to its record file. */
export function readRunRecords(recordFile: string): Array<Record<string, any>> {
  try {
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
