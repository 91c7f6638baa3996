import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = { operationId?: string; security?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> };

const ERROR = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
const STATE_CHANGING = new Set(['post', 'put', 'patch', 'delete']);
/** Operations that write the job store: a full disk is a 507 STORAGE_FAILURE, nothing acknowledged. */
const STORE_WRITES = new Set(['submitJob', 'cancelJob', 'setJobPriority', 'uploadProject']);

function declare(operation: Operation, status: string, description: string): void {
  operation.responses[status] ??= { description, content: ERROR };
}

/**
 * The answers every route can give besides its own, from the middleware in front of the controllers
 * (src/security/web-security.middleware.ts, the bearer guard, the body parser).
 */
export function declareCommonResponses(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(path) as Array<[string, Operation]>) {
      if (operation.security === undefined || operation.security.length > 0) {
        declare(operation, '401', 'UNAUTHORIZED: the service has an API token and the request has no matching `Authorization: Bearer`');
      }
      const writes = STATE_CHANGING.has(method);
      declare(
        operation,
        '403',
        writes
          ? 'FORBIDDEN_HOST: the Host header is not an allowed name; FORBIDDEN_ORIGIN: a cross-site request (Origin / Sec-Fetch-Site)'
          : 'FORBIDDEN_HOST: the Host header is not an allowed name',
      );
      if (writes) {
        declare(operation, '415', 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json');
        declare(operation, '413', 'PAYLOAD_TOO_LARGE: the body exceeds the size limit');
        declare(operation, '400', 'VALIDATION_FAILED: the body or a parameter is invalid');
      }
      if (STORE_WRITES.has(operation.operationId ?? '')) declare(operation, '507', 'STORAGE_FAILURE: the job store could not be written (disk full)');
    }
  }
}
