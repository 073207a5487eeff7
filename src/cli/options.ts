import { Option } from 'commander';
import { ConfigurationError } from './errors';
import { Db, openStore } from '../store/store';

/** Where a command writes: results to stdout, messages to stderr (tests capture both). */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const CONTRACT_PATTERN = /^N\d{9}$/;
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const NUMBER_PATTERN = /^050\d{8}$/;

export function dbOption(): Option {
  return new Option('--db <path>', 'SQLite store (default: $MEISAI_DB or data/meisai.sqlite)');
}

export function requireMatch(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new ConfigurationError(`${what} "${value}" is not valid`);
  return value;
}

export function contractOption(value: string): string {
  return requireMatch(value, CONTRACT_PATTERN, 'contract');
}

export function monthOption(value: string): string {
  return requireMatch(value, MONTH_PATTERN, 'month');
}

/** `050-1234-5678` or `05012345678` → `05012345678`. */
export function numberOption(value: string): string {
  return requireMatch(value.replace(/-/g, ''), NUMBER_PATTERN, 'number');
}

/** Opens the store for one command and always closes it. */
export async function withStore<T>(path: string | undefined, work: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openStore(path);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

export function revisionOption(value: string): number {
  return Number.parseInt(requireMatch(value, /^[1-9]\d{0,5}$/, 'revision'), 10);
}
