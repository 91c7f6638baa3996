import { ApiProperty } from '@nestjs/swagger';

/** A stored upload: submit it with `"project_ref": "<project_id>"` instead of `project_path`. */
export class UploadedProjectDto {
  success!: true;
  /** @example "prj_3f2a9c0d1b7e4a5f6c8d9e0a" */
  project_id!: string;
  /** @example "antenna.aedt" */
  file_name!: string;
  @ApiProperty({ enum: ['aedt', 'aedtz', 'aedb'] })
  kind!: 'aedt' | 'aedtz' | 'aedb';
  /** SHA-256 of the uploaded bytes (hex), to check the upload against the local file. */
  sha256!: string;
  @ApiProperty({ type: 'integer' })
  size!: number;
  @ApiProperty({ format: 'date-time' })
  uploaded_at!: string;
}

/** The multipart body of POST /projects. */
export class ProjectUploadBodyDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The project: .aedt, .aedtz, or a zipped .aedb folder (.zip)' })
  file!: unknown;
}
