import {
  appliedVersion,
  AppliedMigrationRow,
  checkStoreTables,
  knownVersion,
  pendingMigrations,
  refuseOlderForRead,
} from '../schema';
import Database from 'better-sqlite3';
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  Stats,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreConfigurationError } from '../../errors';
import { PROJECT_ROOT } from '../../reference/referenceData';
import type { Db } from './db';
import { MIGRATIONS } from './migrations';
import { notAStore, storeFault } from '../storeErrors';

export const DEFAULT_DB_PATH = join(PROJECT_ROOT, 'data', 'meisai.sqlite');

export type { Db } from './db';

export function resolveDbPath(path?: string): string {
  return path ?? process.env.MEISAI_DB ?? DEFAULT_DB_PATH;
}

/**
 * How a command uses the store: `read` opens an existing store read-only (it works on a
 * read-only file or file system); `write` needs an existing store; `create` (ingest) makes a new
 * one where none exists, but only in a folder that exists.
 */
export type StoreAccess = 'read' | 'write' | 'create';

/** A store larger than this on a read-only file system is not read into memory (see openReadOnly). */
const READ_ONLY_COPY_LIMIT_BYTES = 512 * 1024 * 1024;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Checks, before anything is created (a lock, a store), that the path can be used as asked: an
 * existing store for `read` and `write`, an existing folder for `create`; a file that is there
 * must look like an SQLite database as long as its header says (not another file, not truncated).
 */
export function checkStorePath(path: string, access: StoreAccess): void {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw storeFileError(error, path);
    if (access !== 'create')
      throw new StoreConfigurationError(`there is no store at ${path}: ingest files first, or give --db PATH`);
    const folder = dirname(path);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new StoreConfigurationError(
        `the folder ${folder} of the store does not exist: create it first (meisai creates a new store only in an existing folder)`,
      );
    }
    return;
  }
  if (stat.isDirectory()) throw notAStore(path, 'it is a folder');
  const size = stat.size;
  if (size === 0) {
    // What a first ingest killed before its first write leaves: ingest makes it a store.
    if (access === 'create') return;
    throw notAStore(path, 'the file is empty');
  }
  const header = Buffer.alloc(100);
  let read: number;
  try {
    const descriptor = openSync(path, 'r');
    try {
      read = readSync(descriptor, header, 0, 100, 0);
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    throw storeFileError(error, path);
  }
  if (read < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) throw notAStore(path, 'it is not an SQLite database');
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  const headerCountValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  // A store being written (a -wal beside it) may have its header ahead of its size while a
  // checkpoint copies pages into it: only a store without a live WAL is judged by its size.
  if (headerCountValid && pages > 0 && size < pages * pageSize && !hasWal(path)) {
    throw notAStore(path, `it is truncated (${size} bytes; its header says ${pages} pages of ${pageSize} bytes)`);
  }
}

/**
 * Opens the store and, for `write` and `create`, brings its schema up to date. The path is checked
 * first (checkStorePath); SQLite's faults become MeisaiErrors (storeFault): a file that is not a
 * meisai store exits 2, a damaged or full one 1.
 */
export function openStore(path = resolveDbPath(), access: StoreAccess = 'create'): Db {
  checkStorePath(path, access);
  let db: Db | undefined;
  try {
    db = access === 'read' ? openReadOnly(path) : new Database(path);
    db.pragma('busy_timeout = 5000');
    // Before anything is written (WAL mode changes the file's header): is it a meisai store?
    const version = meisaiSchemaVersion(db, path, access);
    if (access !== 'read') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // 16 MiB of page cache: enough for the hot end of the calls tree (ingest appends in record_id
    // order) and the totals; more buys no speed and counts against the 256 MB memory budget.
    db.pragma('cache_size = -16384');
    if (access === 'read') refuseOlderForRead(path, version, KNOWN_VERSION);
    if (access !== 'read') migrate(db);
    STORE_PATHS.set(db, path);
    return db;
  } catch (error) {
    if (db?.open) db.close();
    throw storeFault(error, path);
  }
}

