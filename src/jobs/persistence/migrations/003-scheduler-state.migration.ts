import { Migration } from './migration';

/**
 * What the cluster scheduler itself says about a job: its state word (`PENDING`, `SUSPENDED`, `Eqw`, …), its reason
 * (`JobHeldAdmin`, an Eqw error message, …) and which run this is (incremented by every requeue). Existing jobs get
 * no scheduler state and run 1.
 */
export const schedulerStateMigration: Migration = {
  version: 3,
  name: 'scheduler state, reason and run number',
  up(db) {
    db.exec(`
ALTER TABLE jobs ADD COLUMN scheduler_state TEXT;
ALTER TABLE jobs ADD COLUMN scheduler_reason TEXT;
ALTER TABLE jobs ADD COLUMN run_number INTEGER NOT NULL DEFAULT 1;
`);
  },
};
