import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FAKE_ANSYSEDT } from './test-app';

export const PYEDB_FIXTURES = resolve(__dirname, '../fixtures/pyedb');

/**
 * A body PyEDB produced (test/fixtures/pyedb), with only its two machine-specific paths pointed at this machine:
 * the project (created here, with the fake solver's behaviour as content) and ansysedt (the fake solver).
 */
export function pyedbBody(name: string, projectsDir: string, behaviour: Record<string, unknown> = {}): { body: Record<string, any>; config: Record<string, any> } {
  const body = JSON.parse(readFileSync(join(PYEDB_FIXTURES, name), 'utf8')) as Record<string, any>;
  const config = (body.config ?? body) as Record<string, any>;
  const project = join(projectsDir, basename(config.project_path as string));
  const content = JSON.stringify({ duration_ms: 200, ...behaviour });
  if (project.endsWith('.aedb')) {
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'fake.json'), content);
  } else {
    writeFileSync(project, content);
  }
  config.project_path = project;
  config.ansys_edt_path = FAKE_ANSYSEDT;
  return { body, config };
}
