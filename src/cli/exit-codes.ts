/** The CLI's exit codes, documented in the README's CLI reference. */
export const ExitCode = {
  OK: 0,
  /** A job the command waited for (or followed) ended failed, cancelled or timed out. */
  JOB_FAILED: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  UNREACHABLE: 4,
  TIMEOUT: 5,
  /** The service refused the request: a 4xx other than 404 (validation, auth, conflict) or a 5xx. */
  REFUSED: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the CLI with a given exit code and message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.USAGE);
