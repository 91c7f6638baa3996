/** A small REST client for the CLI: JSON in and out, the service's error envelope turned into an Error. */
export class JobManagerClient {
  constructor(private readonly baseUrl: string) {}

  async call<T = Record<string, any>>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(`cannot reach the job manager at ${this.baseUrl}: ${(error as Error).cause ? String((error as Error).cause) : String(error)}`);
    }
    const payload = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) {
      throw new Error(`${response.status}: ${payload.error ?? response.statusText}`);
    }
    return payload as T;
  }
}
