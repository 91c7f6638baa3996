/** What POST /projects stored, as kept in `<staging>/projects/<id>/project.json`. */
export interface UploadedProject {
  id: string;
  /** The uploaded file's name (`antenna.aedt`, `board.aedb.zip`). */
  fileName: string;
  kind: 'aedt' | 'aedtz' | 'aedb';
  /** SHA-256 of the uploaded bytes, hex. */
  sha256: string;
  /** Bytes uploaded. */
  size: number;
  /** The stored project on the server: the file, or the extracted `.aedb` folder. */
  projectPath: string;
  uploadedAt: number;
}

export { PROJECT_REF_PATTERN as PROJECT_ID_PATTERN } from '../simulation/hfss-simulation-config.dto';

/** Names an uploaded project may have: a plain file name with one of the project extensions. */
export const UPLOAD_FILE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._ -]{0,199}\.(aedt|aedtz|zip)$/i;
