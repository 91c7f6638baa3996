import { createReadStream, ReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { JobRecord } from '../model/job-record';
import { JobLogQueryDto } from './dto/job-log-query.dto';
import { parseRangeHeader, tailOffset } from './log-range.reader';

export interface LogSlice {
  path: string;
  size: number;
  start: number;
  /** Exclusive. */
  end: number;
  partial: boolean;
  unsatisfiable: boolean;
}

/** Scheduler output files the batch scripts write into the work dir: slurm-<id>.out, lsf.<id>.out, <name>.o<id>… */
const SCHEDULER_OUTPUT = /^(slurm-\d+\.out|lsf\.\d+\.out|.+\.[oe]\d+|.+\.out)$/;

/** Serves a job's logs by byte ranges, never reading more of the file than it sends. */
@Injectable()
export class JobLogService {
  async slice(job: JobRecord, query: JobLogQueryDto, rangeHeader?: string): Promise<LogSlice> {
    const path = query.source === 'scheduler' ? await this.schedulerOutput(job) : job.logPath;
    const size = path ? ((await stat(path).catch(() => undefined))?.size ?? 0) : 0;
    const whole: LogSlice = { path: path ?? '', size, start: 0, end: size, partial: false, unsatisfiable: false };
    if (query.tail !== undefined) {
      return { ...whole, start: path ? await tailOffset(path, size, query.tail) : 0 };
    }
    if (query.offset !== undefined || query.limit !== undefined) {
      const start = Math.min(query.offset ?? 0, size);
      return { ...whole, start, end: query.limit !== undefined ? Math.min(size, start + query.limit) : size };
    }
    const range = rangeHeader ? parseRangeHeader(rangeHeader, size) : undefined;
    if (range === 'unsatisfiable') return { ...whole, end: 0, unsatisfiable: true };
    return range ? { ...whole, start: range.start, end: range.end + 1, partial: true } : whole;
  }

  open(slice: LogSlice): ReadStream {
    return createReadStream(slice.path, { start: slice.start, end: slice.end - 1 });
  }

  /** The newest scheduler output file in the work dir, if the job has one. */
  private async schedulerOutput(job: JobRecord): Promise<string | undefined> {
    const names = (await readdir(job.workDir).catch(() => [] as string[])).filter((name) => SCHEDULER_OUTPUT.test(name) && name !== 'solver.log');
    const dated = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(job.workDir, name)).catch(() => undefined))?.mtimeMs ?? -1 })));
    const newest = dated.filter((entry) => entry.mtime >= 0).sort((a, b) => b.mtime - a.mtime)[0];
    return newest && join(job.workDir, newest.name);
  }
}
