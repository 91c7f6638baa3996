import { Controller, Get, Headers, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorResponseDto } from '../../common/filters/error-response';
import { JobsService } from '../jobs.service';
import { JobEventsQueryDto, JobLogQueryDto } from './dto/job-log-query.dto';
import { JobEventsDto, JobFilesDto } from './dto/job-output.dto';
import { JobEventsRepository } from './job-events.repository';
import { JobFilesService } from './job-files.service';
import { JobLogService } from './job-log.service';
import { JobAttemptsRepository } from '../retry/job-attempts.repository';
import { withAttemptLog } from '../retry/attempt-log';

/** What a job leaves behind: its log, its timeline and its files. Thin: the services do the work. */
@ApiTags('jobs')
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown job' })
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid query or path' })
@Controller('jobs')
export class JobOutputController {
  constructor(
    private readonly jobs: JobsService,
    private readonly logs: JobLogService,
    private readonly events: JobEventsRepository,
    private readonly files: JobFilesService,
    private readonly attempts: JobAttemptsRepository,
  ) {}

  @Get(':id/log')
  @ApiOperation({
    operationId: 'getJobLog',
    summary: 'The solver log (or the scheduler output) as text: whole, its last lines (tail), or a byte range (offset/limit or a Range header)',
    description:
      'Headers: X-Log-Size (bytes now), X-Next-Offset (where to continue), X-Log-Attempt (whose log it is; ?attempt=N for an earlier run of a retried job). A job that has not started yet has an empty log.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Log text', schema: { type: 'string' } })
  async log(@Param('id') id: string, @Query() query: JobLogQueryDto, @Headers('range') range: string | undefined, @Res() response: Response): Promise<void> {
    const { job, attempt } = withAttemptLog(this.jobs.get(id), this.attempts, query.attempt);
    const slice = await this.logs.slice(job, query, range);
    response.setHeader('X-Log-Attempt', String(attempt));
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('X-Log-Size', String(slice.size));
    response.setHeader('X-Next-Offset', String(slice.end));
    response.setHeader('Cache-Control', 'no-store');
    if (slice.unsatisfiable) {
      response.setHeader('Content-Range', `bytes */${slice.size}`);
      response.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).end();
      return;
    }
    if (slice.partial) {
      response.setHeader('Content-Range', `bytes ${slice.start}-${slice.end - 1}/${slice.size}`);
      response.status(HttpStatus.PARTIAL_CONTENT);
    }
    response.setHeader('Content-Length', String(slice.end - slice.start));
    if (slice.end === slice.start) {
      response.end();
      return;
    }
    this.logs
      .open(slice)
      .on('error', () => response.destroy())
      .pipe(response);
  }

  @Get(':id/events')
  @ApiOperation({ operationId: 'getJobEvents', summary: "The job's timeline: every transition with its time and reason, oldest first" })
  timeline(@Param('id') id: string, @Query() query: JobEventsQueryDto): JobEventsDto {
    const job = this.jobs.get(id);
    const items = this.events.forJob(job.id, query.after, query.limit).map((event) => ({ ...event, at: new Date(event.at).toISOString() }));
    return { job_id: job.id, items };
  }

  @Get(':id/files')
  @ApiOperation({ operationId: 'listJobFiles', summary: "Files the job produced: its work dir and the project's results folder (<project>.aedtresults)" })
  async listFiles(@Param('id') id: string): Promise<JobFilesDto> {
    const job = this.jobs.get(id);
    const { files, truncated } = await this.files.list(job);
    return {
      job_id: job.id,
      items: files.map((file) => ({ root: file.root, path: file.path, size: file.size, modified_at: new Date(file.modifiedAt).toISOString() })),
      truncated,
    };
  }

  @Get(':id/files/:root/*path')
  @ApiOperation({ operationId: 'downloadJobFile', summary: 'Download one file of the job (streamed); the path stays inside its folder' })
  @ApiParam({ name: 'path', type: String, description: 'The file path inside its root, as /files lists it (may contain `/`)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'File content', schema: { type: 'string', format: 'binary' } })
  async download(@Param('id') id: string, @Param('root') root: string, @Param('path') path: string | string[], @Res() response: Response): Promise<void> {
    const file = await this.files.resolve(this.jobs.get(id), root, Array.isArray(path) ? path.join('/') : path);
    response.setHeader('Content-Type', 'application/octet-stream');
    response.setHeader('Content-Length', String(file.size));
    response.setHeader('Content-Disposition', contentDisposition(file.path.split('/').pop()!));
    this.files
      .open(file)
      .on('error', () => response.destroy())
      .pipe(response);
  }

  @Get(':id/archive')
  @ApiOperation({ operationId: 'downloadJobArchive', summary: 'A zip of everything /files lists (work/… and results/…), streamed' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'Zip archive', schema: { type: 'string', format: 'binary' } })
  async archive(@Param('id') id: string, @Res() response: Response): Promise<void> {
    const job = this.jobs.get(id);
    const zip = await this.files.archive(job);
    response.setHeader('Content-Type', 'application/zip');
    response.setHeader('Content-Disposition', contentDisposition(`${job.id}.zip`));
    zip.on('error', () => response.destroy());
    zip.pipe(response);
  }
}

/** RFC 6266 attachment header with an ASCII fallback and the UTF-8 name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
