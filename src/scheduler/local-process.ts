/**
 * The local backend as the rest of the service sees it (the job runner drives it directly: its queue, launches and
 * recovery are host-specific). Everything else about it stays inside src/scheduler/backends/local.
 */
export { InterruptedLaunch, LaunchInterruptedError, LaunchStorageError, LocalJobState, LocalProcessBackend } from './backends/local/local-process.backend';
export { LocalProcessExitedEvent } from './backends/local/local-process-exited.event';
