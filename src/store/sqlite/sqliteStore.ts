import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { SubscriptionBook } from '../../subscription/subscriptions';
import { importSubscriptions, readContractSubscriptions, readSubscriptionBook } from './subscriptions';
import { countUnrecyclableRejects, markRecycled, readRecyclableRejects, updateReject } from './recycle';
import { readRejects } from './rejects';
import { duplicatesOf, fileCalls, filesMatching, recordIdsElsewhere, removeFile } from './fileRemoval';
import { importCustomers, insertInvoice, nextInvoiceSequence, readCustomers, readInvoices } from './billing';
import { addStoredTotals, writeTotalsDiff } from './totalsDiff';
import { CustomerLine } from '../listingTypes';
import { Subscription } from '../../subscription/subscriptions';
import { CallRecord } from '../../input/callRecord';
import { japanMonth } from '../../time/japanTime';
import { duplicateScopeMonths } from '../duplicateScope';
import { KeyTable, loadMonthKeys, recordKey, writeKeyPart } from './callKeys';
import { SqliteFileTransaction } from './sqliteFileTransaction';
import { Db, openStore, StoreAccess } from './connection';
import {
  FileClaim,
  FileOutcome,
  FileRow,
  FileStart,
  FileTransaction,
  CallShare,
  MonthScope,
  RecyclableReject,
  RecycledCall,
  RejectFilter,
  StoredReject,
  StoredSubscription,
  SubscriptionsImported,
  CustomersImported,
  InvoiceFilter,
  StoredInvoice,
  Rerating,
  RevisionRow,
  Store,
  StoreReader,
  StoreWriter,
  TotalsDiff,
  StoredCallIdentity,
  FileCall,
  FileRemoval,
  FileRemovalCounts,
  FileSelector,
  StoredDuplicate,
  StoredFile,
} from '../types';
import { SqliteReader } from './sqliteReader';
import { sqliteMonthCallShares } from './callShares';

/**
 * The embedded engine: one SQLite file, one connection. Its queries are in this folder: reads in
 * sqliteReader.ts, a file's writes in sqliteFileTransaction.ts, the rest beside them (billing.ts,
 * subscriptions.ts, recycle.ts, …); the row ⇄ value mapping of each table is written once
 * (../rows.ts). better-sqlite3 is synchronous, so each method does its work at once and returns
 * a settled promise.
 */
export class SqliteStore extends SqliteReader implements Store {
  /** Opens the SQLite store at a path (see openStore: checks, migrations, read-only access). */
  static open(path: string, access: StoreAccess): SqliteStore {
    return new SqliteStore(openStore(path, access));
  }

