import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class DeleteJobQueryDto {
  /** `true` keeps the job's work dir and results on disk; only the store rows and events are deleted. */
  @IsOptional()
  @IsIn(['true', 'false'])
  keep_files?: 'true' | 'false';
}

export class DeleteJobResponseDto {
  @ApiProperty({ enum: [true] })
  success!: true;
  job_id!: string;
  message!: string;
  /** Whether the work dir and results were left on disk. */
  files_kept!: boolean;
}
