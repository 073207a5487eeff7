import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { ChakuwariTotal, NumberTypeTotal, TotalledCall } from '../aggregate/monthlyTotals';
import { SubscriptionBook } from '../subscription/subscriptions';
import { readSubscriptionBook } from './subscriptions';
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
} from './rowChecks';
import { readableRows, storedCallFromRow, totalsDiff } from './rows';
import { Db, openStore, storePath, StoreAccess } from './store';
import {
  AcceptedCall,
  CallDetailsRequest,
  FileBatch,
  FileClaim,
  FileControls,
  FileOutcome,
  FileRow,
  FileStart,
  FileTransaction,
  HeldOutCalls,
  IssuedRevision,
  MonthScope,
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
} from './types';

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

  constructor(readonly db: Db) {
    this.location = storePath(db);
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

  async subscriptionBook(): Promise<SubscriptionBook> {
    return readSubscriptionBook(this.db);
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

  /** Appends accepted calls to a stored file, inside a transaction the caller holds (recycle). */
  async appendCallsToFile(fileId: number, calls: AcceptedCall[]): Promise<void> {
    await new SqliteFileTransaction(this, fileId).writeBatch({ calls, rejects: [], duplicates: [], skips: [] });
  }

  /** @internal for SqliteFileTransaction */
  fileTransactionSql(text: string): Database.Statement {
    return this.sql(text);
  }

  /** @internal */
  finishFile(fileId: number, outcome: FileOutcome): 'applied' | 'already-ingested' {
    if (this.findFile(outcome.sha256) !== undefined) {
      this.db.exec('ROLLBACK');
      return 'already-ingested';
    }
    this.sql(
      `UPDATE files SET sha256 = ?, bytes = ?, encoding = ?, records_read = ?, accepted = ?, rejected = ?, duplicates = ?, late = ?,
              skipped = ?, profile = ?
        WHERE file_id = ?`,
    ).run(
      outcome.sha256, outcome.bytes, outcome.encoding, outcome.read, outcome.accepted, outcome.rejected, outcome.duplicates, outcome.late,
      outcome.skipped, outcome.profile, fileId,
    );
    this.db.exec('COMMIT');
    return 'applied';
  }

  /** @internal */
  rollbackFile(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
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
        charge_remainder_parts = charge_remainder_parts + excluded.charge_remainder_parts`);
    const addChakuwariTotal = this.sql(`
      INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (contract_id, month, number) DO UPDATE SET
        calls = calls + excluded.calls,
        duration_tenths = duration_tenths + excluded.duration_tenths,
        duration_ms = duration_ms + excluded.duration_ms`);
    for (const total of typeTotals) {
      addTypeTotal.run(total.contractId, total.month, total.number, total.type, total.calls, total.durationTenths, total.chargeScaled, total.chargeRemainderParts);
    }
    for (const total of chakuwariTotals) {
      addChakuwariTotal.run(total.contractId, total.month, total.number, total.calls, total.durationTenths, total.durationMs);
    }
  }

  // ---- transactions

  async transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
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
    // By rowid, a batch at a time: sequential reads, and no statement left open while the caller writes.
    const select = this.sql(
      `SELECT rowid, record_id AS recordId, contract_id AS contractId, number, direction, peer, peer_is_number AS peerIsNumber,
              start_ms AS startMs, duration_ms AS durationMs, late, peer_class AS peerClass, tariff_id AS tariffId,
              numbering_plan_id AS numberingPlanId, rate_id AS rateId, rate_prefix AS ratePrefix, units, charge_scaled AS chargeScaled,
              chakuwari_eligible AS chakuwariEligible, unrated_code AS unratedCode, plan_id AS planId,
              charge_remainder_parts AS chargeRemainderParts
         FROM calls WHERE rowid > @after AND month = @month AND (@contract IS NULL OR contract_id = @contract)
        ORDER BY rowid LIMIT ${RERATE_BATCH}`,
    );
    for (let after = 0; ; ) {
      const rows = select.all({ ...scopeParameters(scope), after }) as Record<string, unknown>[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.rowid as number;
      yield readableCalls(this.location, rows).map(storedCallFromRow);
    }
  }

  async applyReratings(reratings: Rerating[]): Promise<void> {
    const update = this.sql(`
      UPDATE calls SET peer_class = ?, tariff_id = ?, numbering_plan_id = ?, rate_id = ?, rate_prefix = ?, units = ?,
                       charge_scaled = ?, chakuwari_eligible = ?, unrated_code = NULL, late = 0, plan_id = ?, charge_remainder_parts = ?
       WHERE record_id = ?`);
    const markUnrated = this.sql('UPDATE calls SET unrated_code = ?, late = 0 WHERE record_id = ?');
    for (const rerating of reratings) {
      if ('unratedCode' in rerating) {
        markUnrated.run(rerating.unratedCode, rerating.recordId);
        continue;
      }
      const rated = rerating.rated;
      update.run(
        rated.peerClass, rated.tariffId, rated.numberingPlanId, rated.rateId, rated.ratePrefix, rated.units, rated.chargeScaled,
        rated.chakuwariEligible ? 1 : 0, rated.planId, rated.chargeRemainderParts, rerating.recordId,
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
      this.sql('SELECT DISTINCT contract_id AS contractId FROM statements WHERE month = @month AND (@contract IS NULL OR contract_id = @contract) ORDER BY 1').all(
        scopeParameters(scope),
      ) as { contractId: string }[]
    ).map((row) => row.contractId);
  }

  // ---- reconciliation

  async *billedCalls(scope: MonthScope, unreadable: string[]): AsyncIterable<TotalledCall[]> {
    // Only the columns the totals are made of (and the row's identity, for a message).
    const rows = this.db
      .prepare(
        `SELECT record_id AS recordId, file_id AS fileId, line, contract_id AS contractId, month, number, direction, peer_class AS peerClass,
                duration_ms AS durationMs, charge_scaled AS chargeScaled, charge_remainder_parts AS chargeRemainderParts,
                chakuwari_eligible AS chakuwariEligible
           FROM calls
          WHERE month = @month AND (@contract IS NULL OR contract_id = @contract) AND late = 0 AND unrated_code IS NULL`,
      )
      .iterate(scopeParameters(scope)) as IterableIterator<Record<string, unknown>>;
    let batch: TotalledCall[] = [];
    for (const row of rows) {
      const problem = callProblem(row);
      if (problem !== null) {
        unreadable.push(`call ${keyText(row.recordId)} (file ${String(row.fileId)}, line ${String(row.line)}): cannot be read: ${problem}`);
        continue;
      }
      row.chakuwariEligible = row.chakuwariEligible === 1;
      batch.push(row as unknown as TotalledCall);
      if (batch.length === RERATE_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async countCalls(scope: MonthScope): Promise<HeldOutCalls> {
    const rows = this.sql(
      `SELECT late, unrated_code AS unratedCode, COUNT(*) AS calls FROM calls
        WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
        GROUP BY late, unrated_code ORDER BY unrated_code`,
    ).all(scopeParameters(scope)) as { late: number; unratedCode: string | null; calls: number }[];
    const counts: HeldOutCalls = { billed: 0, late: 0, unratedByCode: {} };
    for (const row of rows) {
      if (row.unratedCode !== null) counts.unratedByCode[row.unratedCode] = (counts.unratedByCode[row.unratedCode] ?? 0) + row.calls;
      else if (row.late !== 0) counts.late += row.calls;
      else counts.billed += row.calls;
    }
    return counts;
  }

  async storedTotals(scope: MonthScope, unreadable: string[]): Promise<MonthTotals> {
    const typeTotals = this.sql(
      `SELECT contract_id AS contractId, month, number, call_type AS type, calls, duration_tenths AS durationTenths,
              charge_scaled AS chargeScaled, charge_remainder_parts AS chargeRemainderParts
         FROM number_type_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)`,
    ).all(scopeParameters(scope)) as Record<string, unknown>[];
    const chakuwariTotals = this.sql(
      `SELECT contract_id AS contractId, month, number, calls, duration_tenths AS durationTenths, duration_ms AS durationMs
         FROM chakuwari_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)`,
    ).all(scopeParameters(scope)) as Record<string, unknown>[];
    return {
      typeTotals: readableRows(typeTotals, typeTotalProblem, typeTotalKey, unreadable) as unknown as NumberTypeTotal[],
      chakuwariTotals: readableRows(chakuwariTotals, chakuwariTotalProblem, chakuwariTotalKey, unreadable) as unknown as ChakuwariTotal[],
    };
  }

  async contractsOfMonth(scope: MonthScope): Promise<string[]> {
    return (
      this.sql(
        `SELECT contract_id AS contractId FROM calls WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
         UNION SELECT contract_id FROM number_type_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
         UNION SELECT contract_id FROM chakuwari_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
         UNION SELECT contract_id FROM statements WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
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
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM calls GROUP BY file_id) c ON c.file_id = f.file_id
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

  async integrityProblems(): Promise<string[]> {
    const rows = this.db.pragma('quick_check(20)') as { quick_check: unknown }[];
    const found = rows.map((row) => String(row.quick_check));
    return found.length === 1 && found[0] === 'ok' ? [] : found;
  }

  // ---- call details

  async callDetails(request: CallDetailsRequest): Promise<StoredCallDetail[]> {
    const rows = this.sql(
      `SELECT c.record_id AS recordId, c.number, c.direction, c.peer, c.peer_class AS peerClass, c.start_ms AS startMs,
              c.duration_ms AS durationMs, c.tariff_id AS tariffId, c.rate_id AS rateId, c.units, c.charge_scaled AS chargeScaled,
              c.late, c.unrated_code AS unratedCode, f.name AS fileName, c.line
         FROM calls c JOIN files f ON f.file_id = c.file_id
        WHERE c.contract_id = :contractId AND c.month = :month
          AND (:number IS NULL OR c.number = :number)
          AND (:direction = 'all' OR c.direction = :direction)
        ORDER BY c.number, c.start_ms, c.record_id`,
    ).all({ contractId: request.contractId, month: request.month, number: request.number ?? null, direction: request.direction }) as StoredCallDetail[];
    return readableCalls(this.location, rows);
  }

  async callMonths(contractId: string): Promise<string[]> {
    return (this.sql('SELECT DISTINCT month FROM calls WHERE contract_id = ? ORDER BY month DESC').all(contractId) as { month: string }[]).map(
      (row) => row.month,
    );
  }

  async hasCalls(contractId: string, month: string, number?: string): Promise<boolean> {
    return (
      this.sql('SELECT 1 FROM calls WHERE contract_id = :contractId AND month = :month AND (:number IS NULL OR number = :number) LIMIT 1').get({
        contractId,
        month,
        number: number ?? null,
      }) !== undefined
    );
  }
}

