import Database from 'better-sqlite3';
import { CallValues } from './callValues';
import { monthRanges } from './callKeys';
import { keyText, readableCalls } from '../rowChecks';
import {
  INGESTED_FILE_COLUMNS,
  INGESTED_FILES_FROM,
  ingestedFileOf,
  issuedRevisionsOf,
  revisionSummaryOf,
  monthTotalsOrFail,
  MonthTotalsRows,
  RERATE_BATCH,
} from '../rows';
import { CallIdentity, MONTH_CALL_COLUMNS, monthCallsOf } from './monthCalls';
import { doubleBilledCalls } from './doubleBilled';
import { STORED_CALL_COLUMNS, storedCallsOf } from './storedCalls';
import { readFileControls } from './fileControls';
import { integrityReport, quickCheckLines } from './integrity';
import { sqliteStoreWideChecks } from './storeWide';
import { Db, storePath } from './connection';
import {
  ClosedMonth,
  IngestedFile,
  RevisionSummary,
  CallDetailsRequest,
  CallShare,
  DoubleBilled,
  FileControls,
  MonthCallsBatch,
  IntegrityReport,
  IssuedRevision,
  MonthScope,
  MonthTotals,
  RevisionRow,
  StoredCall,
  StoredCallDetail,
  ReadableRows,
  StoreWideChecks,
} from '../types';

/**
 * The SQLite store's reads: statements, months, re-rating's and reconcile's scopes, call details.
 * SqliteStore adds files, ingest and every write; the connection and its prepared statements are
 * shared (one connection, one file).
 */
export class SqliteReader {
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
  protected sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  // ---- statements and months

  async closedMonths(): Promise<Set<string>> {
    return new Set((this.sql('SELECT month FROM closed_months').all() as { month: string }[]).map((row) => row.month));
  }

  async closedMonthList(): Promise<ClosedMonth[]> {
    return this.sql('SELECT month, closed_at AS closedAt FROM closed_months ORDER BY month').all() as ClosedMonth[];
  }

  async ingestedFiles(): Promise<IngestedFile[]> {
    return (
      this.sql(`SELECT ${INGESTED_FILE_COLUMNS} FROM ${INGESTED_FILES_FROM}`).all() as Record<string, unknown>[]
    ).map(ingestedFileOf);
  }

  async revisionHistory(contractId: string, month: string): Promise<RevisionSummary[]> {
    return (
      this.sql(
        'SELECT revision, created_at AS createdAt, reason, sha256 FROM statements WHERE contract_id = ? AND month = ? ORDER BY revision',
      ).all(contractId, month) as Record<string, unknown>[]
    ).map(revisionSummaryOf);
  }

  async isMonthClosed(month: string): Promise<boolean> {
    return this.sql('SELECT 1 FROM closed_months WHERE month = ?').get(month) !== undefined;
  }

  async monthContracts(month: string): Promise<string[]> {
    return (
      this.sql(
        'SELECT contract_id FROM number_type_totals WHERE month = ? UNION SELECT contract_id FROM chakuwari_totals WHERE month = ? ORDER BY 1',
      ).all(month, month) as { contract_id: string }[]
    ).map((row) => row.contract_id);
  }

