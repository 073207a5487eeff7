import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

/**
 * A SQLite store as meisai left it at schema `version` (migrations 1 to `version` applied and
 * recorded), open for the test to write its rows as that version had them; the test closes it.
 * A helper of the tests, kept beside the engine whose SQL it runs and out of the build.
 */
export function sqliteStoreAtVersion(
  path: string,
  version: number,
  appliedAt = '2026-11-01T00:00:00.000Z',
): Database.Database {
  const db = new Database(path);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const migration of MIGRATIONS.filter((candidate) => candidate.version <= version)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.description,
      appliedAt,
    );
  }
  return db;
}
