import { RERATE_BATCH } from '../rows';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { ChakuwariTotal, NumberTypeTotal, TotalledCall } from '../../aggregate/monthlyTotals';
import { SubscriptionBook } from '../../subscription/subscriptions';
import { importSubscriptions, readContractSubscriptions, readSubscriptionBook } from './subscriptions';
import { countUnrecyclableRejects, markRecycled, readRecyclableRejects, updateReject } from './recycle';
import { readRejects } from './rejects';
import { Subscription } from '../../subscription/subscriptions';
import { CallRecord } from '../../input/callRecord';
import { japanMonth } from '../../time/japanTime';
import { duplicateScopeMonths } from '../duplicateScope';
import { CallValues, decodeRows } from './callValues';
import { KeyTable, loadMonthKeys, monthRanges, recordKey, writeKeyPart } from './callKeys';
import {
  callProblem,
  chakuwariTotalKey,
  chakuwariTotalProblem,
  damagedRowError,
  integerProblem,
  keyText,
  problems,
  readableCalls,
  textProblem,
  typeTotalKey,
  typeTotalProblem,
} from '../rowChecks';
import { readableRows, storedCallFromRow, totalsDiff } from '../rows';
import { pastBound, totalsPastBound } from '../totalsBound';
import { TotalsBoundError } from '../../errors';
import { SqliteFileTransaction } from './sqliteFileTransaction';
import { doubleBilledCalls } from './doubleBilled';
import { Db, openStore, storePath, StoreAccess } from './connection';
import {
  AcceptedCall,
  CallDetailsRequest,
  DoubleBilled,
  FileClaim,
  FileControls,
  FileOutcome,
  FileRow,
  FileStart,
  FileTransaction,
  HeldOutCalls,
  IntegrityReport,
  IssuedRevision,
  MonthScope,
  RecyclableReject,
  RecycledCall,
  RejectFilter,
  StoredReject,
  StoredSubscription,
  SubscriptionsImported,
  MonthTotals,
  Rerating,
  RevisionRow,
  Store,
  StoreReader,
  StoreWriter,
  StoredCall,
  StoredCallDetail,
  TotalsDiff,
  StoredCallIdentity,
} from '../types';

/**
 * The embedded engine: one SQLite file, one connection. Every query of meisai's SQLite store is
 * here; the row ⇄ value mapping of each table is written once. better-sqlite3 is synchronous,
 * so each method does its work at once and returns a settled promise.
 */
export class SqliteStore implements Store {
  /** Opens the SQLite store at a path (see openStore: checks, migrations, read-only access). */
  static open(path: string, access: StoreAccess): SqliteStore {
    return new SqliteStore(openStore(path, access));
  }

  readonly engine = 'sqlite' as const;
  readonly location: string;
  private readonly statements = new Map<string, Database.Statement>();

  /** The codes of the calls' repeated values (call_values). */
  readonly values: CallValues;

  constructor(readonly db: Db) {
    this.location = storePath(db);
    this.values = new CallValues(db);
  }

