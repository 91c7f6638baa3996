import { Migration } from './migration';

/**
 * Why a cluster job is still `queued` without a native id: the scheduler was unreachable (it is submitted again
 * with back-off) or the submission's outcome is unknown (it is looked up by name first). Null otherwise.
 * Provisionally file 003 (another branch adds 002); on this branch alone versions must run 1..n without gaps,
 * so it is version 2 here. Renumber both at merge.
 */
export const waitingReasonMigration: Migration = {
  version: 2,
  name: 'waiting reason of jobs not yet accepted by their scheduler',
  up(db) {
    db.exec('ALTER TABLE jobs ADD COLUMN waiting_reason TEXT');
  },
};
