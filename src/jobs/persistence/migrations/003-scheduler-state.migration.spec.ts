import Database from 'better-sqlite3';
import { initialSchemaMigration } from './001-initial-schema.migration';
import { MIGRATIONS } from './index';
import { runMigrations } from './run-migrations';

describe('migration 003 (scheduler state, reason, run number)', () => {
  it('should upgrade a 0.1.0 store, keeping its jobs, with no scheduler state and run 1', () => {
    const db = new Database(':memory:');
    runMigrations(db, [initialSchemaMigration], 'old.sqlite');
    db.prepare(
      `INSERT INTO jobs (id, seq, status, priority, scheduler_type, config, config_hash, argv, work_dir, log_path, created_at, updated_at)
       VALUES ('old', 1, 'running', 0, 'slurm', '{}', 'h', '[]', '/w', '/w/solver.log', 1, 1)`,
    ).run();
    expect(runMigrations(db, MIGRATIONS, 'old.sqlite')).toEqual({
      from: 1,
      to: MIGRATIONS.length,
    });
    expect(db.prepare('SELECT id, status, scheduler_state, scheduler_reason, run_number FROM jobs').get()).toEqual({
      id: 'old',
      status: 'running',
      scheduler_state: null,
      scheduler_reason: null,
      run_number: 1,
    });
    db.close();
  });
});
