import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, from, map, Observable } from 'rxjs';
import { JobRepository } from './persistence/job.repository';

/**
 * Holds every answer (and error) of a route until what it may show is on disk: a write it made, or a write of
 * another request it read before that write's group commit ended. Costs nothing when no commit is pending.
 * On each JobsController route that answers through Nest, but POST /jobs/submit, the hot path, which holds its own
 * answer the same way without this rxjs pipeline, and GET /jobs, which sends its own answer once durable.
 */
@Injectable()
export class DurableAnswerInterceptor implements NestInterceptor {
  constructor(private readonly repository: JobRepository) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      concatMap((value: unknown) => from(this.repository.whenDurable()).pipe(map(() => value))),
      catchError((error: unknown) => from(this.failAfterDurable(error))),
    );
  }

  private async failAfterDurable(error: unknown): Promise<never> {
    await this.repository.whenDurable().catch(() => undefined);
    throw error;
  }
}
