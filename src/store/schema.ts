import { StoreConfigurationError } from '../errors';

/**
 * The schema-version rules of a store, whatever its engine: which applied migrations make a
 * meisai store, which version it is at, and which migrations it still needs. The engines only
 * read `schema_migrations` and run the SQL (sqlite/connection.ts, postgres/pgStore.ts).
 */
export interface Migration {
  version: number;
  description: string;
}

/** A row of schema_migrations as read, not yet trusted. */
export interface AppliedMigrationRow {
  version: unknown;
  description: unknown;
}

export function knownVersion(migrations: readonly Migration[]): number {
  return Math.max(...migrations.map((migration) => migration.version));
}

function newerThanKnown(location: string, newest: number, known: number): StoreConfigurationError {
  return new StoreConfigurationError(`the store ${location} has schema version ${newest}, newer than this meisai knows (${known})`);
}

/**
 * The newest applied version (0 when none is). A row whose version is not an integer, or whose
 * description differs from the known migration of that version, means the table is another
 * application's (`notAStore`); a version past the known ones means a newer meisai wrote it.
 */
export function appliedVersion(
  location: string,
  migrations: readonly Migration[],
  applied: readonly AppliedMigrationRow[],
  notAStore: (why: string) => Error,
): number {
  for (const row of applied) {
    const migration = migrations.find((candidate) => candidate.version === row.version);
    if (typeof row.version !== 'number' || !Number.isInteger(row.version) || (migration !== undefined && migration.description !== row.description)) {
      throw notAStore("its schema_migrations table is not meisai's");
    }
  }
  const newest = Math.max(0, ...applied.map((row) => row.version as number));
  const known = knownVersion(migrations);
  if (newest > known) throw newerThanKnown(location, newest, known);
  return newest;
}

/** The migrations a store at these applied versions lacks, oldest first; refuses a store newer than meisai. */
export function pendingMigrations<M extends Migration>(location: string, migrations: readonly M[], appliedVersions: readonly number[]): M[] {
  const newest = Math.max(0, ...appliedVersions);
  const known = knownVersion(migrations);
  if (newest > known) throw newerThanKnown(location, newest, known);
  const applied = new Set(appliedVersions);
  return [...migrations].filter((migration) => !applied.has(migration.version)).sort((left, right) => left.version - right.version);
}