  /** A prepared statement, prepared once per connection. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
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

  async importSubscriptions(subscriptions: readonly Subscription[], importedFrom: string, importedAt: string): Promise<SubscriptionsImported> {
    return importSubscriptions(this.db, subscriptions, importedFrom, importedAt);
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
      await transaction.writeBatch({ calls: [{ call: one.call, line: one.reject.line, late: one.late }], rejects: [], duplicates: [], skips: [] });
      transaction.flushIndexes();
      markRecycled(this.db, one);
    }
  }

  async updateReject(reject: Pick<RecyclableReject, 'fileId' | 'line'>, code: string, message: string): Promise<void> {
    updateReject(this.db, reject, code, message);
  }

  async schemaVersion(): Promise<number> {
    return (this.sql('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }).version ?? 0;
  }

  // ---- files and ingest

  async hasFileOfSize(bytes: number): Promise<boolean> {
    return this.sql('SELECT 1 FROM files WHERE bytes = ? LIMIT 1').get(bytes) !== undefined;
  }

  async findFileBySha(sha256: string): Promise<FileRow | undefined> {
    return this.findFile(sha256);
  }

  private findFile(sha256: string): FileRow | undefined {
    return this.sql('SELECT file_id AS fileId, name, sha256, ingested_at AS ingestedAt FROM files WHERE sha256 = ?').get(sha256) as FileRow | undefined;
  }

  async claimFile(): Promise<FileClaim> {
    // One writer holds the store's lock file: there is no other worker to keep out.
    return { release: async () => undefined };
  }

  async beginFile(file: FileStart): Promise<FileTransaction> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.checkKeyTables();
      // The hash, size and encoding are known once the file is read through: set by finish().
      const fileId = Number(
        this.sql(`INSERT INTO files (name, sha256, bytes, encoding, source, ingested_at, records_read, accepted, rejected, duplicates)
                  VALUES (?, ?, 0, 'utf8', ?, ?, 0, 0, 0, 0)`).run(file.name, `pending:${randomUUID()}`, file.source, file.ingestedAt).lastInsertRowid,
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
      asked.add(call.recordId);
      for (const table of tables) for (const callId of table.candidates(key)) wanted.add(callId);
    }
    if (wanted.size === 0) return found;
    for (const row of this.sql(FIND_CALLS).all(JSON.stringify([...wanted])) as (StoredCallIdentity & { callId: number; recordId: string })[]) {
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
      outcome.sha256, outcome.bytes, outcome.encoding, outcome.read, outcome.accepted, outcome.rejected, outcome.duplicates, outcome.late,
      outcome.skipped, outcome.profile, fileId,
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

  /** Adds sums to the stored monthly totals (a row not there yet starts from zero). */
  addTotalsNow(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): void {
    const addTypeTotal = this.sql(`
      INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (contract_id, month, number, call_type) DO UPDATE SET
        calls = calls + excluded.calls,
        duration_tenths = duration_tenths + excluded.duration_tenths,
        charge_scaled = charge_scaled + excluded.charge_scaled,
        charge_remainder_parts = charge_remainder_parts + excluded.charge_remainder_parts
      RETURNING calls, duration_tenths, charge_scaled, charge_remainder_parts`).raw();
    const addChakuwariTotal = this.sql(`
      INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (contract_id, month, number) DO UPDATE SET
        calls = calls + excluded.calls,
        duration_tenths = duration_tenths + excluded.duration_tenths,
        duration_ms = duration_ms + excluded.duration_ms
      RETURNING calls, duration_tenths, duration_ms`).raw();
    // Each row's new sums come back from its upsert: one past the bound fails the file (rolled back whole).
    for (const total of typeTotals) {
      const sums = addTypeTotal.get(total.contractId, total.month, total.number, total.type, total.calls, total.durationTenths, total.chargeScaled, total.chargeRemainderParts) as number[];
      if (pastBound(sums[0]!) || pastBound(sums[1]!) || pastBound(sums[2]!) || pastBound(sums[3]!)) {
        const [calls, durationTenths, chargeScaled, chargeRemainderParts] = sums as [number, number, number, number];
        throw new TotalsBoundError(totalsPastBound([{ ...total, calls, durationTenths, chargeScaled, chargeRemainderParts }], [])!);
      }
    }
    for (const total of chakuwariTotals) {
      const sums = addChakuwariTotal.get(total.contractId, total.month, total.number, total.calls, total.durationTenths, total.durationMs) as number[];
      if (pastBound(sums[0]!) || pastBound(sums[1]!) || pastBound(sums[2]!)) {
        const [calls, durationTenths, durationMs] = sums as [number, number, number];
        throw new TotalsBoundError(totalsPastBound([], [{ ...total, calls, durationTenths, durationMs }])!);
      }
    }
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

  // ---- statements and months

  async closedMonths(): Promise<Set<string>> {
    return new Set((this.sql('SELECT month FROM closed_months').all() as { month: string }[]).map((row) => row.month));
  }

  async isMonthClosed(month: string): Promise<boolean> {
    return this.sql('SELECT 1 FROM closed_months WHERE month = ?').get(month) !== undefined;
  }

  async markMonthClosed(month: string, closedAt: string): Promise<void> {
    this.sql('INSERT INTO closed_months (month, closed_at) VALUES (?, ?)').run(month, closedAt);
  }

  async monthContracts(month: string): Promise<string[]> {
    return (
      this.sql('SELECT contract_id FROM number_type_totals WHERE month = ? UNION SELECT contract_id FROM chakuwari_totals WHERE month = ? ORDER BY 1').all(
        month,
        month,
      ) as { contract_id: string }[]
    ).map((row) => row.contract_id);
  }

  async statementMonths(contractId: string): Promise<string[]> {
    return (
      this.sql(
        `SELECT month FROM number_type_totals WHERE contract_id = ?
         UNION SELECT month FROM chakuwari_totals WHERE contract_id = ?
         ORDER BY month DESC`,
      ).all(contractId, contractId) as { month: string }[]
    ).map((row) => row.month);
  }

  async contractTotals(contractId: string, month: string): Promise<MonthTotals> {
    const typeRows = this.sql(
      `SELECT contract_id AS contractId, month, number, call_type AS type, calls, duration_tenths AS durationTenths,
              charge_scaled AS chargeScaled, charge_remainder_parts AS chargeRemainderParts
         FROM number_type_totals WHERE contract_id = ? AND month = ? ORDER BY number, call_type`,
    ).all(contractId, month) as Record<string, unknown>[];
    const chakuwariRows = this.sql(
      `SELECT contract_id AS contractId, month, number, calls, duration_tenths AS durationTenths, duration_ms AS durationMs
         FROM chakuwari_totals WHERE contract_id = ? AND month = ? ORDER BY number`,
    ).all(contractId, month) as Record<string, unknown>[];
    return {
      typeTotals: typeRows.map((row) => this.readable(row, typeTotalProblem, typeTotalKey)) as unknown as NumberTypeTotal[],
      chakuwariTotals: chakuwariRows.map((row) => this.readable(row, chakuwariTotalProblem, chakuwariTotalKey)) as unknown as ChakuwariTotal[],
    };
  }

  /** A row as stored, or, if a value is not what meisai writes, a failed run: never a wrong figure. */
  private readable(
    row: Record<string, unknown>,
    problemOf: (row: Record<string, unknown>) => string | null,
    keyOf: (row: Record<string, unknown>) => string,
  ): Record<string, unknown> {
    const problem = problemOf(row);
    if (problem === null) return row;
    throw damagedRowError(this.location, keyOf(row), problem);
  }

  private static readonly SELECT_REVISION = `SELECT contract_id AS contractId, month, revision, created_at AS createdAt, reason,
                                                    statement_json AS statementJson, sha256
                                               FROM statements`;

  async latestRevision(contractId: string, month: string): Promise<RevisionRow | undefined> {
    return this.sql(`${SqliteStore.SELECT_REVISION} WHERE contract_id = ? AND month = ? ORDER BY revision DESC LIMIT 1`).get(contractId, month) as
      | RevisionRow
      | undefined;
  }

  async revision(contractId: string, month: string, revision: number): Promise<RevisionRow | undefined> {
    return this.sql(`${SqliteStore.SELECT_REVISION} WHERE contract_id = ? AND month = ? AND revision = ?`).get(contractId, month, revision) as
      | RevisionRow
      | undefined;
  }

  async insertRevision(row: RevisionRow): Promise<void> {
    this.sql('INSERT INTO statements (contract_id, month, revision, created_at, reason, statement_json, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      row.contractId,
      row.month,
      row.revision,
      row.createdAt,
      row.reason,
      row.statementJson,
      row.sha256,
    );
  }

  // ---- re-rating

  async *monthCallBatches(scope: MonthScope): AsyncIterable<StoredCall[]> {
    const columns = `c.record_id AS recordId, c.contract_id AS contractId, c.number, c.direction, c.peer, c.peer_is_number AS peerIsNumber,
              c.start_ms AS startMs, c.duration_ms AS durationMs, c.late, c.peer_class AS peerClass, c.tariff_id AS tariffId,
              c.numbering_plan_id AS numberingPlanId, c.rate_id AS rateId, c.rate_prefix AS ratePrefix, c.units, c.charge_scaled AS chargeScaled,
              c.chakuwari_eligible AS chakuwariEligible, c.unrated_code AS unratedCode, c.plan_id AS planId,
              c.charge_remainder_parts AS chargeRemainderParts`;
    const build = (r: unknown[]): Record<string, unknown> => ({
      callId: r[0], recordId: r[1], contractId: r[2], number: r[3], direction: r[4], peer: r[5], peerIsNumber: r[6], startMs: r[7], durationMs: r[8],
      late: r[9], peerClass: r[10], tariffId: r[11], numberingPlanId: r[12], rateId: r[13], ratePrefix: r[14], units: r[15], chargeScaled: r[16],
      chakuwariEligible: r[17], unratedCode: r[18], planId: r[19], chargeRemainderParts: r[20],
    });
    for (const rows of this.scopeRows(scope, columns, build)) {
      yield readableCalls(this.location, decodeRows(this.values, rows)).map((row) => {
        const call = storedCallFromRow(row);
        call.storeRow = row.callId as number;
        return call;
      });
    }
  }

  /**
   * The scope's calls rows (these columns of calls \`c\`, and its call_id as callId), in call_id
   * order, RERATE_BATCH at a time: a contract-month is a range of call_index per key part; a whole month the
   * call_id ranges of its key parts (sequential reads of the rows the month's files appended).
   * No statement stays open while the caller writes. Rows are read as arrays (better-sqlite3's
   * row objects cost twice the time) and made objects by `build`, in the order of `columns`.
   */
  private *scopeRows(scope: MonthScope, columns: string, build: (raw: unknown[]) => Record<string, unknown>, filter = ''): Generator<Record<string, unknown>[]> {
    const read = (select: Database.Statement, parameters: Record<string, unknown>): Record<string, unknown>[] =>
      (select.raw(true).all(parameters) as unknown[][]).map(build);
    if (scope.contractId !== null) {
      const select = this.sql(
        `SELECT c.call_id AS callId, ${columns} FROM ${CONTRACT_MONTH_CALLS} JOIN call_rows c ON c.call_id = i.call_id
          WHERE k.month = @month AND i.call_id > @after ${filter}
          ORDER BY i.call_id LIMIT ${RERATE_BATCH}`,
      );
      yield* batchesAfter(0, Number.MAX_SAFE_INTEGER, (after) => read(select, { ...scopeParameters(scope), after }));
      return;
    }
    const month = this.values.find(scope.month);
    if (month === undefined) return;
    const select = this.sql(
      `SELECT c.call_id AS callId, ${columns} FROM call_rows c
        WHERE c.call_id > @after AND c.call_id <= @last AND c.month = @month ${filter}
        ORDER BY c.call_id LIMIT ${RERATE_BATCH}`,
    );
    for (const range of monthRanges(this.db, scope.month)) {
      yield* batchesAfter(range.first - 1, range.last, (after) => read(select, { month, after, last: range.last }));
    }
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
      if (callId === undefined) throw new Error(`re-rating of ${rerating.recordId} without the call_id monthCallBatches gave it`);
      if ('unratedCode' in rerating) {
        markUnrated.run(values.code(rerating.unratedCode), callId);
        continue;
      }
      const rated = rerating.rated;
      update.run(
        values.code(rated.peerClass), values.code(rated.tariffId), values.code(rated.numberingPlanId), values.codeOrNull(rated.rateId),
        values.codeOrNull(rated.ratePrefix), rated.units, rated.chargeScaled, rated.chakuwariEligible ? 1 : 0, values.codeOrNull(rated.planId),
        rated.chargeRemainderParts, callId,
      );
    }
  }

