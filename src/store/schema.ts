import { StoreConfigurationError, StoreVersionError } from '../errors';

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
  return new StoreVersionError(
    `the store ${location} has schema version ${newest}, newer than this meisai knows (${known})`,
  );
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
    if (
      typeof row.version !== 'number' ||
      !Number.isInteger(row.version) ||
      (migration !== undefined && migration.description !== row.description)
    ) {
      throw notAStore("its schema_migrations table is not meisai's");
    }
  }
  const newest = Math.max(0, ...applied.map((row) => row.version as number));
  const known = knownVersion(migrations);
  if (newest > known) throw newerThanKnown(location, newest, known);
  // Migrations are applied in order, each in its own transaction: a hole is a hand-edited or damaged table.
  const versions = new Set(applied.map((row) => row.version as number));
  const missing = migrations
    .map((migration) => migration.version)
    .filter((version) => version < newest && !versions.has(version));
  if (missing.length > 0) {
    throw notAStore(
      `its schema_migrations says version ${newest} but lacks the row of migration ${missing.join(', ')} (restore the store from a backup)`,
    );
  }
  return newest;
}

/** Tables every meisai store has had since migration 1, on both engines. */
const STORE_TABLES = [
  'files',
  'rejects',
  'duplicates',
  'number_type_totals',
  'chakuwari_totals',
  'statements',
  'closed_months',
];

/** A store whose schema_migrations says it is one must have the tables: a schema_migrations table alone is not a store. */
export function checkStoreTables(tables: readonly string[], notAStore: (why: string) => Error): void {
  const missing = STORE_TABLES.filter((table) => !tables.includes(table));
  if (missing.length === STORE_TABLES.length)
    throw notAStore("it has meisai's schema_migrations table but none of a store's tables (files, rejects, …)");
  if (missing.length > 0)
    throw notAStore(
      `it lacks the table${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (restore the store from a backup)`,
    );
}

/** A read never migrates: a store of an older schema is brought up to date by `meisai migrate` (or the next writer). */
export function refuseOlderForRead(location: string, version: number, known: number): void {
  if (version < known) {
    throw new StoreVersionError(
      `the store ${location} has schema version ${version}, older than this meisai's (${known}): run meisai migrate --db ${location} first (a read never migrates)`,
    );
  }
}

/** The migrations a store at these applied versions lacks, oldest first; refuses a store newer than meisai. */
export function pendingMigrations<M extends Migration>(
  location: string,
  migrations: readonly M[],
  appliedVersions: readonly number[],
): M[] {
  const newest = Math.max(0, ...appliedVersions);
  const known = knownVersion(migrations);
  if (newest > known) throw newerThanKnown(location, newest, known);
  const applied = new Set(appliedVersions);
  return [...migrations]
    .filter((migration) => !applied.has(migration.version))
    .sort((left, right) => left.version - right.version);
}
