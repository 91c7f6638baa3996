import { IsInt, Max, Min } from 'class-validator';

export class ChangePriorityDto {
  /** New priority: higher runs first (-1000 to 1000). */
  @IsInt() @Min(-1000) @Max(1000)
  priority!: number;
}
