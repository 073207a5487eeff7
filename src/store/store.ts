import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { ConfigurationError } from '../errors';
import { CallContent } from '../input/callRecord';
import { RatedCall } from '../rate/rateRecord';
import { CallType } from '../rate/callType';
import { PROJECT_ROOT } from '../reference/referenceData';
import { MIGRATIONS } from './migrations';

export const DEFAULT_DB_PATH = join(PROJECT_ROOT, 'data', 'meisai.sqlite');

export type Db = Database.Database;

export function resolveDbPath(path?: string): string {
  return path ?? process.env.MEISAI_DB ?? DEFAULT_DB_PATH;
}

/** Opens (creating on first use) the SQLite store and brings its schema up to date. */
export function openStore(path = resolveDbPath()): Db {
  let db: Db;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (error) {
    throw new ConfigurationError(`cannot open the store ${path}: ${(error as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 16 MiB of page cache: enough for the hot end of the calls tree (ingest appends in record_id
  // order) and the totals; more buys no speed and counts against the 256 MB memory budget.
  db.pragma('cache_size = -16384');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(...MIGRATIONS.map((migration) => migration.version));
  if (newest > known) {
    throw new ConfigurationError(`the store has schema version ${newest}, newer than this meisai knows (${known})`);
  }
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.description,
        new Date().toISOString(),
      );
    })();
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
}

export function finishFile(db: Db, fileId: number, outcome: FileOutcome): void {
  db.prepare(
    `UPDATE files SET sha256 = ?, bytes = ?, encoding = ?, records_read = ?, accepted = ?, rejected = ?, duplicates = ?, late = ?
      WHERE file_id = ?`,
  ).run(outcome.sha256, outcome.bytes, outcome.encoding, outcome.read, outcome.accepted, outcome.rejected, outcome.duplicates, outcome.late, fileId);
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
  return (
    db
      .prepare(
        `SELECT contract_id AS contractId, month, number, call_type AS type, calls, duration_tenths AS durationTenths,
                charge_scaled AS chargeScaled
           FROM number_type_totals WHERE contract_id = ? AND month = ? ORDER BY number, call_type`,
      )
      .all(contractId, month) as (NumberTypeTotal & { type: CallType })[]
  );
}

export function readChakuwariTotals(db: Db, contractId: string, month: string): ChakuwariTotal[] {
  return db
    .prepare(
      `SELECT contract_id AS contractId, month, number, calls, duration_tenths AS durationTenths, duration_ms AS durationMs
         FROM chakuwari_totals WHERE contract_id = ? AND month = ? ORDER BY number`,
    )
    .all(contractId, month) as ChakuwariTotal[];
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
