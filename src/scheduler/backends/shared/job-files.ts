import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_CODE_FILE, NATIVE_ID_FILE, parseExitCodeFile } from './batch-script';

/** Written before asking the scheduler to cancel, so a job that vanishes without a record can be settled (also after a restart). */
export const CANCEL_MARKER_FILE = 'cancel_requested';

/**
 * Writes a job's batch script into its work dir, executable by the owner only; returns its path. The work dir is made
 * here (a job accepted has nothing on disk but its row until it is first submitted or launched).
 */
export async function writeBatchScript(workDir: string, fileName: string, script: string): Promise<string> {
  const path = join(workDir, fileName);
  await mkdir(workDir, { recursive: true });
  await writeFile(path, script, { mode: 0o700 });
  return path;
}

/** The exit status the batch script recorded in the job's work dir, or null (still running, or killed). */
export async function recordedExitCode(workDir: string): Promise<number | null> {
  return parseExitCodeFile(await readFile(join(workDir, EXIT_CODE_FILE), 'utf8').catch(() => ''));
}

/** The scheduler's id the batch script recorded when it started, if it did and it looks like `idPattern`. */
export async function recordedNativeId(workDir: string, idPattern: RegExp): Promise<string | undefined> {
  const recorded = (await readFile(join(workDir, NATIVE_ID_FILE), 'utf8').catch(() => '')).trim();
  return idPattern.test(recorded) ? recorded : undefined;
}

export async function markCancelRequested(workDir: string): Promise<void> {
  await writeFile(join(workDir, CANCEL_MARKER_FILE), `${new Date().toISOString()}\n`);
}

export async function wasCancelRequested(workDir: string): Promise<boolean> {
  return readFile(join(workDir, CANCEL_MARKER_FILE)).then(
    () => true,
    () => false,
  );
}

/** A job's final state from the exit status its script recorded. */
export function stateFromExitCode(exitCode: number): { status: 'completed' | 'failed'; exitCode: number; reason?: string } {
  return exitCode === 0 ? { status: 'completed', exitCode } : { status: 'failed', exitCode, reason: `exit code ${exitCode}` };
}