  async applyTotalsDiff(scope: MonthScope, diff: TotalsDiff): Promise<void> {
    // Only what differs is written: a re-rate that changes a few calls rewrites a few rows.
    const setType = this.sql(`
      INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (contract_id, month, number, call_type) DO UPDATE SET
        calls = excluded.calls, duration_tenths = excluded.duration_tenths, charge_scaled = excluded.charge_scaled,
        charge_remainder_parts = excluded.charge_remainder_parts`);
    const setChakuwari = this.sql(`
      INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (contract_id, month, number) DO UPDATE SET
        calls = excluded.calls, duration_tenths = excluded.duration_tenths, duration_ms = excluded.duration_ms`);
    const deleteType = this.sql('DELETE FROM number_type_totals WHERE contract_id = ? AND month = ? AND number = ? AND call_type = ?');
    const deleteChakuwari = this.sql('DELETE FROM chakuwari_totals WHERE contract_id = ? AND month = ? AND number = ?');
    for (const total of diff.typeTotals) {
      setType.run(total.contractId, total.month, total.number, total.type, total.calls, total.durationTenths, total.chargeScaled, total.chargeRemainderParts);
    }
    for (const total of diff.chakuwariTotals) {
      setChakuwari.run(total.contractId, total.month, total.number, total.calls, total.durationTenths, total.durationMs);
    }
    for (const row of diff.goneTypeTotals) deleteType.run(row.contractId, scope.month, row.number, row.type);
    for (const row of diff.goneChakuwariTotals) deleteChakuwari.run(row.contractId, scope.month, row.number);
  }

