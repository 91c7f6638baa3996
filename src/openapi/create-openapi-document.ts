import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PACKAGE_VERSION } from '../package-version';

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeysDeep);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** The OpenAPI document of the REST API, with keys sorted so the committed file diffs cleanly. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('HFSS Job Manager API')
    .setDescription('Queue, run and track Ansys HFSS / HFSS 3D Layout batch solves locally or on cluster schedulers.')
    .setVersion(PACKAGE_VERSION)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  return sortKeysDeep(document) as OpenAPIObject;
}
