import { ApiProperty } from '@nestjs/swagger';

/** The seed's error envelope: `{"success": false, "error": "<msg>"}`, plus a machine-readable code. */
export class ErrorResponseDto {
  @ApiProperty({ enum: [false] })
  success!: false;

  /** Human-readable reason. */
  error!: string;

  /** Stable error code, e.g. `VALIDATION_FAILED`, `JOB_NOT_FOUND`. */
  code!: string;
}

export function errorBody(error: string, code: string): ErrorResponseDto {
  return { success: false, error, code };
}