  async diffMonthTotals(scope: MonthScope, totals: MonthTotals): Promise<TotalsDiff> {
    return totalsDiff(await this.storedTotals(scope, []), totals);
  }

  async revisedContracts(scope: MonthScope): Promise<string[]> {
    return (
      this.sql(`SELECT DISTINCT contract_id AS contractId FROM statements WHERE month = @month ${inScope(scope)} ORDER BY 1`).all(
        scopeParameters(scope),
      ) as { contractId: string }[]
    ).map((row) => row.contractId);
  }

  // ---- reconciliation

  async *billedCalls(scope: MonthScope, unreadable: string[]): AsyncIterable<TotalledCall[]> {
    // Only the columns the totals are made of (and the row's identity, for a message).
    const columns = `c.record_id AS recordId, c.file_id AS fileId, c.line, c.contract_id AS contractId, c.month, c.number, c.direction,
                     c.peer_class AS peerClass, c.duration_ms AS durationMs, c.charge_scaled AS chargeScaled,
                     c.charge_remainder_parts AS chargeRemainderParts, c.chakuwari_eligible AS chakuwariEligible`;
    const build = (r: unknown[]): Record<string, unknown> => ({
      callId: r[0], recordId: r[1], fileId: r[2], line: r[3], contractId: r[4], month: r[5], number: r[6], direction: r[7], peerClass: r[8],
      durationMs: r[9], chargeScaled: r[10], chargeRemainderParts: r[11], chakuwariEligible: r[12],
    });
    for (const rows of this.scopeRows(scope, columns, build, 'AND c.late = 0 AND c.unrated_code IS NULL')) {
      const batch: TotalledCall[] = [];
      for (const row of decodeRows(this.values, rows)) {
        const problem = callProblem(row);
        if (problem !== null) {
          unreadable.push(`call ${keyText(row.recordId)} (file ${String(row.fileId)}, line ${String(row.line)}): cannot be read: ${problem}`);
          continue;
        }
        row.chakuwariEligible = row.chakuwariEligible === 1;
        batch.push(row as unknown as TotalledCall);
      }
      if (batch.length > 0) yield batch;
    }
  }

