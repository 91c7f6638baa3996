import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';

/**
 * Path rules that differ on Windows, as pure functions of the platform so they are tested on any host: list
 * delimiters, case-insensitive containment (drive letters and UNC shares included), device names, work dir names.
 */

/** The separator of directory lists in one environment variable: `;` on Windows (`C:\projects`), `:` elsewhere. */
export function pathListDelimiter(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? win32.delimiter : posix.delimiter;
}

/** True when `child` is `parent` or lies below it; on Windows without regard to case or `/` versus `\`. */
export function isInsidePath(parent: string, child: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'win32') {
    return child === parent || child.startsWith(parent.endsWith(posix.sep) ? parent : parent + posix.sep);
  }
  const fold = (path: string) => win32.normalize(path).toLowerCase();
  const [base, target] = [fold(parent), fold(child)];
  return target === base || target.startsWith(base.endsWith(win32.sep) ? base : base + win32.sep);
}

/** A UNC path (`\\server\share`, `//server/share`, `\\?\UNC\…`) on Windows; nothing is one elsewhere (a mapped drive letter is not seen). */
export function isNetworkPath(path: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'win32') {
    return false;
  }
  return /^[\\/]{2}\?[\\/]unc[\\/]/i.test(path) || /^[\\/]{2}(?![?.][\\/])[^\\/]+[\\/][^\\/]+/.test(path);
}

/** Windows device names, which name the device in every directory, with any extension (`NUL.txt` is NUL). */
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

export function isReservedDeviceName(name: string): boolean {
  return DEVICE_NAME.test(name.replace(/[. ]+$/, ''));
}

/**
 * The work directory name of a job id. On Windows (case-insensitive file systems), ids that differ only by case
 * would share one directory, so an id with capitals gets a suffix naming which letters are capitals.
 */
export function jobWorkDirName(jobId: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32' || jobId === jobId.toLowerCase()) {
    return jobId;
  }
  return `${jobId}~${createHash('sha256').update(jobId).digest('hex').slice(0, 8)}`;
}

/** Why a `.bat`/`.cmd` file cannot be the solver, or undefined: cmd.exe would re-parse every argument. */
export function batchFileProblem(path: string): string | undefined {
  return /\.(bat|cmd)$/i.test(path.trim().replace(/[. ]+$/, ''))
    ? `${path} is a batch file (.bat/.cmd): cmd.exe would re-parse the solver arguments (project paths, variables) as a command line; ` +
        'point at ansysedt.exe itself'
    : undefined;
}
