import { realpath } from 'node:fs/promises';
import { ValidationFailedError } from '../../common/errors/job-manager.errors';
import { isInsidePath } from '../../platform/paths';

/** True when the real path `real` is one of `roots` (already real) or lies below one (without regard to case on Windows). */
export function isInsideRoots(real: string, roots: readonly string[], platform: NodeJS.Platform = process.platform): boolean {
  return roots.some((root) => isInsidePath(root, real, platform));
}

/**
 * The real path (symlinks resolved) of an existing `path`, which must lie inside one of `roots` (already real);
 * any path when `roots` is empty. A symlink inside a root that points outside it is refused like the target.
 */
export async function resolveInsideRoots(path: string, roots: readonly string[], field: string): Promise<string> {
  const real = await realpath(path);
  if (roots.length > 0 && !isInsideRoots(real, roots)) {
    const shown = real === path ? path : `${path} (resolves to ${real})`;
    throw new ValidationFailedError(`${field} ${shown} is outside the allowed directories: ${roots.join(', ')}`);
  }
  return real;
}
