import { ArrayMaxSize, IsArray, IsInt, Max, Min } from 'class-validator';
import { NullRejected, OptionalNullAsAbsent } from '../common/validation/null-policy';

/** The most attempts a submission may ask for (the first run included). */
export const MAX_AUTOMATIC_ATTEMPTS = 10;

/**
 * Opt-in automatic retries. A job is run again (a new attempt, as POST /jobs/{id}/retry) only when the attempt
 * ended by an infrastructure failure (the solver could not be launched, its supervisor was lost, or the cluster
 * reported a node failure, preemption or a boot failure), or with one of `on_exit_codes`. A solver's own exit
 * code is never retried unless it is listed.
 */
export class RetryPolicy {
  /** Attempts in all, the first run included (2-10); 1 turns automatic retries off. */
  @NullRejected()
  @IsInt()
  @Min(1)
  @Max(MAX_AUTOMATIC_ATTEMPTS)
  max_attempts: number = 1;

  /** Solver exit codes that are retried too (e.g. a licence checkout failure); empty by default. */
  @OptionalNullAsAbsent()
  @IsArray()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(-2_147_483_648, { each: true })
  @Max(2_147_483_647, { each: true })
  on_exit_codes?: number[];
}
