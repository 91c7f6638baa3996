import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createJobManagerApp } from '../app.factory';
import { loadAppConfig } from '../config/app-config';
import { createAsyncApiDocument } from './create-asyncapi-document';
import { createOpenApiDocument } from './create-openapi-document';

/** Writes openapi/openapi.json (and asyncapi.json for the Socket.IO events) from the built app (the Swagger plugin only runs in `nest build`). The only writer of that file. */
async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'hfss-jm-openapi-'));
  const app = await createJobManagerApp(loadAppConfig({ HFSS_JM_DATA_DIR: scratch, HFSS_JM_SWAGGER: 'false' }), { logger: false });
  const target = resolve(__dirname, '../../openapi/openapi.json');
  const openapi = createOpenApiDocument(app);
  writeFileSync(target, `${JSON.stringify(openapi, null, 2)}\n`);
  const asyncapi = resolve(__dirname, '../../openapi/asyncapi.json');
  writeFileSync(asyncapi, `${JSON.stringify(createAsyncApiDocument(openapi), null, 2)}\n`);
  await app.close();
  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write(`wrote ${target} and ${asyncapi}\n`);
}

void main();