const STORE_PATHS = new WeakMap<Db, string>();

/** The path a connection was opened from (a store read into memory too), for messages. */
export function storePath(db: Db): string {
  return STORE_PATHS.get(db) ?? db.name;
}

/**
 * A read-only connection. SQLite reads a WAL store read-only only if it can create the store's
 * `-shm` file; on a read-only file system (no `-wal` left, as a cleanly closed store is) the store
 * is read into memory instead, up to READ_ONLY_COPY_LIMIT_BYTES.
 */
function openReadOnly(path: string): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('schema_version');
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_CANTOPEN' || !folderIsReadOnly(path) || hasWal(path)) throw error;
    const size = statSync(path).size;
    if (size > READ_ONLY_COPY_LIMIT_BYTES) {
      throw new StoreConfigurationError(
        `cannot read the store ${path} on a read-only file system: SQLite needs to create ${path}-shm, and the store (${size} bytes) is too large to read into memory; copy it to a writable folder`,
      );
    }
    const image = readFileSync(path);
    image[18] = 1; // file format: rollback journal, as an in-memory database needs (WAL is 2)
    image[19] = 1;
    return new Database(image, { readonly: true });
  }
}

function folderIsReadOnly(path: string): boolean {
  try {
    accessSync(dirname(path), fsConstants.W_OK);
    return false;
  } catch {
    return true;
  }
}

function hasWal(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

const KNOWN_VERSION = knownVersion(MIGRATIONS);

/**
 * The schema version of a meisai store (0 for a new one); anything else, including another
 * application's database, is not a meisai store. An empty database (a new file, or what a first
 * ingest killed before its first migration committed leaves) is a new store for `create` only.
 */
function meisaiSchemaVersion(db: Db, path: string, access: StoreAccess): number {
  const objects = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (row) => row.name,
  );
  const empty =
    objects.length === 0 ||
    (objects.length === 1 &&
      objects[0] === 'schema_migrations' &&
      db.prepare('SELECT 1 FROM schema_migrations LIMIT 1').get() === undefined);
  if (empty) {
    if (access === 'create') return 0;
    throw notAStore(path, 'it is an empty database (no ingest has completed into it)');
  }
  if (!objects.includes('schema_migrations')) throw notAStore(path, 'it has no schema_migrations table');
  let applied: AppliedMigrationRow[];
  try {
    applied = db
      .prepare('SELECT version, description FROM schema_migrations ORDER BY version')
      .all() as AppliedMigrationRow[];
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_ERROR')
      throw notAStore(path, "its schema_migrations table is not meisai's");
    throw error;
  }
  const newest = appliedVersion(path, MIGRATIONS, applied, (why) => notAStore(path, why));
  if (newest === 0) throw notAStore(path, 'its schema_migrations table is empty');
  checkStoreTables(objects, (why) => notAStore(path, why));
  return newest;
}

function storeFileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM')
    return new StoreConfigurationError(`cannot read the store ${path} (${code}): check its permissions`);
  if (code === 'EISDIR') return notAStore(path, 'it is a folder');
  return error;
}

export function migrate(db: Db): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
    (row) => row.version,
  );
  for (const migration of pendingMigrations(storePath(db), MIGRATIONS, applied)) {
    // Foreign keys can only be switched off outside a transaction (SQLite's table rebuild procedure).
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (migration.rebuildsReferencedTable === true) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        migration.after?.(db);
        if (migration.rebuildsReferencedTable === true && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new Error(`migration ${migration.version} would leave rows without their parent row: not applied`);
        }
        db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.description,
          new Date().toISOString(),
        );
      })();
    } finally {
      if (migration.rebuildsReferencedTable === true) db.pragma(`foreign_keys = ${foreignKeys === 1 ? 'ON' : 'OFF'}`);
    }
  }
}
