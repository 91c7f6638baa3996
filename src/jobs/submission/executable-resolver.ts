import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { serviceProcessEnvironment } from '../../config/process-environment';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path a command name resolves to through PATH, or undefined. Absolute paths are checked as given. */
export async function resolveExecutable(command: string, searchPath = serviceProcessEnvironment().PATH ?? ''): Promise<string | undefined> {
  if (isAbsolute(command) || command.includes('/') || command.includes('\\')) {
    return (await isExecutable(command)) ? command : undefined;
  }
  const extensions = process.platform === 'win32' ? ['', '.exe', '.bat', '.cmd'] : [''];
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = join(dir, command + extension);
      if (await isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}
