import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when this process may mount a tmpfs (Linux, root: CI runs the tests as root). */
export function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return false;
  }
  const probe = mkdtempSync(join(tmpdir(), 'hfss-tmpfs-probe-'));
  try {
    mountSmallDisk(probe, 1);
    unmountSmallDisk(probe);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `sizeMb` on `dir`: a real file system that really runs out of space. */
export function mountSmallDisk(dir: string, sizeMb: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
}

export function unmountSmallDisk(dir: string): void {
  execFileSync('umount', ['-l', dir]);
}

/** Fills the file system of `dir` up to the last byte with one file; returns its path (remove it to free the space). */
export function fillDisk(dir: string): string {
  const filler = join(dir, 'filler.bin');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

/** True when a new file cannot get a single byte on the file system of `dir`. */
export function diskIsFull(dir: string): boolean {
  const probe = join(dir, 'probe.tmp');
  try {
    writeFileSync(probe, 'x');
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOSPC';
  } finally {
    rmSync(probe, { force: true });
  }
}