  async countCalls(scope: MonthScope): Promise<HeldOutCalls> {
    const rows: { late: number; unratedCode: string | null; calls: number }[] = [];
    const grouped = 'GROUP BY c.late, c.unrated_code ORDER BY c.unrated_code';
    if (scope.contractId !== null) {
      rows.push(
        ...(this.sql(
          `SELECT c.late, c.unrated_code AS unratedCode, COUNT(*) AS calls FROM ${CONTRACT_MONTH_CALLS} JOIN call_rows c ON c.call_id = i.call_id
            WHERE k.month = @month ${grouped}`,
        ).all(scopeParameters(scope)) as typeof rows),
      );
    } else {
      const select = this.sql(
        `SELECT c.late, c.unrated_code AS unratedCode, COUNT(*) AS calls FROM call_rows c
          WHERE c.call_id BETWEEN @first AND @last AND c.month = @month ${grouped}`,
      );
      const month = this.values.find(scope.month);
      for (const range of month === undefined ? [] : monthRanges(this.db, scope.month)) rows.push(...(select.all({ month, ...range }) as typeof rows));
    }
    decodeRows(this.values, rows);
    const counts: HeldOutCalls = { billed: 0, late: 0, unratedByCode: {} };
    for (const row of rows) {
      if (row.unratedCode !== null) counts.unratedByCode[row.unratedCode] = (counts.unratedByCode[row.unratedCode] ?? 0) + row.calls;
      else if (row.late !== 0) counts.late += row.calls;
      else counts.billed += row.calls;
    }
    return counts;
  }

