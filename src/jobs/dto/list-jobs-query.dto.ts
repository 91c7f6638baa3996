import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { JobStatus } from '../model/job-status';

/** Far above any real store, and inside SQLite's 64-bit integers (1e30 is not). */
export const MAX_LIST_OFFSET = 1_000_000_000;

export class ListJobsQueryDto {
  /** Only jobs in this state. */
  @IsOptional()
  @IsEnum(JobStatus)
  status?: JobStatus;

  /** Search: jobs whose id starts with this, or whose project path contains it (1-200 characters). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  /** Page size (1-500). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  /** Jobs to skip, newest first (0 to 1,000,000,000). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_LIST_OFFSET)
  offset: number = 0;
}

export class WaitJobQueryDto {
  /** Seconds to wait for a terminal state before answering 504 (1-3600). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  timeout: number = 30;
}
