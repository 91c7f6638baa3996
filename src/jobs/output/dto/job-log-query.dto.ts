import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const LOG_SOURCES = ['solver', 'scheduler'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

export class JobLogQueryDto {
  /** `solver` (default): the solver's output; `scheduler`: the batch system's own output file of a cluster job. */
  @IsOptional()
  @IsIn(LOG_SOURCES)
  source: LogSource = 'solver';

  /** The log of this attempt of a retried job (1 = the first run; default: the current attempt). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  attempt?: number;

  /** Only the last N lines (1-100000). Not combined with offset. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  tail?: number;

  /** Start at this byte; the answer's `X-Next-Offset` header is where to continue. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  offset?: number;

  /** At most this many bytes (1 B - 64 MiB). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64 * 1024 * 1024)
  limit?: number;
}

export class JobEventsQueryDto {
  /** Only events after this event sequence number (for paging; 0 = from the start). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after: number = 0;

  /** At most this many events (1-1000). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 1000;
}