  async storedTotals(scope: MonthScope, unreadable: string[]): Promise<MonthTotals> {
    // A month's totals are 300k rows at 1M calls, held while the month's calls are summed: each
    // repeated text is kept once (rows come in key order, so a contract's and a number's rows are
    // together; the month is the scope's, as the WHERE says).
    const contractId = sameAsLast();
    const number = sameAsLast();
    const type = sameAsLast();
    const typeTotals = (
      this.sql(
        `SELECT contract_id, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts
           FROM number_type_totals WHERE month = @month ${inScope(scope)}`,
      )
        .raw(true)
        .all(scopeParameters(scope)) as unknown[][]
    ).map((r) => ({
      contractId: contractId(r[0]), month: scope.month, number: number(r[1]), type: type(r[2]), calls: r[3], durationTenths: r[4], chargeScaled: r[5],
      chargeRemainderParts: r[6],
    }));
    const chakuwariTotals = (
      this.sql(
        `SELECT contract_id, number, calls, duration_tenths, duration_ms
           FROM chakuwari_totals WHERE month = @month ${inScope(scope)}`,
      )
        .raw(true)
        .all(scopeParameters(scope)) as unknown[][]
    ).map((r) => ({ contractId: contractId(r[0]), month: scope.month, number: number(r[1]), calls: r[2], durationTenths: r[3], durationMs: r[4] }));
    return {
      typeTotals: readableRows(typeTotals, typeTotalProblem, typeTotalKey, unreadable) as unknown as NumberTypeTotal[],
      chakuwariTotals: readableRows(chakuwariTotals, chakuwariTotalProblem, chakuwariTotalKey, unreadable) as unknown as ChakuwariTotal[],
    };
  }

  async contractsOfMonth(scope: MonthScope): Promise<string[]> {
    return (
      this.sql(
        `${scope.contractId === null ? 'SELECT contract_id AS contractId FROM call_index WHERE month = @month' : `SELECT @contract AS contractId WHERE EXISTS (SELECT 1 FROM ${CONTRACT_MONTH_CALLS} WHERE k.month = @month)`}
         UNION SELECT contract_id FROM number_type_totals WHERE month = @month ${inScope(scope)}
         UNION SELECT contract_id FROM chakuwari_totals WHERE month = @month ${inScope(scope)}
         UNION SELECT contract_id FROM statements WHERE month = @month ${inScope(scope)}
         ORDER BY contractId`,
      ).all(scopeParameters(scope)) as { contractId: unknown }[]
    ).map((row) => (typeof row.contractId === 'string' ? row.contractId : keyText(row.contractId)));
  }

  async issuedRevisions(contractId: string, month: string, unreadable: string[]): Promise<IssuedRevision[]> {
    const rows = this.sql(
      `SELECT revision, statement_json AS statementJson, sha256 FROM statements
        WHERE contract_id = ? AND month = ? ORDER BY revision`,
    ).all(contractId, month) as Record<string, unknown>[];
    return readableRows(
      rows,
      (row) => problems(integerProblem('revision', row.revision, 1), textProblem('statement_json', row.statementJson), textProblem('sha256', row.sha256)),
      (row) => `${contractId} ${month}, issued revision ${keyText(row.revision)}`,
      unreadable,
    ) as unknown as IssuedRevision[];
  }

  async fileControls(unreadable: string[]): Promise<FileControls[]> {
    const rows = this.sql(
      `SELECT f.file_id AS fileId, f.name, f.records_read AS recordsRead, f.accepted, f.rejected, f.duplicates, f.recycled, f.skipped,
              COALESCE(c.row_count, 0) AS callRows, COALESCE(r.row_count, 0) AS rejectRows, COALESCE(d.row_count, 0) AS duplicateRows,
              COALESCE(y.row_count, 0) AS recycledRows, COALESCE(s.row_count, 0) AS skipRows
         FROM files f
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM call_rows GROUP BY file_id) c ON c.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM rejects GROUP BY file_id) r ON r.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM duplicates GROUP BY file_id) d ON d.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM recycled GROUP BY file_id) y ON y.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM skips GROUP BY file_id) s ON s.file_id = f.file_id
        ORDER BY f.file_id`,
    ).all() as Record<string, unknown>[];
    const counts = ['recordsRead', 'accepted', 'rejected', 'duplicates', 'recycled', 'skipped'] as const;
    const columns = { recordsRead: 'records_read', accepted: 'accepted', rejected: 'rejected', duplicates: 'duplicates', recycled: 'recycled', skipped: 'skipped' };
    return readableRows(
      rows,
      (row) => problems(textProblem('name', row.name), ...counts.map((count) => integerProblem(columns[count], row[count], 0))),
      (row) => `file ${String(row.fileId)} (${keyText(row.name)})`,
      unreadable,
    ) as unknown as FileControls[];
  }

