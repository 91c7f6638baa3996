import { Controller, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { ErrorResponseDto } from '../common/filters/error-response';
import { ProjectUploadBodyDto, UploadedProjectDto } from './dto/uploaded-project.dto';
import { ProjectUploadService } from './project-upload.service';
import { UploadedProject } from './uploaded-project';

const toView = (project: UploadedProject): UploadedProjectDto => ({
  success: true,
  project_id: project.id,
  file_name: project.fileName,
  kind: project.kind,
  sha256: project.sha256,
  size: project.size,
  uploaded_at: new Date(project.uploadedAt).toISOString(),
});

/** Projects from machines that share no filesystem with the service. */
@ApiTags('projects')
@Controller('projects')
export class ProjectsController {
  constructor(private readonly uploads: ProjectUploadService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'uploadProject', summary: 'Upload a project (.aedt, .aedtz or a zipped .aedb), streamed to disk; submit jobs with the returned project_id as project_ref' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ProjectUploadBodyDto })
  @ApiCreatedResponse({ type: UploadedProjectDto })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Larger than HFSS_JM_MAX_UPLOAD_MB' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'Not multipart/form-data' })
  async upload(@Req() request: Request): Promise<UploadedProjectDto> {
    return toView(await this.uploads.receive(request));
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getProject', summary: 'An uploaded project: name, size and checksum' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<UploadedProjectDto> {
    return toView(await this.uploads.get(id));
  }
}
