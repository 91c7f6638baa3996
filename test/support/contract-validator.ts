import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const read = (name: string) => JSON.parse(readFileSync(resolve(__dirname, '../../openapi', name), 'utf8'));
export const openapi = read('openapi.json');
export const asyncapi = read('asyncapi.json');

/**
 * Strict JSON Schema 2020-12 validation against the committed documents: ajv in strict mode, every format checked,
 * no OpenAPI 3.0 `nullable` leniency (an unknown keyword is an error). Only the annotation keywords OpenAPI and
 * AsyncAPI add to JSON Schema (`example`, `discriminator`, …) are declared.
 */
function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addVocabulary(['example', 'discriminator', 'externalDocs', 'xml']);
  return ajv;
}

/** The document's `#/components/schemas/X` references, pointed at the schemas registered as `<documentId>#/$defs/X`. */
const rebase = (schema: unknown, documentId: string): unknown =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${documentId}#/$defs/`));

const ajv = strictAjv();
ajv.addSchema({ $id: 'openapi', $defs: rebase(openapi.components.schemas, 'openapi') });
ajv.addSchema({ $id: 'asyncapi', $defs: rebase(asyncapi.components.schemas, 'asyncapi') });

export interface Violations {
  valid: boolean;
  errors: string;
}

function check(schema: unknown, documentId: string, value: unknown): Violations {
  const validate = ajv.compile(rebase(schema, documentId) as object);
  const valid = validate(value);
  return { valid, errors: valid ? '' : ajv.errorsText(validate.errors, { separator: '\n' }) };
}

/** The response `body` against what openapi.json declares for `method path` answering `status` (application/json). */
export function checkResponse(method: string, path: string, status: number, body: unknown): Violations {
  const operation = openapi.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`openapi.json has no operation ${method} ${path}`);
  const response = operation.responses[String(status)];
  if (!response) return { valid: false, errors: `${method} ${path} does not declare status ${status}` };
  const schema = response.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${path} ${status} declares no application/json schema`);
  return check(schema, 'openapi', body);
}

/** A Socket.IO event payload against the payload schema of its message in asyncapi.json. */
export function checkEvent(name: string, payload: unknown): Violations {
  const message = asyncapi.components.messages[name];
  if (!message) return { valid: false, errors: `asyncapi.json has no message ${name}` };
  return check(message.payload, 'asyncapi', payload);
}
