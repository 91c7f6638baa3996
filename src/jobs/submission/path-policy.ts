import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { ValidationFailedError } from '../../common/errors/job-manager.errors';

/** True when the real path `real` is one of `roots` (already real) or lies below one. */
export function isInsideRoots(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
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