  constructor(db: Db) {
    super(db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- subscriptions, rejects and recycle (their SQL: subscriptions.ts, rejects.ts, recycle.ts)

  async subscriptionBook(): Promise<SubscriptionBook> {
    return readSubscriptionBook(this.db);
  }

  async contractSubscriptions(contractId: string): Promise<StoredSubscription[]> {
    return readContractSubscriptions(this.db, contractId);
  }

  async importSubscriptions(
    subscriptions: readonly Subscription[],
    importedFrom: string,
    importedAt: string,
  ): Promise<SubscriptionsImported> {
    return importSubscriptions(this.db, subscriptions, importedFrom, importedAt);
  }

  // ---- customers and invoices (their SQL: billing.ts)

  async customers(contractId: string | null): Promise<CustomerLine[]> {
    return readCustomers(this.db, contractId);
  }

  async importCustomers(
    customers: readonly CustomerLine[],
    importedFrom: string,
    importedAt: string,
  ): Promise<CustomersImported> {
    return importCustomers(this.db, customers, importedFrom, importedAt);
  }

  async invoices(filter: InvoiceFilter): Promise<StoredInvoice[]> {
    return readInvoices(this.db, filter);
  }

  async nextInvoiceSequence(issuer: string): Promise<number> {
    return nextInvoiceSequence(this.db, issuer);
  }

  async insertInvoice(invoice: StoredInvoice): Promise<void> {
    insertInvoice(this.db, invoice);
  }

  async rejects(filter: RejectFilter): Promise<StoredReject[]> {
    return readRejects(this.db, filter);
  }

  async recyclableRejects(codes: readonly string[]): Promise<RecyclableReject[]> {
    return readRecyclableRejects(this.db, codes);
  }

  async rejectsWithoutRecord(codes: readonly string[]): Promise<number> {
    return countUnrecyclableRejects(this.db, codes);
  }

  async acceptRecycled(recycled: readonly RecycledCall[]): Promise<void> {
    for (const one of recycled) {
      const transaction = new SqliteFileTransaction(this, one.reject.fileId);
      await transaction.writeBatch({
        calls: [{ call: one.call, line: one.reject.line, late: one.late }],
        rejects: [],
        duplicates: [],
        skips: [],
      });
      transaction.flushIndexes();
      markRecycled(this.db, one);
    }
  }

  async updateReject(reject: Pick<RecyclableReject, 'fileId' | 'line'>, code: string, message: string): Promise<void> {
    updateReject(this.db, reject, code, message);
  }

  // ---- files remove (its SQL: fileRemoval.ts)

  async filesMatching(selector: FileSelector): Promise<StoredFile[]> {
    return filesMatching(this.db, selector);
  }

  async fileCalls(fileId: number): Promise<FileCall[]> {
    return fileCalls(this.db, fileId);
  }

  async recordIdsElsewhere(recordIds: readonly string[], exceptFileId: number): Promise<Set<string>> {
    return recordIdsElsewhere(this.db, recordIds, exceptFileId);
  }

  async duplicatesOf(recordIds: readonly string[], exceptFileId: number): Promise<StoredDuplicate[]> {
    return duplicatesOf(this.db, recordIds, exceptFileId);
  }

  async lockMonths(): Promise<boolean> {
    // The writer holds the store's lock file: no ingest runs meanwhile.
    return false;
  }

  async removeFile(removal: FileRemoval): Promise<FileRemovalCounts> {
    return removeFile(this.db, removal);
  }

  async schemaVersion(): Promise<number> {
    return (
      (this.sql('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }).version ??
      0
    );
  }

  // ---- files and ingest

  async hasFileOfSize(bytes: number): Promise<boolean> {
    return this.sql('SELECT 1 FROM files WHERE bytes = ? LIMIT 1').get(bytes) !== undefined;
  }

  async findFileBySha(sha256: string): Promise<FileRow | undefined> {
    return this.findFile(sha256);
  }

  private findFile(sha256: string): FileRow | undefined {
    return this.sql(
      'SELECT file_id AS fileId, name, sha256, ingested_at AS ingestedAt FROM files WHERE sha256 = ?',
    ).get(sha256) as FileRow | undefined;
  }

  async claimFile(): Promise<FileClaim> {
    // One writer holds the store's lock file: there is no other worker to keep out.
    return { release: async () => undefined };
  }

  async claimedElsewhere(): Promise<boolean> {
    return false;
  }

  async beginFile(file: FileStart): Promise<FileTransaction> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.checkKeyTables();
      // The hash, size and encoding are known once the file is read through: set by finish().
      const fileId = Number(
        this.sql(
          `INSERT INTO files (name, sha256, bytes, encoding, source, ingested_at, records_read, accepted, rejected, duplicates)
                  VALUES (?, ?, 0, 'utf8', ?, ?, 0, 0, 0, 0)`,
        ).run(file.name, `pending:${randomUUID()}`, file.source, file.ingestedAt).lastInsertRowid,
      );
      return new SqliteFileTransaction(this, fileId);
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * The stored sightings of these calls' record_ids within the duplicate scope (duplicateScope.ts),
   * committed and of the file being written so far, by record_id: the de-duplication rule of
   * ingest and recycle alike. Each call's key is looked up in the key tables of its month and
   * the months on either side; a key found is a candidate, confirmed by the stored record_id.
   */
  async storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>> {
    const found = new Map<string, StoredCallIdentity[]>();
    const asked = new Set<string>();
    const wanted = new Set<number>();
    let lastMonth = '';
    let tables: KeyTable[] = [];
    for (const call of calls) {
      const month = japanMonth(call.startMs);
      // A batch's calls mostly share a month: its three key tables are looked up once per change.
      if (month !== lastMonth) {
        lastMonth = month;
        tables = duplicateScopeMonths(month).map((scopeMonth) => this.monthKeys(scopeMonth));
      }
      const key = recordKey(call.recordId);
      let candidates = 0;
      for (const table of tables) candidates += table.addCandidates(key, wanted);
      // Only a record with a candidate can match a stored row (its key is the row's): no set of every record_id asked.
      if (candidates > 0) asked.add(call.recordId);
    }
    if (wanted.size === 0) return found;
    for (const row of this.sql(FIND_CALLS).all(JSON.stringify([...wanted])) as (StoredCallIdentity & {
      callId: number;
      recordId: string;
    })[]) {
      // A key is a candidate only: the record_id must be one asked for (settleBatch keeps the sightings in each call's scope).
      if (!asked.has(row.recordId)) continue;
      const { callId: _callId, ...identity } = row;
      const sightings = found.get(row.recordId);
      if (sightings === undefined) found.set(row.recordId, [identity]);
      else sightings.push(identity);
    }
    return found;
  }

  /**
   * The de-duplication keys of a month's calls (callKeys.ts), read once and kept up to date by
   * this connection's writes; dropped when a transaction rolls back. Only the store's one writer
   * (it holds the lock) writes calls, so what is kept stays true across its files.
   */
  monthKeys(month: string): KeyTable {
    let table = this.keyTables.get(month);
    if (table === undefined) {
      table = loadMonthKeys(this.db, month);
      this.keyTables.set(month, table);
    }
    return table;
  }

  private readonly keyTables = new Map<string, KeyTable>();
  /** The newest key part when the key tables were last known true (null: none kept). */
  private keyTablesAsOf: number | null = null;

  /** Inside a write transaction: drops the kept key tables if any other connection added calls since. */
  private checkKeyTables(): void {
    if (this.keyTables.size > 0 && this.latestKeyPart() !== this.keyTablesAsOf) this.keyTables.clear();
  }

  /** Before a commit: the kept key tables are true as of the newest part. */
  private noteKeyTables(): void {
    this.keyTablesAsOf = this.latestKeyPart();
  }

  private latestKeyPart(): number {
    return (this.sql('SELECT COALESCE(MAX(part_id), 0) AS part FROM call_keys').get() as { part: number }).part;
  }

  /** @internal the call_id after the store's last. */
  nextCallId(): number {
    return (this.sql('SELECT COALESCE(MAX(call_id), 0) + 1 AS next FROM call_rows').get() as { next: number }).next;
  }

  /** @internal */
  writeKeyPart(month: string, fileId: number, keys: Buffer, callIds: Buffer, contracts: string[]): void {
    writeKeyPart(this.db, month, fileId, keys, callIds, contracts);
  }

  /** @internal for SqliteFileTransaction */
  fileTransactionSql(text: string): Database.Statement {
    return this.sql(text);
  }

  /** @internal */
  finishFile(fileId: number, outcome: FileOutcome, writeIndexes: () => Set<string>): 'applied' | 'already-ingested' {
    if (this.findFile(outcome.sha256) !== undefined) {
      this.rollbackFile();
      return 'already-ingested';
    }
    const months = writeIndexes();
    this.noteKeyTables();
    this.sql(
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
    this.db.exec('COMMIT');
    this.keepKeyTables(months);
    return 'applied';
  }

  /** Keeps the key tables of these months and their neighbours only (those the next file most likely looks up). */
  private keepKeyTables(months: Set<string>): void {
    const kept = new Set([...months].flatMap(duplicateScopeMonths));
    for (const month of this.keyTables.keys()) if (!kept.has(month)) this.keyTables.delete(month);
  }

  /** @internal */
  rollbackFile(): void {
    this.keyTables.clear();
    this.values.forget();
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  async addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void> {
    this.addTotalsNow(typeTotals, chakuwariTotals);
  }

  /** Adds sums to the stored monthly totals (`addStoredTotals`); one past the bound fails the file. */
  addTotalsNow(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): void {
    addStoredTotals((text) => this.sql(text), typeTotals, chakuwariTotals);
  }

  // ---- transactions

  async transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.checkKeyTables();
      const result = await work(this);
      this.noteKeyTables();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.rollbackFile();
      throw error;
    }
  }

  async readTransaction<T>(work: (reader: StoreReader) => Promise<T>): Promise<T> {
    this.db.exec('BEGIN');
    try {
      return await work(this);
    } finally {
      // Nothing was written: a damaged store whose COMMIT fails does not lose what was read.
      if (this.db.inTransaction) {
        try {
          this.db.exec('COMMIT');
        } catch {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        }
      }
    }
  }

  // ---- statements, re-rating and reconciliation writes (their reads: SqliteReader)

  monthCallShares(scope: MonthScope, minCalls: number): { here: CallShare; elsewhere: CallShare } | null {
    return sqliteMonthCallShares(this.db, this.location, scope, minCalls);
  }

  async markMonthClosed(month: string, closedAt: string): Promise<void> {
    this.sql('INSERT INTO closed_months (month, closed_at) VALUES (?, ?)').run(month, closedAt);
  }

  async insertRevision(row: RevisionRow): Promise<void> {
    this.sql(
      'INSERT INTO statements (contract_id, month, revision, created_at, reason, statement_json, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(row.contractId, row.month, row.revision, row.createdAt, row.reason, row.statementJson, row.sha256);
  }

  async applyReratings(reratings: Rerating[]): Promise<void> {
    const update = this.sql(`
      UPDATE call_rows SET peer_class = ?, tariff_id = ?, numbering_plan_id = ?, rate_id = ?, rate_prefix = ?, units = ?,
                       charge_scaled = ?, chakuwari_eligible = ?, unrated_code = NULL, late = 0, plan_id = ?, charge_remainder_parts = ?
       WHERE call_id = ?`);
    const markUnrated = this.sql('UPDATE call_rows SET unrated_code = ?, late = 0 WHERE call_id = ?');
    const values = this.values;
    for (const rerating of reratings) {
      const callId = rerating.storeRow;
      if (callId === undefined)
        throw new Error(`re-rating of ${rerating.recordId} without the call_id monthCallBatches gave it`);
      if ('unratedCode' in rerating) {
        markUnrated.run(values.code(rerating.unratedCode), callId);
        continue;
      }
      const rated = rerating.rated;
      update.run(
        values.code(rated.peerClass),
        values.code(rated.tariffId),
        values.code(rated.numberingPlanId),
        values.codeOrNull(rated.rateId),
        values.codeOrNull(rated.ratePrefix),
        rated.units,
        rated.chargeScaled,
        rated.chakuwariEligible ? 1 : 0,
        values.codeOrNull(rated.planId),
        rated.chargeRemainderParts,
        callId,
      );
    }
  }

  async applyTotalsDiff(scope: MonthScope, diff: TotalsDiff): Promise<void> {
    writeTotalsDiff(this.db, scope, diff);
  }
}

const FIND_CALLS = `SELECT c.call_id AS callId, c.record_id AS recordId, c.contract_id AS contractId, c.number, c.direction, c.peer,
         c.start_ms AS startMs, c.duration_ms AS durationMs, f.name AS fileName, c.line
    FROM calls c JOIN files f ON f.file_id = c.file_id
   WHERE c.call_id IN (SELECT value FROM json_each(?))`;
