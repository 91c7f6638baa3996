import { PosixProcessPlatform } from './posix-process-platform';
import type { ProcessPlatform } from './process-platform';
import { WindowsProcessPlatform } from './windows-process-platform';

/** The process platform of `platform` (this host's by default). */
export function processPlatformFor(platform: NodeJS.Platform = process.platform): ProcessPlatform {
  return platform === 'win32' ? new WindowsProcessPlatform() : new PosixProcessPlatform();
}
