import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createJobManagerApp } from '../app.factory';
import { loadAppConfig } from '../config/app-config';
import { createOpenApiDocument } from './create-openapi-document';

/** Writes openapi/openapi.json from the built app (the Swagger plugin only runs in `nest build`). The only writer of that file. */
async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'hfss-jm-openapi-'));
  const app = await createJobManagerApp(loadAppConfig({ HFSS_JM_DATA_DIR: scratch, HFSS_JM_SWAGGER: 'false' }), { logger: false });
  const target = resolve(__dirname, '../../openapi/openapi.json');
  writeFileSync(target, `${JSON.stringify(createOpenApiDocument(app), null, 2)}\n`);
  await app.close();
  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write(`wrote ${target}\n`);
}

void main();
