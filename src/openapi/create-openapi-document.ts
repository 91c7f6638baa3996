import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PACKAGE_VERSION } from '../package-version';
import { declareCommonResponses } from './declared-responses';
import { toOpenApi31 } from './json-schema-3-1';
import { applyValidatorConstraints } from './validator-constraints';

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeysDeep);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]));
  }
  return value;
}

interface SchemaLike {
  required?: string[];
  properties?: Record<string, { default?: unknown }>;
}

/**
 * A field with a default may be omitted by clients (the server fills it in), so it is not `required`, although
 * the DTO property is declared without `?`. Without this, generated SDKs would force callers to send every default.
 */
function relaxDefaultedFields(document: OpenAPIObject): void {
  for (const schema of Object.values(document.components?.schemas ?? {}) as SchemaLike[]) {
    if (schema.required && schema.properties) {
      schema.required = schema.required.filter((name) => schema.properties?.[name]?.default === undefined);
      if (schema.required.length === 0) delete schema.required;
    }
  }
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ parameters?: Array<{ in: string; required?: boolean; schema?: { default?: unknown } }> }>) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && parameter.schema?.default !== undefined) parameter.required = false;
      }
    }
  }
}

/** The OpenAPI document of the REST API, with keys sorted so the committed file diffs cleanly. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('HFSS Job Manager API')
    .setDescription('Queue, run and track Ansys HFSS / HFSS 3D Layout batch solves locally or on cluster schedulers.')
    .setVersion(PACKAGE_VERSION)
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'This service (relative to the page that loaded the document)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'HFSS_JM_API_TOKEN; required when the service is configured with one' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  relaxDefaultedFields(document);
  applyValidatorConstraints(document);
  // Served without a token (see @PublicRoute): liveness probes and the dashboard page.
  for (const path of ['/', '/health']) {
    const get = document.paths[path]?.get;
    if (get) get.security = [];
  }
  declareCommonResponses(document);
  toOpenApi31(document);
  // Swagger UI pre-fills try-it-out with this (not with "string" for every optional field, which names no ansysedt):
  // valid with the service's defaults once project_path names a project that exists.
  const submitBody = document.paths['/jobs/submit']?.post?.requestBody as { content?: Record<string, { example?: unknown }> } | undefined;
  const submitJson = submitBody?.content?.['application/json'];
  if (submitJson) submitJson.example = { jobid: 'antenna_001', project_path: '/projects/antenna.aedt', design_name: 'HFSSDesign1', priority: 0 };
  return sortKeysDeep(document) as OpenAPIObject;
}
