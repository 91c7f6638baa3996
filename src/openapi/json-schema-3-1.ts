import type { OpenAPIObject } from '@nestjs/swagger';

type Node = Record<string, unknown>;

/**
 * OpenAPI 3.1 schemas are JSON Schema 2020-12: `nullable: true` (3.0 only) becomes `type: [..., "null"]`, or
 * `anyOf: [<schema>, {type: "null"}]` around a `$ref`/`allOf`, so strict JSON Schema validators read them as written.
 * A lone `allOf` is unwrapped. Strings named `*_at` are timestamps (ISO 8601, `date-time`).
 */
function convertSchema(schema: Node, name?: string): Node {
  const converted: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      converted.properties = Object.fromEntries(Object.entries(value as Record<string, Node>).map(([property, child]) => [property, convertSchema(child, property)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      converted[key] = convertSchema(value as Node);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      converted[key] = (value as Node[]).map((child) => convertSchema(child));
    } else if (key !== 'nullable') {
      converted[key] = value;
    }
  }
  // A lone `allOf: [{$ref}]` (how the Swagger plugin wraps enums) is the `$ref` itself: 3.1 allows siblings.
  if (Array.isArray(converted.allOf) && converted.allOf.length === 1 && Object.keys(converted.allOf[0] as Node).join() === '$ref') {
    converted.$ref = (converted.allOf[0] as Node).$ref;
    delete converted.allOf;
  }
  if (name?.endsWith('_at') && converted.type === 'string' && converted.format === undefined) converted.format = 'date-time';
  if (schema.nullable !== true) return converted;
  if (typeof converted.type === 'string') {
    converted.type = [converted.type, 'null'];
    if (Array.isArray(converted.enum)) converted.enum = [...(converted.enum as unknown[]), null];
    return converted;
  }
  const { description, default: fallback, example, ...rest } = converted;
  return { anyOf: [rest, { type: 'null' }], ...(description === undefined ? {} : { description }), ...(fallback === undefined ? {} : { default: fallback }), ...(example === undefined ? {} : { example }) };
}

function convertContent(content: unknown): void {
  for (const media of Object.values((content ?? {}) as Record<string, Node>)) {
    if (media.schema) media.schema = convertSchema(media.schema as Node);
  }
}

export function toOpenApi31(document: OpenAPIObject): void {
  document.openapi = '3.1.0';
  const schemas = (document.components?.schemas ?? {}) as Record<string, Node>;
  for (const name of Object.keys(schemas)) schemas[name] = convertSchema(schemas[name]);
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ parameters?: Node[]; requestBody?: Node; responses?: Record<string, Node> }>) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.schema) parameter.schema = convertSchema(parameter.schema as Node, parameter.name as string);
      }
      convertContent(operation.requestBody?.content);
      for (const response of Object.values(operation.responses ?? {})) convertContent(response.content);
    }
  }
}
