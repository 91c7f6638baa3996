import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { NullRejected, OptionalNullAsAbsent, OptionalNullRejected } from '../common/validation/null-policy';
import { IsSingleLine } from '../common/validation/safe-text';
import { HFSS3DLayoutBatchOptions } from './hfss-3d-layout-batch-options.dto';
import { MachineNode } from './machine-node.dto';
import { RetryPolicy } from './retry-policy.dto';
import { SchedulerOptions } from './scheduler-options.dto';
import { SchedulerType } from './scheduler-type.enum';

/** 1-64 letters, digits, `_` or `-`, and not a Windows device name (CON, NUL, COM1…), which no directory can be named. */
const caseless = (word: string) => [...word].map((c) => `[${c.toUpperCase()}${c}]`).join('');
const DEVICE_NAMES = ['con', 'prn', 'aux', 'nul', 'com\\d', 'lpt\\d'].map((name) => caseless(name.slice(0, 3)) + name.slice(3)).join('|');
/** Without flags, so its source is also the JSON Schema pattern of the AsyncAPI document. */
export const JOB_ID_PATTERN = new RegExp(`^(?!(?:${DEVICE_NAMES})$)[A-Za-z0-9_-]{1,64}$`);
export const PROJECT_EXTENSION_PATTERN = /\.(aedt|aedb)$/i;
/** The ids POST /projects answers (same as PROJECT_ID_PATTERN in src/projects). */
export const PROJECT_REF_PATTERN = /^prj_[0-9a-f]{24}$/;
export const SOLVERS = ['Hfss3DLayout', 'HFSS'] as const;
export type Solver = (typeof SOLVERS)[number];
/** 30 days: the longest per-job timeout accepted. */
export const MAX_TIMEOUT_SECONDS = 30 * 24 * 3600;

/** One HFSS / HFSS 3D Layout solve request, mirroring pyedb's `HFSSSimulationConfig` (snake_case on the wire). */
export class HFSSSimulationConfig {
  /** Unique job identifier; generated when absent. Re-submitting an existing id returns the existing job. @example "antenna_001" */
  @OptionalNullAsAbsent()
  @IsString()
  @Matches(JOB_ID_PATTERN, {
    message: 'jobid must be 1-64 letters, digits, underscores or hyphens, and not a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9)',
  })
  jobid?: string;

  /** Who submitted the job (PyEDB's `user`); shown as the job's owner. @example "alice" */
  @OptionalNullAsAbsent()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @IsSingleLine()
  user?: string;

  /**
   * Absolute path on the server of the `.aedt` project or `.aedb` folder; it must exist. Give this or
   * `project_ref`, not both. @example "/projects/antenna.aedt"
   */
  @OptionalNullRejected('give project_path or project_ref')
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  @IsSingleLine()
  @Matches(PROJECT_EXTENSION_PATTERN, { message: 'project_path must end in .aedt or .aedb' })
  project_path?: string;

  /**
   * An uploaded project (the `project_id` answered by POST /projects), instead of `project_path`: the job runs
   * on its own copy in the staging dir and its results come back through /jobs/{id}/files and /archive.
   * @example "prj_0123456789abcdef01234567"
   */
  @OptionalNullRejected('give project_ref or project_path')
  @IsString()
  @Matches(PROJECT_REF_PATTERN, { message: 'project_ref must be a project_id answered by POST /projects (prj_ and 24 hex digits)' })
  project_ref?: string;

  /** Full path of the `ansysedt` executable; the service default when absent. */
  @OptionalNullAsAbsent()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  @IsSingleLine()
  ansys_edt_path?: string;

  /** Solver family; picks the `-batchoptions` key prefix. */
  @NullRejected()
  @IsIn(SOLVERS)
  solver: Solver = 'Hfss3DLayout';

  /** Design inside the project (the active design when empty). */
  @OptionalNullAsAbsent()
  @IsString()
  @MaxLength(256)
  @IsSingleLine()
  @Matches(/^[^:]*$/, { message: 'design_name must not contain ":" (it separates design, mode and setup)' })
  design_name?: string;

  /** Design mode / variation, e.g. `Nominal`. */
  @OptionalNullAsAbsent()
  @IsString()
  @MaxLength(256)
  @IsSingleLine()
  @Matches(/^[^:]*$/, { message: 'design_mode must not contain ":"' })
  design_mode?: string;

  /** Setup to solve (all setups when empty). */
  @OptionalNullAsAbsent()
  @IsString()
  @MaxLength(256)
  @IsSingleLine()
  @Matches(/^[^:]*$/, { message: 'setup_name must not contain ":"' })
  setup_name?: string;

  /** Run distributed over MPI (`-distributed -machinelist …`). */
  @NullRejected()
  @IsBoolean()
  distributed: boolean = true;

  /** Hosts for a local distributed run; cluster runs take their hosts from the scheduler. */
  @NullRejected()
  @IsArray()
  @IsObject({ each: true, message: 'each machine_nodes entry must be an object' })
  @ValidateNested({ each: true })
  @Type(() => MachineNode)
  @ArrayMinSize(1)
  @ArrayMaxSize(256)
  machine_nodes: MachineNode[] = [new MachineNode()];

  /** Automatic HPC settings (`-auto`). */
  @NullRejected()
  @IsBoolean()
  auto: boolean = true;

  /** No GUI (`-ng`). */
  @NullRejected()
  @IsBoolean()
  non_graphical: boolean = true;

  /** Stream solver progress to the log (`-monitor`). */
  @NullRejected()
  @IsBoolean()
  monitor: boolean = true;

  /** Wait for a licence instead of failing (`-waitforlicense`). */
  @NullRejected()
  @IsBoolean()
  wait_for_license: boolean = true;

  /** Solver flags for `-batchoptions`. */
  @NullRejected()
  @IsObject()
  @ValidateNested()
  @Type(() => HFSS3DLayoutBatchOptions)
  layout_options: HFSS3DLayoutBatchOptions = new HFSS3DLayoutBatchOptions();

  /** `none` runs locally; otherwise the batch scheduler to submit to. */
  @NullRejected()
  @IsEnum(SchedulerType)
  scheduler_type: SchedulerType = SchedulerType.NONE;

  /** Scheduler directives (ignored for local runs). */
  @NullRejected()
  @IsObject()
  @ValidateNested()
  @Type(() => SchedulerOptions)
  scheduler_options: SchedulerOptions = new SchedulerOptions();

  /** Local queue priority: higher runs first, FIFO within a priority. */
  @NullRejected()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority: number = 0;

  /** Wall-clock limit of a local run, in seconds; the job ends as `timed_out` when it is exceeded. `null`: no limit. */
  @OptionalNullAsAbsent()
  @IsInt()
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  timeout?: number;

  /** Automatic retries after infrastructure failures (and listed exit codes); none when absent. `null`: none. */
  @OptionalNullAsAbsent()
  @IsObject()
  @ValidateNested()
  @Type(() => RetryPolicy)
  retry?: RetryPolicy;
}
