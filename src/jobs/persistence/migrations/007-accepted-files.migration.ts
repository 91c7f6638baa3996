import { Migration } from './migration';

/**
 * The files a job was accepted with (path handed to the solver, real path, device and inode; JSON) move into the
 * job's row, written by the insert that accepts the job: no directory and file per submission, and no window in which
 * the job exists without its record. Jobs accepted before keep NULL and their `<work dir>/accepted-files.json`.
 */
export const acceptedFilesMigration: Migration = {
  version: 7,
  name: 'accepted files in the job row',
  up(db) {
    db.exec('ALTER TABLE jobs ADD COLUMN accepted_files TEXT');
  },
};
