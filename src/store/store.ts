import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { accessSync, closeSync, constants as fsConstants, existsSync, openSync, readFileSync, readSync, Stats, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { ConfigurationError, StoreConfigurationError } from '../errors';
import { CallContent } from '../input/callRecord';
import { RatedCall } from '../rate/rateRecord';
import { PROJECT_ROOT } from '../reference/referenceData';
import { MIGRATIONS } from './migrations';
import { chakuwariTotalKey, chakuwariTotalProblem, damagedRowError, typeTotalKey, typeTotalProblem } from './rowChecks';
import { notAStore, storeFault } from './storeErrors';

export const DEFAULT_DB_PATH = join(PROJECT_ROOT, 'data', 'meisai.sqlite');

export type Db = Database.Database;

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
    if (access !== 'create') throw new StoreConfigurationError(`there is no store at ${path}: ingest files first, or give --db PATH`);
    const folder = dirname(path);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new StoreConfigurationError(`the folder ${folder} of the store does not exist: create it first (meisai creates a new store only in an existing folder)`);
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
  if (headerCountValid && pages > 0 && size < pages * pageSize) {
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
    if (access === 'read' && version < KNOWN_VERSION) {
      // An older store: bring it up to date as a writer would (this needs write access).
      db.close();
      return openStore(path, 'write');
    }
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

const KNOWN_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

/**
 * The schema version of a meisai store (0 for a new one); anything else, including another
 * application's database, is not a meisai store. An empty database (a new file, or what a first
 * ingest killed before its first migration committed leaves) is a new store for `create` only.
 */
function meisaiSchemaVersion(db: Db, path: string, access: StoreAccess): number {
  const objects = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
  const empty =
    objects.length === 0 ||
    (objects.length === 1 && objects[0] === 'schema_migrations' && db.prepare('SELECT 1 FROM schema_migrations LIMIT 1').get() === undefined);
  if (empty) {
    if (access === 'create') return 0;
    throw notAStore(path, 'it is an empty database (no ingest has completed into it)');
  }
  if (!objects.includes('schema_migrations')) throw notAStore(path, 'it has no schema_migrations table');
  let applied: { version: unknown; description: unknown }[];
  try {
    applied = db.prepare('SELECT version, description FROM schema_migrations ORDER BY version').all() as { version: unknown; description: unknown }[];
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_ERROR') throw notAStore(path, "its schema_migrations table is not meisai's");
    throw error;
  }
  for (const row of applied) {
    const migration = MIGRATIONS.find((candidate) => candidate.version === row.version);
    if (typeof row.version !== 'number' || (migration !== undefined && migration.description !== row.description)) {
      throw notAStore(path, "its schema_migrations table is not meisai's");
    }
  }
  const newest = Math.max(0, ...applied.map((row) => row.version as number));
  if (newest > KNOWN_VERSION) {
    throw new StoreConfigurationError(`the store ${path} has schema version ${newest}, newer than this meisai knows (${KNOWN_VERSION})`);
  }
  if (newest === 0) throw notAStore(path, 'its schema_migrations table is empty');
  return newest;
}

function storeFileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return new StoreConfigurationError(`cannot read the store ${path} (${code}): check its permissions`);
  if (code === 'EISDIR') return notAStore(path, 'it is a folder');
  return error;
}

export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  const newest = Math.max(0, ...applied);
  if (newest > KNOWN_VERSION) {
    throw new ConfigurationError(`the store has schema version ${newest}, newer than this meisai knows (${KNOWN_VERSION})`);
  }
  for (const migration of [...MIGRATIONS].sort((left, right) => left.version - right.version)) {
    if (applied.has(migration.version)) continue;
    // Foreign keys can only be switched off outside a transaction (SQLite's table rebuild procedure).
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (migration.rebuildsReferencedTable === true) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
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

/**
 * Runs reads in one transaction (one snapshot of the store). Unlike db.transaction, a damaged
 * store that makes the final COMMIT fail does not lose what was read: nothing was written.
 */
export function inReadTransaction<T>(db: Db, read: () => T): T {
  db.exec('BEGIN');
  try {
    return read();
  } finally {
    if (db.inTransaction) {
      try {
        db.exec('COMMIT');
      } catch {
        if (db.inTransaction) db.exec('ROLLBACK');
      }
    }
  }
}

export interface FileRow {
  fileId: number;
  name: string;
  sha256: string;
  ingestedAt: string;
}

export function findFileBySha(db: Db, sha256: string): FileRow | undefined {
  return db
    .prepare('SELECT file_id AS fileId, name, sha256, ingested_at AS ingestedAt FROM files WHERE sha256 = ?')
    .get(sha256) as FileRow | undefined;
}

/** Whether a stored file has exactly this many bytes (only such a file can be a re-delivery). */
export function hasFileOfSize(db: Db, bytes: number): boolean {
  return db.prepare('SELECT 1 FROM files WHERE bytes = ? LIMIT 1').get(bytes) !== undefined;
}

/**
 * The files row of a file being applied, inside its transaction. Its hash, size and encoding are
 * known only once it has been read through, so they are set by `finishFile` before the commit.
 */
export function beginFile(db: Db, file: { name: string; source: string | null; ingestedAt: string }): number {
  const placeholder = `pending:${randomUUID()}`;
  return Number(
    db
      .prepare(`INSERT INTO files (name, sha256, bytes, encoding, source, ingested_at, records_read, accepted, rejected, duplicates)
                VALUES (?, ?, 0, 'utf8', ?, ?, 0, 0, 0, 0)`)
      .run(file.name, placeholder, file.source, file.ingestedAt).lastInsertRowid,
  );
}

export interface FileOutcome {
  sha256: string;
  bytes: number;
  encoding: string;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  late: number;
  skipped: number;
  /** The input profile's id; null for the canonical CSV read without one. */
  profile: string | null;
}

export function finishFile(db: Db, fileId: number, outcome: FileOutcome): void {
  db.prepare(
    `UPDATE files SET sha256 = ?, bytes = ?, encoding = ?, records_read = ?, accepted = ?, rejected = ?, duplicates = ?, late = ?,
            skipped = ?, profile = ?
      WHERE file_id = ?`,
  ).run(
    outcome.sha256,
    outcome.bytes,
    outcome.encoding,
    outcome.read,
    outcome.accepted,
    outcome.rejected,
    outcome.duplicates,
    outcome.late,
    outcome.skipped,
    outcome.profile,
    fileId,
  );
}

export interface StoredCallIdentity extends CallContent {
  fileName: string;
  line: number;
}

/** Rows per multi-row INSERT of calls (20 values each: 640 parameters). */
const INSERT_ROWS = 32;
const CALL_COLUMNS = 20;

/** Prepared statements for writing one file's records; used inside the file's transaction. */
export class FileWriter {
  private readonly insertCall;
  private readonly insertCalls;
  private readonly oneRow: unknown[] = new Array(CALL_COLUMNS);
  private readonly manyRows: unknown[] = new Array(CALL_COLUMNS * INSERT_ROWS);
  private readonly insertReject;
  private readonly insertDuplicate;
  private readonly insertSkip;
  private readonly findCalls;

  constructor(
    private readonly db: Db,
    readonly fileId: number,
  ) {
    const insert = `INSERT INTO calls (record_id, file_id, line, contract_id, number, direction, peer, peer_is_number, start_ms,
        duration_ms, month, peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, late)
      VALUES `;
    const oneRow = `(${Array(CALL_COLUMNS).fill('?').join(', ')})`;
    this.insertCall = db.prepare(insert + oneRow);
    this.insertCalls = db.prepare(insert + Array(INSERT_ROWS).fill(oneRow).join(', '));
    this.insertReject = db.prepare('INSERT INTO rejects (file_id, line, code, message, raw) VALUES (?, ?, ?, ?, ?)');
    this.insertDuplicate = db.prepare('INSERT INTO duplicates (file_id, line, record_id) VALUES (?, ?, ?)');
    this.insertSkip = db.prepare('INSERT INTO skips (file_id, line, reason) VALUES (?, ?, ?)');
    this.findCalls = db.prepare(`
      SELECT c.record_id AS recordId, c.contract_id AS contractId, c.number, c.direction, c.peer, c.start_ms AS startMs,
             c.duration_ms AS durationMs, f.name AS fileName, c.line
        FROM calls c JOIN files f ON f.file_id = c.file_id
       WHERE c.record_id IN (SELECT value FROM json_each(?))`);
  }

  /** The stored calls among these record_ids (one query for the lot), by record_id. */
  storedCalls(recordIds: string[]): Map<string, StoredCallIdentity> {
    const found = new Map<string, StoredCallIdentity>();
    for (const row of this.findCalls.all(JSON.stringify(recordIds)) as (StoredCallIdentity & { recordId: string })[]) {
      found.set(row.recordId, row);
    }
    return found;
  }

  /** Inserts accepted calls, many rows per statement, through one reused parameter array. */
  calls(calls: { call: RatedCall; line: number; late: boolean }[]): void {
    let index = 0;
    for (; index + INSERT_ROWS <= calls.length; index += INSERT_ROWS) {
      for (let row = 0; row < INSERT_ROWS; row += 1) this.putCallValues(this.manyRows, row * CALL_COLUMNS, calls[index + row]!);
      this.insertCalls.run(this.manyRows);
    }
    for (; index < calls.length; index += 1) {
      this.putCallValues(this.oneRow, 0, calls[index]!);
      this.insertCall.run(this.oneRow);
    }
  }

  private putCallValues(values: unknown[], at: number, { call, line, late }: { call: RatedCall; line: number; late: boolean }): void {
    values[at] = call.recordId;
    values[at + 1] = this.fileId;
    values[at + 2] = line;
    values[at + 3] = call.contractId;
    values[at + 4] = call.number;
    values[at + 5] = call.direction;
    values[at + 6] = call.peer;
    values[at + 7] = call.peerIsNumber ? 1 : 0;
    values[at + 8] = call.startMs;
    values[at + 9] = call.durationMs;
    values[at + 10] = call.month;
    values[at + 11] = call.peerClass;
    values[at + 12] = call.tariffId;
    values[at + 13] = call.numberingPlanId;
    values[at + 14] = call.rateId;
    values[at + 15] = call.ratePrefix;
    values[at + 16] = call.units;
    values[at + 17] = call.chargeScaled;
    values[at + 18] = call.chakuwariEligible ? 1 : 0;
    values[at + 19] = late ? 1 : 0;
  }

  reject(line: number, code: string, message: string, raw: string): void {
    this.insertReject.run(this.fileId, line, code, message, raw);
  }

  duplicate(line: number, recordId: string): void {
    this.insertDuplicate.run(this.fileId, line, recordId);
  }

  /** A record the input profile says is not a call, with the profile's reason. */
  skip(line: number, reason: string): void {
    this.insertSkip.run(this.fileId, line, reason);
  }

  addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): void {
    addTotals(this.db, typeTotals, chakuwariTotals);
  }
}

/** Adds sums to the stored monthly totals (a row not there yet starts from zero). */
export function addTotals(db: Db, typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): void {
  const addTypeTotal = db.prepare(`
    INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, month, number, call_type) DO UPDATE SET
      calls = calls + excluded.calls,
      duration_tenths = duration_tenths + excluded.duration_tenths,
      charge_scaled = charge_scaled + excluded.charge_scaled`);
  const addChakuwariTotal = db.prepare(`
    INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, month, number) DO UPDATE SET
      calls = calls + excluded.calls,
      duration_tenths = duration_tenths + excluded.duration_tenths,
      duration_ms = duration_ms + excluded.duration_ms`);
  for (const total of typeTotals) {
    addTypeTotal.run(total.contractId, total.month, total.number, total.type, total.calls, total.durationTenths, total.chargeScaled);
  }
  for (const total of chakuwariTotals) {
    addChakuwariTotal.run(total.contractId, total.month, total.number, total.calls, total.durationTenths, total.durationMs);
  }
}

export function readNumberTypeTotals(db: Db, contractId: string, month: string): NumberTypeTotal[] {
  const rows = db
    .prepare(
      `SELECT contract_id AS contractId, month, number, call_type AS type, calls, duration_tenths AS durationTenths,
              charge_scaled AS chargeScaled
         FROM number_type_totals WHERE contract_id = ? AND month = ? ORDER BY number, call_type`,
    )
    .all(contractId, month) as Record<string, unknown>[];
  return rows.map((row) => readable(db, row, typeTotalProblem, typeTotalKey)) as unknown as NumberTypeTotal[];
}

export function readChakuwariTotals(db: Db, contractId: string, month: string): ChakuwariTotal[] {
  const rows = db
    .prepare(
      `SELECT contract_id AS contractId, month, number, calls, duration_tenths AS durationTenths, duration_ms AS durationMs
         FROM chakuwari_totals WHERE contract_id = ? AND month = ? ORDER BY number`,
    )
    .all(contractId, month) as Record<string, unknown>[];
  return rows.map((row) => readable(db, row, chakuwariTotalProblem, chakuwariTotalKey)) as unknown as ChakuwariTotal[];
}

/** A totals row as stored, or, if a value is not what meisai writes, a failed run: never a wrong figure. */
function readable(
  db: Db,
  row: Record<string, unknown>,
  problemOf: (row: Record<string, unknown>) => string | null,
  keyOf: (row: Record<string, unknown>) => string,
): Record<string, unknown> {
  const problem = problemOf(row);
  if (problem === null) return row;
  throw damagedRowError(storePath(db), keyOf(row), problem);
}

/** Months in which the contract has calls to show, newest first. */
export function readStatementMonths(db: Db, contractId: string): string[] {
  return (
    db
      .prepare(
        `SELECT month FROM number_type_totals WHERE contract_id = ?
         UNION SELECT month FROM chakuwari_totals WHERE contract_id = ?
         ORDER BY month DESC`,
      )
      .all(contractId, contractId) as { month: string }[]
  ).map((row) => row.month);
}

/** Contracts with statement figures in a month. */
export function readMonthContracts(db: Db, month: string): string[] {
  return (
    db
      .prepare('SELECT contract_id FROM number_type_totals WHERE month = ? UNION SELECT contract_id FROM chakuwari_totals WHERE month = ? ORDER BY 1')
      .all(month, month) as { contract_id: string }[]
  ).map((row) => row.contract_id);
}
