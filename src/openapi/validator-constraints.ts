import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { ChangePriorityDto } from '../jobs/dto/change-priority.dto';
import { ListJobsQueryDto, WaitJobQueryDto } from '../jobs/dto/list-jobs-query.dto';
import { JobEventsQueryDto, JobLogQueryDto } from '../jobs/output/dto/job-log-query.dto';
import { UpdateResourceLimitsDto } from '../resources/dto/update-resource-limits.dto';
import { HFSS3DLayoutBatchOptions } from '../simulation/hfss-3d-layout-batch-options.dto';
import { HFSSSimulationConfig } from '../simulation/hfss-simulation-config.dto';
import { MachineNode } from '../simulation/machine-node.dto';
import { SchedulerOptions } from '../simulation/scheduler-options.dto';

/** A DTO class, as class-validator keys its metadata. */
type DtoClass = abstract new (...args: never[]) => object;

/** Request body classes: the global ValidationPipe rejects unknown fields (forbidNonWhitelisted). */
const BODY_CLASSES: DtoClass[] = [HFSSSimulationConfig, HFSS3DLayoutBatchOptions, MachineNode, SchedulerOptions, ChangePriorityDto, UpdateResourceLimitsDto];
/** Query classes, by operationId. */
const QUERY_CLASSES: Record<string, DtoClass> = { listJobs: ListJobsQueryDto, waitForJob: WaitJobQueryDto, getJobLog: JobLogQueryDto, getJobEvents: JobEventsQueryDto };

type Schema = Record<string, unknown> & { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema };

function isType(schema: Schema, type: string): boolean {
  return schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));
}

/** What class-validator enforces on each property, as JSON Schema (the Swagger plugin misses patterns kept in constants and `@IsInt`). */
function applyConstraints(target: DtoClass, propertySchema: (name: string) => Schema | undefined): void {
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
    const schema = propertySchema(rule.propertyName);
    if (!schema || rule.each) continue;
    const [first] = (rule.constraints ?? []) as unknown[];
    switch (rule.name) {
      case 'isInt':
        schema.type = Array.isArray(schema.type) ? schema.type.map((type) => (type === 'number' ? 'integer' : type)) : 'integer';
        break;
      case 'matches':
        if (first instanceof RegExp) schema.pattern = first.source;
        break;
      case 'min':
        schema.minimum = first;
        break;
      case 'max':
        schema.maximum = first;
        break;
      case 'maxLength':
        schema.maxLength = first;
        break;
      case 'minLength':
        schema.minLength = first;
        break;
      case 'isNotEmpty':
        if (isType(schema, 'string')) schema.minLength = Math.max(Number(schema.minLength ?? 0), 1);
        break;
      case 'arrayMinSize':
        schema.minItems = first;
        break;
      case 'arrayMaxSize':
        schema.maxItems = first;
        break;
    }
  }
}

export function applyValidatorConstraints(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const target of BODY_CLASSES) {
    // Absent without the Swagger plugin's metadata (e.g. the app compiled by Jest's SWC): nothing to describe.
    const schema = schemas[target.name];
    if (!schema) continue;
    schema.additionalProperties = false;
    applyConstraints(target, (name) => schema.properties?.[name]);
  }
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ operationId?: string; parameters?: Array<{ in: string; name: string; schema?: Schema }> }>) {
      const target = QUERY_CLASSES[operation.operationId ?? ''];
      if (target) applyConstraints(target, (name) => operation.parameters?.find((parameter) => parameter.in === 'query' && parameter.name === name)?.schema);
    }
  }
}
