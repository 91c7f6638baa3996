import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { NullRejected, OptionalNullAsAbsent } from '../common/validation/null-policy';

export const WINDOWS_HPC_PRIORITIES = ['Low', 'BelowNormal', 'Normal', 'AboveNormal', 'High'] as const;
export type SchedulerPriority = (typeof WINDOWS_HPC_PRIORITIES)[number];

/** `HH:MM:SS`, `D-HH:MM:SS` (SLURM), `D.HH:MM:SS` (Windows HPC) or plain minutes. */
export const WALL_TIME_PATTERN = /^(?:\d{1,3}[-.])?\d{1,4}:[0-5]\d:[0-5]\d$|^\d{1,6}$/;
/** Names of queues, accounts, QOS, reservations: no spaces, quotes or shell metacharacters. */
export const SCHEDULER_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@:+-]{0,63}$/;
export const MEMORY_PATTERN = /^\d{1,9}(?:\.\d{1,3})?\s?(?:[KMGT]B?|[KMGT]iB)?$/i;
/** Node-feature expressions: SLURM's `a&b|c`, brackets and counts, but no quotes, spaces or `$`. */
export const CONSTRAINT_PATTERN = /^[A-Za-z0-9_.&|!()[\]*,:=-]{1,256}$/;
/** A scheduler flag with an optional value: `--mail-type=END`, `-l walltime=1:00:00`, `--comment=x`. */
/** `--name=value`, `-x value` (SLURM, LSF, PBS, Grid Engine) or `/name:value` (Windows HPC `job submit`). */
export const EXTRA_DIRECTIVE_PATTERN = /^(?:--?[A-Za-z][A-Za-z0-9_-]*(?:[= ][A-Za-z0-9_.,:=@%/+-]{1,200})?|\/[A-Za-z]+(?::[A-Za-z0-9_.,:=@/+-]{1,200})?)$/;

/** Resource requirements and scheduler directives, mirroring pyedb's `SchedulerOptions`. */
export class SchedulerOptions {
  /** Partition (SLURM) or queue (LSF, PBS, Grid Engine); the scheduler's default when absent. @example "compute" */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(SCHEDULER_NAME_PATTERN, { message: 'queue must be a plain scheduler name (letters, digits, _ . @ : + -)' })
  queue?: string;

  /** Wall-time limit: `HH:MM:SS`, `D-HH:MM:SS`, `D.HH:MM:SS` or minutes. @example "08:00:00" */
  @NullRejected()
  @IsString()
  @Matches(WALL_TIME_PATTERN, { message: 'time must be HH:MM:SS, D-HH:MM:SS, D.HH:MM:SS or minutes' })
  time: string = '24:00:00';

  /** Number of compute nodes. */
  @NullRejected()
  @IsInt()
  @Min(1)
  @Max(10_000)
  nodes: number = 1;

  /** MPI tasks per node. */
  @NullRejected()
  @IsInt()
  @Min(1)
  @Max(4_096)
  tasks_per_node: number = 1;

  /** Cores per node (0: the scheduler's default). */
  @NullRejected()
  @IsInt()
  @Min(0)
  @Max(4_096)
  cores_per_node: number = 0;

  /** Memory per node, e.g. `4GB`, `512M`. @example "32GB" */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(MEMORY_PATTERN, { message: 'memory must look like 4GB, 512M or 2T' })
  memory?: string;

  /** Account or project to charge. */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(SCHEDULER_NAME_PATTERN, { message: 'account must be a plain scheduler name' })
  account?: string;

  /** Advance reservation name. */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(SCHEDULER_NAME_PATTERN, { message: 'reservation must be a plain scheduler name' })
  reservation?: string;

  /** Quality-of-service level. */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(SCHEDULER_NAME_PATTERN, { message: 'qos must be a plain scheduler name' })
  qos?: string;

  /** Node features or resource selection, e.g. `gpu&ib` (SLURM) or `arch=lx-amd64` (Grid Engine). */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(CONSTRAINT_PATTERN, { message: 'constraints may only use letters, digits and _ . & | ! ( ) [ ] * , : = -' })
  constraints?: string;

  /** Request whole nodes. */
  @NullRejected()
  @IsBoolean()
  exclusive: boolean = false;

  /** Number of GPUs. */
  @NullRejected()
  @IsInt()
  @Min(0)
  @Max(64)
  gpus: number = 0;

  /** GPU model, e.g. `a100`. */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'gpu_type must be a plain model name' })
  gpu_type?: string;

  /** Scheduler priority class (Windows HPC names; mapped for the others). */
  @NullRejected()
  @IsIn(WINDOWS_HPC_PRIORITIES)
  priority: SchedulerPriority = 'Normal';

  /** Address for status mails. */
  @OptionalNullAsAbsent()
  @MaxLength(254)
  @IsEmail({}, { message: 'email_notification must be an e-mail address' })
  email_notification?: string;

  /** Elevated privileges (Windows HPC only). */
  @NullRejected()
  @IsBoolean()
  run_as_administrator: boolean = false;

  /** Additional scheduler flags, one per entry, e.g. `--comment=board7`; each is validated, never interpolated. */
  @OptionalNullAsAbsent()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @Matches(EXTRA_DIRECTIVE_PATTERN, {
    each: true,
    message: 'each extra_directives entry must be a single flag like --name=value, -x value or /name:value (no quotes or $)',
  })
  extra_directives?: string[];
}
