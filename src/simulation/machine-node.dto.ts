import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { NullRejected } from '../common/validation/null-policy';

/** A host name or IP address: letters, digits, dots and hyphens only. */
export const HOSTNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;

/**
 * One entry of ansysedt's `-machinelist list=host:tasks:cores:RAM%`, mirroring pyedb's `MachineNode`
 * (`cores` is the task count, `max_cores` the cores, `utilization` the RAM percentage).
 */
export class MachineNode {
  /** DNS name or IP address. @example "localhost" */
  @NullRejected()
  @IsString()
  @Matches(HOSTNAME_PATTERN, { message: 'hostname must contain only letters, digits, dots and hyphens' })
  hostname: string = 'localhost';

  /** Distributed tasks on this host; -1 lets the solver decide. */
  @NullRejected()
  @IsInt()
  @Min(-1)
  @Max(4_096)
  cores: number = -1;

  /** Cores available on this host. */
  @NullRejected()
  @IsInt()
  @Min(1)
  @Max(4_096)
  max_cores: number = 20;

  /** Share of the host's RAM the solver may use, in percent (1-100). */
  @NullRejected()
  @IsInt()
  @Min(1)
  @Max(100)
  utilization: number = 90;
}