  async statementMonths(contractId: string): Promise<string[]> {
    return (
      this.sql(
        // The totals are keyed month first: step from month to month by the key (a few seeks a
        // month, however many rows), asking each whether the contract has rows in it.
        `WITH RECURSIVE
           type_months (month) AS (
             SELECT MIN(month) FROM number_type_totals
             UNION ALL SELECT (SELECT MIN(month) FROM number_type_totals WHERE month > type_months.month)
               FROM type_months WHERE type_months.month IS NOT NULL),
           chakuwari_months (month) AS (
             SELECT MIN(month) FROM chakuwari_totals
             UNION ALL SELECT (SELECT MIN(month) FROM chakuwari_totals WHERE month > chakuwari_months.month)
               FROM chakuwari_months WHERE chakuwari_months.month IS NOT NULL)
         SELECT month FROM type_months
          WHERE month IS NOT NULL
            AND EXISTS (SELECT 1 FROM number_type_totals t WHERE t.month = type_months.month AND t.contract_id = @contract)
         UNION SELECT month FROM chakuwari_months
          WHERE month IS NOT NULL
            AND EXISTS (SELECT 1 FROM chakuwari_totals c WHERE c.month = chakuwari_months.month AND c.contract_id = @contract)
         ORDER BY month DESC`,
      ).all({ contract: contractId }) as { month: string }[]
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
    return monthTotalsOrFail(this.location, typeRows, chakuwariRows, { contractId, month });
  }

  private static readonly SELECT_REVISION = `SELECT contract_id AS contractId, month, revision, created_at AS createdAt, reason,
                                                    statement_json AS statementJson, sha256
                                               FROM statements`;

  async latestRevision(contractId: string, month: string): Promise<RevisionRow | undefined> {
    return this.sql(
      `${SqliteReader.SELECT_REVISION} WHERE contract_id = ? AND month = ? ORDER BY revision DESC LIMIT 1`,
    ).get(contractId, month) as RevisionRow | undefined;
  }

  async revision(contractId: string, month: string, revision: number): Promise<RevisionRow | undefined> {
    return this.sql(`${SqliteReader.SELECT_REVISION} WHERE contract_id = ? AND month = ? AND revision = ?`).get(
      contractId,
      month,
      revision,
    ) as RevisionRow | undefined;
  }

  // ---- re-rating

  async *monthCallBatches(scope: MonthScope, share?: CallShare): AsyncIterable<StoredCall[]> {
    for (const raws of this.scopeRawRows(scope, STORED_CALL_COLUMNS, share?.ranges))
      yield storedCallsOf(raws, this.values, this.location);
  }

  /**
   * The scope's calls rows (call_id, then these columns of calls \`c\`), in call_id order,
   * RERATE_BATCH at a time: a contract-month is a range of call_index per key part; a whole month
   * the call_id ranges of its key parts (sequential reads of the rows the month's files appended).
   * No statement stays open while the caller writes. Rows are read as arrays: better-sqlite3's row
   * objects cost twice the time, and the callers make each row the one object they need. `ranges`
   * (a share of a whole month) replaces the month's call_id ranges.
   */
  private *scopeRawRows(
    scope: MonthScope,
    columns: string,
    ranges?: { first: number; last: number }[],
  ): Generator<unknown[][]> {
    const read = (select: Database.Statement, parameters: Record<string, unknown>): unknown[][] =>
      select.raw(true).all(parameters) as unknown[][];
    if (scope.contractId !== null) {
      const select = this.sql(
        `SELECT c.call_id AS callId, ${columns} FROM ${CONTRACT_MONTH_CALLS} JOIN call_rows c ON c.call_id = i.call_id
          WHERE k.month = @month AND i.call_id > @after
          ORDER BY i.call_id LIMIT ${RERATE_BATCH}`,
      );
      yield* batchesAfter(0, Number.MAX_SAFE_INTEGER, (after) => read(select, { ...scopeParameters(scope), after }));
      return;
    }
    const month = this.values.find(scope.month);
    if (month === undefined) return;
    const select = this.sql(
      `SELECT c.call_id AS callId, ${columns} FROM call_rows c
        WHERE c.call_id > @after AND c.call_id <= @last AND c.month = @month
        ORDER BY c.call_id LIMIT ${RERATE_BATCH}`,
    );
    for (const range of ranges ?? monthRanges(this.db, scope.month)) {
      yield* batchesAfter(range.first - 1, range.last, (after) => read(select, { month, after, last: range.last }));
    }
  }

  async revisedContracts(scope: MonthScope): Promise<string[]> {
    return (
      this.sql(
        `SELECT DISTINCT contract_id AS contractId FROM statements WHERE month = @month ${inScope(scope)} ORDER BY 1`,
      ).all(scopeParameters(scope)) as { contractId: string }[]
    ).map((row) => row.contractId);
  }

  // ---- reconciliation

  async *monthCalls(scope: MonthScope): AsyncIterable<MonthCallsBatch> {
    const identity = this.sql('SELECT record_id AS recordId, file_id AS fileId, line FROM call_rows WHERE call_id = ?');
    for (const raws of this.scopeRawRows(scope, MONTH_CALL_COLUMNS))
      yield monthCallsOf(raws, this.values, (callId) => identity.get(callId) as CallIdentity);
  }

  async storedTotals(scope: MonthScope): Promise<ReadableRows<MonthTotals>> {
    // A month's totals are 300k rows at 1M calls, held while the month's calls are summed: each
    // repeated text is kept once (rows come in key order, so a contract's and a number's rows are
    // together; the month is the scope's, as the WHERE says).
    const contractId = sameAsLast();
    const number = sameAsLast();
    const type = sameAsLast();
    // Rows are checked as they are stepped and kept as made (MonthTotalsRows), so neither the
    // month's raw row arrays nor a checked copy of its rows are ever alive beside them.
    const read = new MonthTotalsRows();
    const typeRows = this.sql(
      `SELECT contract_id, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts
         FROM number_type_totals WHERE month = @month ${inScope(scope)}`,
    )
      .raw(true)
      .iterate(scopeParameters(scope)) as IterableIterator<unknown[]>;
    for (const values of typeRows)
      read.addTypeTotal({
        contractId: contractId(values[0]),
        month: scope.month,
        number: number(values[1]),
        type: type(values[2]),
        calls: values[3],
        durationTenths: values[4],
        chargeScaled: values[5],
        chargeRemainderParts: values[6],
      });
    const chakuwariRows = this.sql(
      `SELECT contract_id, number, calls, duration_tenths, duration_ms
         FROM chakuwari_totals WHERE month = @month ${inScope(scope)}`,
    )
      .raw(true)
      .iterate(scopeParameters(scope)) as IterableIterator<unknown[]>;
    for (const values of chakuwariRows)
      read.addChakuwariTotal({
        contractId: contractId(values[0]),
        month: scope.month,
        number: number(values[1]),
        calls: values[2],
        durationTenths: values[3],
        durationMs: values[4],
      });
    return { values: read.values, unreadable: read.unreadable };
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

  async issuedRevisions(contractId: string, month: string): Promise<ReadableRows<IssuedRevision[]>> {
    const rows = this.sql(
      `SELECT revision, statement_json AS statementJson, sha256 FROM statements
        WHERE contract_id = ? AND month = ? ORDER BY revision`,
    ).all(contractId, month) as Record<string, unknown>[];
    return issuedRevisionsOf(rows, contractId, month);
  }

  async fileControls(): Promise<ReadableRows<FileControls[]>> {
    return readFileControls(this.db);
  }

  async doubleBilled(month: string): Promise<DoubleBilled[]> {
    return doubleBilledCalls(this.db, month);
  }

  async integrityCheck(): Promise<IntegrityReport> {
    return integrityReport(quickCheckLines(this.db));
  }

  async storeWideChecks(month: string): Promise<StoreWideChecks> {
    return sqliteStoreWideChecks(this.db, this.location, month);
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
    ).all({
      contract: request.contractId,
      month: request.month,
      number: request.number ?? null,
      direction: request.direction,
    }) as StoredCallDetail[];
    return readableCalls(this.location, rows);
  }

  async callMonths(contractId: string): Promise<string[]> {
    // One index probe per key part of the store (a part is up to 65,536 calls of a month).
    return (
      this.sql(`SELECT DISTINCT k.month FROM ${CONTRACT_MONTH_CALLS} ORDER BY k.month DESC`).all({
        contract: contractId,
      }) as { month: string }[]
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

/** A function giving back the value it is given, or the equal value it gave last (so a run of equal texts is kept once). */
function sameAsLast(): (value: unknown) => unknown {
  let last: unknown;
  return (value) => {
    if (value !== last) last = value;
    return last;
  };
}

/** Batches from `fetch(after)` until it returns none, `after` the last row's call_id (its first value) each time (or `last` is passed). */
function* batchesAfter(after: number, last: number, fetch: (after: number) => unknown[][]): Generator<unknown[][]> {
  while (after < last) {
    const rows = fetch(after);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]![0] as number;
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
const CONTRACT_MONTH_CALLS =
  'call_keys k CROSS JOIN call_index i ON i.month = k.month AND i.part_id = k.part_id AND i.contract_id = @contract';

function scopeParameters(scope: MonthScope): { month: string; contract: string | null } {
  return { month: scope.month, contract: scope.contractId };
}