/** Calls read at a time by a re-rate. */
const RERATE_BATCH = 20_000;

/** Rows per multi-row INSERT of calls (22 values each: 704 parameters). */
const INSERT_ROWS = 32;
const CALL_COLUMNS = 22;

/** One file's writes, on the store's connection inside the transaction `beginFile` opened. */
class SqliteFileTransaction implements FileTransaction {
  private readonly insertCall;
  private readonly insertCalls;
  private readonly oneRow: unknown[] = new Array(CALL_COLUMNS);
  private readonly manyRows: unknown[] = new Array(CALL_COLUMNS * INSERT_ROWS);
  private readonly insertReject;
  private readonly insertDuplicate;
  private readonly insertSkip;
  private readonly findCalls;

  constructor(
    private readonly store: SqliteStore,
    private readonly fileId: number,
  ) {
    const insert = `INSERT INTO calls (record_id, file_id, line, contract_id, number, direction, peer, peer_is_number, start_ms,
        duration_ms, month, peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, late,
        plan_id, charge_remainder_parts)
      VALUES `;
    const oneRow = `(${Array(CALL_COLUMNS).fill('?').join(', ')})`;
    this.insertCall = store.fileTransactionSql(insert + oneRow);
    this.insertCalls = store.fileTransactionSql(insert + Array(INSERT_ROWS).fill(oneRow).join(', '));
    this.insertReject = store.fileTransactionSql('INSERT INTO rejects (file_id, line, code, message, raw, record_json) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertDuplicate = store.fileTransactionSql('INSERT INTO duplicates (file_id, line, record_id) VALUES (?, ?, ?)');
    this.insertSkip = store.fileTransactionSql('INSERT INTO skips (file_id, line, reason) VALUES (?, ?, ?)');
    this.findCalls = store.fileTransactionSql(`
      SELECT c.record_id AS recordId, c.contract_id AS contractId, c.number, c.direction, c.peer, c.start_ms AS startMs,
             c.duration_ms AS durationMs, f.name AS fileName, c.line
        FROM calls c JOIN files f ON f.file_id = c.file_id
       WHERE c.record_id IN (SELECT value FROM json_each(?))`);
  }

  async storedCalls(recordIds: string[]): Promise<Map<string, StoredCallIdentity>> {
    const found = new Map<string, StoredCallIdentity>();
    for (const row of this.findCalls.all(JSON.stringify(recordIds)) as (StoredCallIdentity & { recordId: string })[]) {
      found.set(row.recordId, row);
    }
    return found;
  }

  async writeBatch(batch: FileBatch): Promise<void> {
    for (const reject of batch.rejects) {
      this.insertReject.run(this.fileId, reject.line, reject.code, reject.message, reject.raw, reject.record === null ? null : JSON.stringify(reject.record));
    }
    for (const duplicate of batch.duplicates) this.insertDuplicate.run(this.fileId, duplicate.line, duplicate.recordId);
    for (const skip of batch.skips) this.insertSkip.run(this.fileId, skip.line, skip.reason);
    this.insertAccepted(batch.calls);
  }

  /** Inserts accepted calls, many rows per statement, through one reused parameter array. */
  private insertAccepted(calls: AcceptedCall[]): void {
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

  private putCallValues(values: unknown[], at: number, { call, line, late }: AcceptedCall): void {
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
    values[at + 20] = call.planId;
    values[at + 21] = call.chargeRemainderParts;
  }

  async addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void> {
    this.store.addTotalsNow(typeTotals, chakuwariTotals);
  }

  async finish(outcome: FileOutcome): Promise<'applied' | 'already-ingested'> {
    return this.store.finishFile(this.fileId, outcome);
  }

  async rollback(): Promise<void> {
    this.store.rollbackFile();
  }
}

function scopeParameters(scope: MonthScope): { month: string; contract: string | null } {
  return { month: scope.month, contract: scope.contractId };
}


