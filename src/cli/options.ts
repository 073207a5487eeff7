import { Option } from 'commander';
import { ConfigurationError } from '../errors';
import { acquireLock } from '../store/sqlite/lock';
import { normaliseSubscriberNumber } from '../numbering/peer';
import { isPostgresUrl } from '../store/storeUrl';
import { SqliteStore } from '../store/sqlite/sqliteStore';
import { existsSync } from 'node:fs';
import { checkStorePath, resolveDbPath, StoreAccess } from '../store/sqlite/connection';
import { Store } from '../store/types';
import { storeFault } from '../store/storeErrors';
import { createLogger } from './logger';

/** Where a command writes: results to stdout, messages to stderr (tests capture both). */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Encoded output (CSV in CP932 or with a BOM); absent, CSV is written as UTF-8 text through `stdout`. */
  stdoutBytes?: (bytes: Buffer) => void;
}

export const CONTRACT_PATTERN = /^N\d{9}$/;
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const NUMBER_PATTERN = /^050\d{8}$/;

export function dbOption(): Option {
  return new Option('--db <path|url>', 'SQLite store path, or a postgres://… URL (default: $MEISAI_DB or data/meisai.sqlite)');
}

/** The value if it matches; else bad usage (exit 2), saying what form is expected (give `expected`). */
export function requireMatch(value: string, pattern: RegExp, what: string, expected?: string): string {
  if (!pattern.test(value)) throw new ConfigurationError(`${what} "${value}" is not valid${expected === undefined ? '' : `: expected ${expected}`}`);
  return value;
}

export function contractOption(value: string): string {
  return requireMatch(value, CONTRACT_PATTERN, 'contract', 'N and 9 digits, e.g. N000000001');
}

export function monthOption(value: string): string {
  return requireMatch(value, MONTH_PATTERN, 'month', 'YYYY-MM, e.g. 2011-04');
}

/** Every form ingest takes (`05012345678`, `050-1234-5678`, `+81 50 1234 5678`) → `05012345678`. */
export function numberOption(value: string): string {
  const number = normaliseSubscriberNumber(value);
  if (number === null) {
    throw new ConfigurationError(`number "${value}" is not valid: expected an 11-digit 050 number, e.g. 05012345678, 050-1234-5678 or +81 50 1234 5678`);
  }
  return number;
}

/**
 * Opens an existing store read-only for a command that reads, and always closes it. A store that
 * is not there is a wrong --db path, not an empty month: say so instead of reporting nothing.
 */
export async function withStore<T>(path: string | undefined, work: (store: Store) => T | Promise<T>): Promise<T> {
  return withOpenStore(resolveDbPath(path), 'read', work);
}

/**
 * Like `withStore`, for a command that can answer without a store (quote): `absent` when --db is
 * a SQLite path with no file there yet. A PostgreSQL URL is always opened: a server that cannot
 * be reached, or a database without a store, is said (exit 2), never taken for an empty store.
 */
export async function withStoreIfThere<T>(path: string | undefined, work: (store: Store) => T | Promise<T>, absent: () => T): Promise<T> {
  const dbPath = resolveDbPath(path);
  if (!isPostgresUrl(dbPath) && !existsSync(dbPath)) return absent();
  return withOpenStore(dbPath, 'read', work);
}

/** The store's faults while the work runs (disk full, damaged, read-only) end as MeisaiErrors. */
async function withOpenStore<T>(dbPath: string, access: StoreAccess, work: (store: Store) => T | Promise<T>): Promise<T> {
  if (isPostgresUrl(dbPath)) return withPostgresStore(dbPath, access, work);
  const store = SqliteStore.open(dbPath, access);
  try {
    return await work(store);
  } catch (error) {
    throw storeFault(error, dbPath);
  } finally {
    await store.close();
  }
}

/**
 * PostgreSQL: no lock file (several workers share the store; files are claimed, months locked
 * with advisory locks); its faults are already MeisaiErrors naming --db without the password.
 */
async function withPostgresStore<T>(url: string, access: StoreAccess, work: (store: Store) => T | Promise<T>): Promise<T> {
  // Loaded only for a postgres:// store: pg costs every other command a tenth of a second to start.
  const { PgStore } = await import('../store/postgres/pgStore');
  const store = await PgStore.open(url, access);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export function revisionOption(value: string): number {
  return Number.parseInt(requireMatch(value, /^[1-9]\d{0,5}$/, 'revision', 'a revision number ≥ 1'), 10);
}

/**
 * Opens the store for a command that writes: takes the store's lock first (exit 3 if another
 * run holds it; a stale lock of a killed run is taken over), releases it however the command ends.
 * Only ingest creates a store; rerate and close need one, and the path is checked before the
 * lock is taken, so a refused path leaves no lock file behind.
 */
export async function withWriterStore<T>(path: string | undefined, command: string, work: (store: Store) => T | Promise<T>): Promise<T> {
  const dbPath = resolveDbPath(path);
  const access: StoreAccess = command === 'ingest' || command === 'migrate' || command === 'subscriptions import' ? 'create' : 'write';
  if (isPostgresUrl(dbPath)) return withPostgresStore(dbPath, access, work);
  checkStorePath(dbPath, access);
  const lock = acquireLock(dbPath, command);
  if (lock.tookOverFrom !== null) {
    createLogger().warn({ event: 'stale-lock', lock: lock.path, previousOwner: lock.tookOverFrom }, 'took over a stale lock left by a run that no longer exists');
  }
  const releaseOnSignal = (signal: NodeJS.Signals): void => {
    lock.release();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', releaseOnSignal);
  process.once('SIGTERM', releaseOnSignal);
  try {
    return await withOpenStore(dbPath, access, work);
  } finally {
    process.removeListener('SIGINT', releaseOnSignal);
    process.removeListener('SIGTERM', releaseOnSignal);
    lock.release();
  }
}
