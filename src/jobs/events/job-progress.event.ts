/** Emitted when a running job's solver log shows new progress (already stored). */
export class JobProgressEvent {
  constructor(
    readonly jobId: string,
    readonly percent: number,
    /** The log line the progress was read from. */
    readonly message: string,
    readonly at: number,
  ) {}
}
