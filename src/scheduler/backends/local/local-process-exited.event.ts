/** A local supervisor process ended: its job's state can be read now instead of at the next poll. */
export class LocalProcessExitedEvent {
  constructor(readonly nativeId: string) {}
}