  async doubleBilled(month: string): Promise<DoubleBilled[]> {
    return doubleBilledCalls(this.db, month);
  }

  async integrityCheck(): Promise<IntegrityReport> {
    const rows = this.db.pragma('quick_check(20)') as { quick_check: unknown }[];
    const found = rows.map((row) => String(row.quick_check));
    return {
      check: 'SQLite quick_check',
      soundMeans: 'pages, b-trees and records of the file are sound',
      whenDamaged: 'the store file is damaged: restore it from a backup; the figures below are read from the damaged file',
      problems: found.length === 1 && found[0] === 'ok' ? [] : found,
    };
  }

  // ---- call details

  async callDetails(request: CallDetailsRequest): Promise<StoredCallDetail[]> {
    const rows = this.sql(
      `SELECT c.record_id AS recordId, c.number, c.direction, c.peer, c.peer_class AS peerClass, c.start_ms AS startMs,
              c.duration_ms AS durationMs, c.tariff_id AS tariffId, c.rate_id AS rateId, c.units, c.charge_scaled AS chargeScaled,
              c.late, c.unrated_code AS unratedCode, f.name AS fileName, c.line
         FROM ${CONTRACT_MONTH_CALLS} JOIN calls c ON c.call_id = i.call_id JOIN files f ON f.file_id = c.file_id
        WHERE k.month = @month
          AND (@number IS NULL OR c.number = @number)
          AND (@direction = 'all' OR c.direction = @direction)
        ORDER BY c.number, c.start_ms, c.record_id`,
    ).all({ contract: request.contractId, month: request.month, number: request.number ?? null, direction: request.direction }) as StoredCallDetail[];
    return readableCalls(this.location, rows);
  }

  async callMonths(contractId: string): Promise<string[]> {
    // One index probe per key part of the store (a part is up to 65,536 calls of a month).
    return (
      this.sql(
        `SELECT DISTINCT k.month FROM ${CONTRACT_MONTH_CALLS} ORDER BY k.month DESC`,
      ).all({ contract: contractId }) as { month: string }[]
    ).map((row) => row.month);
  }

  async hasCalls(contractId: string, month: string, number?: string): Promise<boolean> {
    return (
      this.sql(
        `SELECT 1 FROM ${CONTRACT_MONTH_CALLS} JOIN calls c ON c.call_id = i.call_id
          WHERE k.month = @month AND (@number IS NULL OR c.number = @number) LIMIT 1`,
      ).get({
        contract: contractId,
        month,
        number: number ?? null,
      }) !== undefined
    );
  }
}

const FIND_CALLS = `SELECT c.call_id AS callId, c.record_id AS recordId, c.contract_id AS contractId, c.number, c.direction, c.peer,
         c.start_ms AS startMs, c.duration_ms AS durationMs, f.name AS fileName, c.line
    FROM calls c JOIN files f ON f.file_id = c.file_id
   WHERE c.call_id IN (SELECT value FROM json_each(?))`;

/** A function giving back the value it is given, or the equal value it gave last (so a run of equal texts is kept once). */
function sameAsLast(): (value: unknown) => unknown {
  let last: unknown;
  return (value) => {
    if (value !== last) last = value;
    return last;
  };
}

/** Batches from `fetch(after)` until it returns none, `after` the last row's callId each time (or `last` is passed). */
function* batchesAfter(after: number, last: number, fetch: (after: number) => Record<string, unknown>[]): Generator<Record<string, unknown>[]> {
  while (after < last) {
    const rows = fetch(after);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.callId as number;
    yield rows;
  }
}

/**
 * The scope's contract as a condition: written out rather than `(@contract IS NULL OR …)`, which
 * keeps SQLite from using the keys that lead with contract_id (one contract's totals then scan
 * every month's).
 */
function inScope(scope: MonthScope): string {
  return scope.contractId === null ? '' : 'AND contract_id = @contract';
}

/**
 * One contract's calls (@contract; the query says which months, on k.month): the key parts
 * (call_keys, by month), then in each part the contract's call_index rows, one short range each.
 * CROSS JOIN keeps SQLite to that order.
 */
const CONTRACT_MONTH_CALLS = 'call_keys k CROSS JOIN call_index i ON i.month = k.month AND i.part_id = k.part_id AND i.contract_id = @contract';

function scopeParameters(scope: MonthScope): { month: string; contract: string | null } {
  return { month: scope.month, contract: scope.contractId };
}


