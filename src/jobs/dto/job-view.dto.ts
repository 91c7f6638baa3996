import { ApiProperty } from '@nestjs/swagger';
import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { JobStatus } from '../model/job-status';

/** A job with its configuration and everything learnt while running it (the seed's `JobInfo`). */
export class JobViewDto {
  /** @example "antenna_001" */
  job_id!: string;
  @ApiProperty({ enum: JobStatus, enumName: 'JobStatus' })
  status!: JobStatus;
  @ApiProperty({ type: 'integer' })
  priority!: number;
  /** The submitter named in the config (`user`), when it names one. */
  user!: string | null;
  @ApiProperty({ enum: SchedulerType, enumName: 'SchedulerType' })
  scheduler_type!: SchedulerType;
  /** Local supervisor `pid:start:attempt` or the scheduler's job id. */
  native_id!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  exit_code!: number | null;
  /** Why the job failed, was cancelled or timed out. */
  error!: string | null;
  /** Solver progress 0-100 when known. */
  progress!: number | null;
  /** 1-based place in the local queue while queued. */
  @ApiProperty({ type: 'integer', nullable: true })
  queue_position!: number | null;
  project_path!: string;
  /** The ansysedt command line, one argument per element. */
  command!: string[];
  log_path!: string;
  created_at!: string;
  updated_at!: string;
  started_at!: string | null;
  finished_at!: string | null;
  cancel_requested_at!: string | null;
  /** Why a cluster job is queued without a native id: scheduler unreachable (next attempt in …) or submission outcome unknown. */
  waiting_reason!: string | null;
  /** The cluster scheduler's own state word, refreshed each poll (`PENDING`, `SUSPENDED`, `Eqw`, …); null for local jobs. @example "PENDING" */
  scheduler_state!: string | null;
  /** The scheduler's reason for that state (`JobHeldAdmin`, `BeginTime`, an Eqw error message, …). @example "JobHeldAdmin" */
  scheduler_reason!: string | null;
  /** Which run this is: 1, incremented each time the scheduler requeues the job (earlier runs' logs are `solver.run-<n>.log`). */
  run!: number;
  config!: HFSSSimulationConfig;
}

export class JobListDto {
  items!: JobViewDto[];
  @ApiProperty({ type: 'integer' })
  total!: number;
  @ApiProperty({ type: 'integer' })
  limit!: number;
  @ApiProperty({ type: 'integer' })
  offset!: number;
}

export class SubmitJobResponseDto {
  @ApiProperty({ enum: [true] })
  success!: true;
  job_id!: string;
  /** As PyEDB's service answered: `Job <id> submitted successfully`. */
  message!: string;
  /** True when this jobid already existed with the same configuration: nothing new was queued. */
  duplicate!: boolean;
  job!: JobViewDto;
}

export class JobActionResponseDto {
  @ApiProperty({ enum: [true] })
  success!: true;
  job!: JobViewDto;
}
