import { initialSchemaMigration } from './001-initial-schema.migration';
import { waitingReasonMigration } from './002-waiting-reason.migration';
import { schedulerStateMigration } from './003-scheduler-state.migration';
import { jobAttemptsMigration } from './004-job-attempts.migration';
import { jobCountsMigration } from './005-job-counts.migration';
import { activeJobsIndexMigration } from './006-active-jobs-index.migration';
import { acceptedFilesMigration } from './007-accepted-files.migration';
import { jobArrayTasksMigration } from './008-job-array-tasks.migration';
import { Migration } from './migration';

/** Every migration in order. Add new ones at the end with the next version number; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  initialSchemaMigration,
  waitingReasonMigration,
  schedulerStateMigration,
  jobAttemptsMigration,
  jobCountsMigration,
  activeJobsIndexMigration,
  acceptedFilesMigration,
  jobArrayTasksMigration,
];

export const CURRENT_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
