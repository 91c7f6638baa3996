/** A file a job was accepted with: the path the solver is handed and the identity of the real file behind it. */
export interface AcceptedFile {
  field: 'project_path' | 'ansys_edt_path';
  runPath: string;
  realPath: string;
  /** `dev` and `ino` as decimal strings (64-bit inode numbers do not fit a JS number). */
  dev: string;
  ino: string;
}
