import { CliError, ExitCode } from './exit-codes';

export type Json = Record<string, unknown>;

/** A small REST client for the CLI: JSON in and out, a bearer token when given, the error envelope turned into a CliError. */
export class JobManagerClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async call<T = Json>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const response = await this.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json().catch(() => ({}))) as T;
  }

  /** A raw answer (text, bytes, a stream) for the log and downloads; errors still become CliErrors. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { ...init, headers });
    } catch (error) {
      const cause = (error as Error).cause;
      throw new CliError(`cannot reach the job manager at ${this.baseUrl}: ${cause instanceof Error ? cause.message : String(error)}`, ExitCode.UNREACHABLE);
    }
    if (!response.ok) {
      const payload = (await response.json().catch(() => ({}))) as { error?: unknown };
      const message = `${response.status}: ${typeof payload.error === 'string' ? payload.error : response.statusText}`;
      throw new CliError(message, response.status === 404 ? ExitCode.NOT_FOUND : ExitCode.REFUSED);
    }
    return response;
  }
}
