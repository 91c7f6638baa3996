import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** Where attempt `n`'s files are kept once the job is retried: `<workDir>/attempts/<n>/`. */
export function attemptDir(workDir: string, attempt: number): string {
  return join(workDir, 'attempts', String(attempt));
}

/**
 * Moves the ended attempt's solver log into `attempts/<n>/`, before the store starts the next attempt, so the old
 * log stays readable (`?attempt=n`) and the new run starts a fresh one. The local launch dirs (`launch-<k>`) stay:
 * the next launch takes the next number, so no path of a finished supervisor is ever reused. Idempotent: a retry
 * interrupted after the move and before the store write moves nothing twice. Returns the kept log's path.
 */
export async function archiveAttemptFiles(workDir: string, attempt: number): Promise<string> {
  const target = attemptDir(workDir, attempt);
  await mkdir(target, { recursive: true });
  const kept = join(target, 'solver.log');
  await rename(join(workDir, 'solver.log'), kept).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  return kept;
}
