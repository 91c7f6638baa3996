import { batchFileProblem, isInsidePath, isNetworkPath, isReservedDeviceName, jobWorkDirName, pathListDelimiter } from './paths';
import { JOB_ID_PATTERN } from '../simulation/hfss-simulation-config.dto';

describe('platform paths', () => {
  it('splits directory lists on ; on Windows, so drive letters survive', () => {
    expect('C:\\projects;D:\\more'.split(pathListDelimiter('win32'))).toEqual(['C:\\projects', 'D:\\more']);
    expect(pathListDelimiter('linux')).toBe(':');
  });

  it('contains paths case-insensitively on Windows: drive letters, UNC shares, either slash', () => {
    expect(isInsidePath('C:\\Projects', 'c:\\projects\\a\\b.aedt', 'win32')).toBe(true);
    expect(isInsidePath('C:\\Projects\\', 'C:/PROJECTS/a.aedt', 'win32')).toBe(true);
    expect(isInsidePath('C:\\Projects', 'C:\\Projects', 'win32')).toBe(true);
    expect(isInsidePath('C:\\Projects', 'C:\\ProjectsEvil\\a.aedt', 'win32')).toBe(false);
    expect(isInsidePath('C:\\Projects', 'D:\\Projects\\a.aedt', 'win32')).toBe(false);
    expect(isInsidePath('\\\\server\\share\\hfss', '\\\\SERVER\\Share\\hfss\\job\\a.aedt', 'win32')).toBe(true);
    expect(isInsidePath('\\\\server\\share\\hfss', '\\\\server\\share\\other', 'win32')).toBe(false);
    expect(isInsidePath('C:\\Projects', 'C:\\Projects\\..\\Windows', 'win32')).toBe(false);
  });

  it('stays case-sensitive on Linux', () => {
    expect(isInsidePath('/srv/projects', '/srv/projects/a.aedt', 'linux')).toBe(true);
    expect(isInsidePath('/srv/projects', '/srv/Projects/a.aedt', 'linux')).toBe(false);
    expect(isInsidePath('/srv/projects', '/srv/projects-evil/a', 'linux')).toBe(false);
  });

  it('knows Windows device names, in any case and with extensions', () => {
    for (const name of ['CON', 'nul', 'Com1', 'LPT9', 'NUL.txt', 'aux.tar.gz', 'con ', 'COM¹']) {
      expect(isReservedDeviceName(name)).toBe(true);
    }
    for (const name of ['console', 'nullable', 'COM', 'com10', 'job_con']) {
      expect(isReservedDeviceName(name)).toBe(false);
    }
  });

  it('refuses device names as jobids, in any case', () => {
    for (const id of ['CON', 'nul', 'Com1', 'lpt0', 'PRN', 'aux']) {
      expect(JOB_ID_PATTERN.test(id)).toBe(false);
    }
    for (const id of ['console', 'com10', 'job_20261201_183000_a1b2c3', 'Antenna-1']) {
      expect(JOB_ID_PATTERN.test(id)).toBe(true);
    }
  });

  it('gives ids that differ only by case distinct work dirs on Windows, and leaves Linux names as they are', () => {
    const names = ['job1', 'Job1', 'JOB1', 'jOb1'].map((id) => jobWorkDirName(id, 'win32'));
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(4);
    expect(jobWorkDirName('job1', 'win32')).toBe('job1');
    expect(jobWorkDirName('Job1', 'linux')).toBe('Job1');
    // `~` is not a jobid character, so a suffixed name is never another job's plain name.
    expect(JOB_ID_PATTERN.test(jobWorkDirName('Job1', 'win32'))).toBe(false);
  });

  it('recognizes UNC paths on Windows only (a data dir there is refused: SQLite must stay local)', () => {
    for (const path of ['\\\\server\\share\\hfss', '//server/share', '\\\\?\\UNC\\server\\share\\x']) {
      expect(isNetworkPath(path, 'win32')).toBe(true);
    }
    for (const path of ['C:\\data', '\\\\?\\C:\\data', '\\\\.\\PhysicalDrive0', 'data']) {
      expect(isNetworkPath(path, 'win32')).toBe(false);
    }
    expect(isNetworkPath('//server/share', 'linux')).toBe(false);
  });

  it('refuses .bat/.cmd solvers with the reason', () => {
    expect(batchFileProblem('C:\\Ansys\\run.BAT')).toMatch(/batch file .*cmd\.exe would re-parse/);
    expect(batchFileProblem('C:\\Ansys\\run.cmd.')).toBeDefined();
    expect(batchFileProblem('C:\\Ansys\\ansysedt.exe')).toBeUndefined();
  });
});
