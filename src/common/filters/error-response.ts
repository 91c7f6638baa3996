import { ApiProperty } from '@nestjs/swagger';
import { DomainErrorCode } from '../errors/domain-error';

/** Codes of framework errors (unknown route, body too large, wrong content type, other HTTP errors, crashes). */
export const FRAMEWORK_ERROR_CODES = ['NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'HTTP_ERROR', 'INTERNAL'] as const;
/** Every `code` an error answer can carry. */
export const ERROR_CODES: readonly ErrorCode[] = [...new Set<ErrorCode>([...Object.values(DomainErrorCode), ...FRAMEWORK_ERROR_CODES])];
export type ErrorCode = DomainErrorCode | (typeof FRAMEWORK_ERROR_CODES)[number];

/** The seed's error envelope: `{"success": false, "error": "<msg>"}`, plus a machine-readable code. */
export class ErrorResponseDto {
  @ApiProperty({ enum: [false] })
  success!: false;

  /** Human-readable reason. */
  @ApiProperty({ description: 'Human-readable reason', example: 'Project file not found: /projects/antenna.aedt' })
  error!: string;

  /** Stable error code, e.g. `VALIDATION_FAILED`, `JOB_NOT_FOUND`. */
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', description: 'Stable, machine-readable error code' })
  code!: ErrorCode;
}

export function errorBody(error: string, code: ErrorCode): ErrorResponseDto {
  return { success: false, error, code };
}
