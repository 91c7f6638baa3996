import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JobsService } from '../jobs.service';
import { PyedbJobDto } from './dto/pyedb-job.dto';
import { toPyedbJob } from './pyedb-job.mapper';

const PAGE = 500;

/** PyEDB's `GET /api/jobs`, which its `wait_until_done` / `wait_until_all_done` loops poll. */
@ApiTags('pyedb-compat')
@Controller('api/jobs')
export class PyedbJobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOperation({ summary: 'Every job as PyEDB\'s job manager listed it: an array of {id, status, start_time, end_time, return_code, scheduler_job_id, config}, oldest first' })
  @ApiOkResponse({ type: [PyedbJobDto], description: 'All jobs, oldest first' })
  listJobsPyedb(): PyedbJobDto[] {
    const jobs: PyedbJobDto[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = this.jobs.list({ limit: PAGE, offset });
      jobs.push(...page.items.map(toPyedbJob));
      if (page.items.length < PAGE || offset + PAGE >= page.total) {
        break;
      }
    }
    return jobs.reverse();
  }
}
