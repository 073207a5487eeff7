import { existsSync } from 'node:fs';
import { acquireLock, LockOwner, StaleReason } from './sqlite/lock';
import { checkStorePath, resolveDbPath, StoreAccess } from './sqlite/connection';
import { SqliteStore } from './sqlite/sqliteStore';
import { storeFault } from './storeErrors';
import { isPostgresUrl } from './storeUrl';
import { Store } from './types';

export type { StoreAccess } from './sqlite/connection';

/**
 * The one place that picks the engine of a `--db` value (a postgres:// URL or a SQLite path;
 * absent: $MEISAI_DB, then data/meisai.sqlite) and opens it. Commands get a `Store` and never
 * learn which engine it is.
 */

/** Opens the store at `--db` for the work, and always closes it; its faults while the work runs end as MeisaiErrors. */
export async function withOpenStore<T>(
  db: string | undefined,
  access: StoreAccess,
  work: (store: Store) => T | Promise<T>,
): Promise<T> {
  const location = resolveDbPath(db);
  if (isPostgresUrl(location)) return withPostgresStore(location, access, work);
  const store = SqliteStore.open(location, access);
  try {
    return await work(store);
  } catch (error) {
    throw storeFault(error, location);
  } finally {
    await store.close();
  }
}

/**
 * Whether a store may be at `--db` without opening it: false only for a SQLite path with no file
 * (quote then answers by the default plan). A PostgreSQL URL is always opened: a server that
 * cannot be reached, or a database without a store, is said (exit 2), never taken for no store.
 */
export function storeMayBeThere(db: string | undefined): boolean {
  const location = resolveDbPath(db);
  return isPostgresUrl(location) || existsSync(location);
}

/**
 * Opens the store for a command that writes. SQLite: takes the store's lock file first (exit 3 if
 * another run holds it; a stale lock of a killed run is taken over, and `onStaleLock` told),
 * releases it however the command ends; the path is checked before the lock is taken, so a
 * refused path leaves no lock file behind. PostgreSQL: no lock file (several workers share the
 * store; files are claimed, months locked with advisory locks).
 */
export async function withWriterStore<T>(
  db: string | undefined,
  command: string,
  access: StoreAccess,
  work: (store: Store) => T | Promise<T>,
  onStaleLock: (lockPath: string, previousOwner: LockOwner, staleBecause: StaleReason) => void,
): Promise<T> {
  const location = resolveDbPath(db);
  if (isPostgresUrl(location)) return withPostgresStore(location, access, work);
  checkStorePath(location, access);
  const lock = acquireLock(location, command);
  if (lock.tookOverFrom !== null) onStaleLock(lock.path, lock.tookOverFrom, lock.staleBecause ?? 'its process is gone');
  const releaseOnSignal = (signal: NodeJS.Signals): void => {
    lock.release();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', releaseOnSignal);
  process.once('SIGTERM', releaseOnSignal);
  try {
    return await withOpenStore(location, access, work);
  } finally {
    process.removeListener('SIGINT', releaseOnSignal);
    process.removeListener('SIGTERM', releaseOnSignal);
    lock.release();
  }
}

/** PostgreSQL: its faults are already MeisaiErrors naming --db without the password. */
async function withPostgresStore<T>(
  url: string,
  access: StoreAccess,
  work: (store: Store) => T | Promise<T>,
): Promise<T> {
  // Loaded only for a postgres:// store: pg costs every other command a tenth of a second to start.
  const { PgStore } = await import('./postgres/pgStore');
  const store = await PgStore.open(url, access);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
