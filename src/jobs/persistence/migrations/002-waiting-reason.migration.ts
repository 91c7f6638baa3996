import { Migration } from './migration';

/**
 * Why a cluster job is still `queued` without a native id: the scheduler was unreachable (it is submitted again
 * with back-off) or the submission's outcome is unknown (it is looked up by name first). Null otherwise.
 */
export const waitingReasonMigration: Migration = {
  version: 2,
  name: 'waiting reason of jobs not yet accepted by their scheduler',
  up(db) {
    db.exec('ALTER TABLE jobs ADD COLUMN waiting_reason TEXT');
  },
};
