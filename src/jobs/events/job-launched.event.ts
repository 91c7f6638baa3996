/** A local solve's supervisor started; `latencyMs` is from dispatch (a free slot taken) to that moment. */
export class JobLaunchedEvent {
  constructor(
    readonly jobId: string,
    readonly latencyMs: number,
  ) {}
}
