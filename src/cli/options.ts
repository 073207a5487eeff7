import { Option } from 'commander';
import { ConfigurationError } from '../errors';
import { requireSubscriberNumber } from '../numbering/peer';
import { StoreAccess, storeMayBeThere, withOpenStore, withWriterStore as openWriterStore } from '../store/openStore';
import { Store } from '../store/types';
import { createLogger } from './logger';

export type { Io } from '../export/csvOutput';

export const CONTRACT_PATTERN = /^N\d{9}$/;
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function dbOption(): Option {
  return new Option(
    '--db <path|url>',
    'SQLite store path, or a postgres://… URL (default: $MEISAI_DB or data/meisai.sqlite)',
  );
}

/** The value if it matches; else bad usage (exit 2), saying what form is expected (give `expected`). */
export function requireMatch(value: string, pattern: RegExp, what: string, expected?: string): string {
  if (!pattern.test(value))
    throw new ConfigurationError(
      `${what} "${value}" is not valid${expected === undefined ? '' : `: expected ${expected}`}`,
    );
  return value;
}

export function contractOption(value: string): string {
  return requireMatch(value, CONTRACT_PATTERN, 'contract', 'N and 9 digits, e.g. N000000001');
}

export function monthOption(value: string): string {
  return requireMatch(value, MONTH_PATTERN, 'month', 'YYYY-MM, e.g. 2011-04');
}

/** `--number`: every form ingest takes → `05012345678`, else bad usage (numbering/peer.ts). */
export const numberOption = requireSubscriberNumber;

/**
 * Opens an existing store read-only for a command that reads, and always closes it. A store that
 * is not there is a wrong --db path, not an empty month: say so instead of reporting nothing.
 */
export async function withStore<T>(db: string | undefined, work: (store: Store) => T | Promise<T>): Promise<T> {
  return withOpenStore(db, 'read', work);
}

/** Like `withStore`, for a command that can answer without a store (quote): `absent` when --db is a SQLite path with no file there yet. */
export async function withStoreIfThere<T>(
  db: string | undefined,
  work: (store: Store) => T | Promise<T>,
  absent: () => T,
): Promise<T> {
  return storeMayBeThere(db) ? withOpenStore(db, 'read', work) : absent();
}

export function revisionOption(value: string): number {
  return Number.parseInt(requireMatch(value, /^[1-9]\d{0,5}$/, 'revision', 'a revision number ≥ 1'), 10);
}

/**
 * Opens the store for a command that writes (openStore.ts: the SQLite lock file, exit 3 if another
 * run holds it). Only ingest, migrate, subscriptions import and customers import create a store.
 */
export async function withWriterStore<T>(
  db: string | undefined,
  command: string,
  work: (store: Store) => T | Promise<T>,
): Promise<T> {
  const access: StoreAccess =
    command === 'ingest' ||
    command === 'migrate' ||
    command === 'subscriptions import' ||
    command === 'customers import'
      ? 'create'
      : 'write';
  return openWriterStore(db, command, access, work, (lock, previousOwner, staleBecause) =>
    createLogger().warn(
      { event: 'stale-lock', lock, previousOwner, staleBecause },
      `took over a stale lock left by a run that no longer exists (${staleBecause})`,
    ),
  );
}
