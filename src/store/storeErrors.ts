import { MeisaiError, StoreConfigurationError, StoreFailedError } from '../errors';

/**
 * The one place where faults of the store (SQLite result codes, file-system errors of the lock
 * file) become MeisaiErrors with the spec's exit codes: configuration (2) for a store that cannot
 * be used as given, a failed run (1) for one that failed while in use. Messages name the store
 * and the code, and quote at most a bounded part of SQLite's own message.
 */
export function storeFault(error: unknown, dbPath: string): unknown {
  if (error instanceof MeisaiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const said = `${code}: ${bounded((error as Error).message)}`;
  if (code === 'SQLITE_NOTADB') return notAStore(dbPath, `SQLite cannot read it as a database (${said})`);
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreFailedError(
      `the store ${dbPath} is damaged (${said}): nothing was applied; \`meisai reconcile\` shows the damage; restore the store from a backup`,
    );
  }
  if (code === 'SQLITE_FULL') {
    return new StoreFailedError(
      `the disk of the store ${dbPath} is full (${said}): the run stopped and nothing of its unfinished work was applied; free space and run it again`,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreConfigurationError(
      `the store ${dbPath} is read-only (${said}): a command that writes needs write access to the store and its folder`,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new StoreConfigurationError(`cannot open the store ${dbPath} (${said}): check the path and its permissions`);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new StoreFailedError(
      `cannot read or write the store ${dbPath} (${said}): the run stopped and nothing of its unfinished work was applied`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreFailedError(`the store ${dbPath} stayed busy (${said}): another process kept it locked`);
  }
  return error;
}

export function notAStore(dbPath: string, why: string): StoreConfigurationError {
  return new StoreConfigurationError(`${dbPath} is not a meisai store: ${why}`);
}

/** A file-system error writing the store's lock file (beside the store). */
export function lockFileError(error: unknown, dbPath: string, lockPath: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StoreFailedError(
      `the disk of the store ${dbPath} is full (${code}): cannot write its lock ${lockPath}; nothing was applied`,
    );
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StoreConfigurationError(
      `the store ${dbPath} is read-only (${code}): cannot create its lock ${lockPath}; a command that writes needs write access to the store's folder`,
    );
  }
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new StoreConfigurationError(`the folder of the store ${dbPath} does not exist (${code})`);
  return error;
}

function bounded(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
