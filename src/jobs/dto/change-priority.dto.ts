import { IsInt, Max, Min } from 'class-validator';
import { NullRejected } from '../../common/validation/null-policy';

export class ChangePriorityDto {
  /** New priority: higher runs first (-1000 to 1000). */
  @NullRejected('priority is required')
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority!: number;
}
