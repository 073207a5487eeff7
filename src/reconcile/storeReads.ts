import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { RatedCall } from '../rate/rateRecord';
import {
  callProblem,
  chakuwariTotalKey,
  chakuwariTotalProblem,
  integerProblem,
  keyText,
  problems,
  textProblem,
  typeTotalKey,
  typeTotalProblem,
} from '../store/rowChecks';
import { Db } from '../store/store';
import { MonthTotals } from './compareTotals';
import { FileControls } from './fileControls';
import { IssuedRevision } from './statementChecks';

/**
 * What reconciliation reads from the store, as plain values for the pure checks. Every query
 * takes the month and, optionally, one contract (`@contract IS NULL` means all contracts).
 */

/**
 * The calls the totals are made of: the month's calls neither late nor unrated, one at a time.
 * A call with a value meisai never writes (a text for a duration, an unknown peer class) is left
 * out, and what is wrong with it goes to `unreadable`.
 */
export function* billedCalls(db: Db, month: string, contractId: string | null, unreadable: string[] = []): Generator<RatedCall> {
  const rows = db
    .prepare(
      `SELECT record_id AS recordId, file_id AS fileId, line, contract_id AS contractId, number, direction, peer, peer_is_number AS peerIsNumber,
              start_ms AS startMs, duration_ms AS durationMs, month, peer_class AS peerClass, tariff_id AS tariffId,
              numbering_plan_id AS numberingPlanId, rate_id AS rateId, rate_prefix AS ratePrefix, units,
              charge_scaled AS chargeScaled, chakuwari_eligible AS chakuwariEligible
         FROM calls
        WHERE month = @month AND (@contract IS NULL OR contract_id = @contract) AND late = 0 AND unrated_code IS NULL`,
    )
    .iterate({ month, contract: contractId }) as IterableIterator<Record<string, unknown>>;
  for (const row of rows) {
    const { fileId: _fileId, line: _line, ...call } = row;
    const problem = callProblem(call);
    if (problem !== null) {
      unreadable.push(`call ${keyText(row.recordId)} (file ${String(row.fileId)}, line ${String(row.line)}): cannot be read: ${problem}`);
      continue;
    }
    yield { ...call, peerIsNumber: row.peerIsNumber === 1, chakuwariEligible: row.chakuwariEligible === 1 } as unknown as RatedCall;
  }
}

export interface HeldOutCalls {
  billed: number;
  late: number;
  /** Calls a re-rate could not rate, by the reject code it gave. */
  unratedByCode: Record<string, number>;
}

export function countCalls(db: Db, month: string, contractId: string | null): HeldOutCalls {
  const rows = db
    .prepare(
      `SELECT late, unrated_code AS unratedCode, COUNT(*) AS calls FROM calls
        WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
        GROUP BY late, unrated_code ORDER BY unrated_code`,
    )
    .all({ month, contract: contractId }) as { late: number; unratedCode: string | null; calls: number }[];
  const counts: HeldOutCalls = { billed: 0, late: 0, unratedByCode: {} };
  for (const row of rows) {
    if (row.unratedCode !== null) counts.unratedByCode[row.unratedCode] = (counts.unratedByCode[row.unratedCode] ?? 0) + row.calls;
    else if (row.late !== 0) counts.late += row.calls;
    else counts.billed += row.calls;
  }
  return counts;
}

/**
 * The month's stored totals; a row with a value meisai never writes is left out, and what is
 * wrong with it goes to `unreadable`.
 */
export function storedTotals(db: Db, month: string, contractId: string | null, unreadable: string[] = []): MonthTotals {
  const typeTotals = db
    .prepare(
      `SELECT contract_id AS contractId, month, number, call_type AS type, calls, duration_tenths AS durationTenths,
              charge_scaled AS chargeScaled
         FROM number_type_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)`,
    )
    .all({ month, contract: contractId }) as Record<string, unknown>[];
  const chakuwariTotals = db
    .prepare(
      `SELECT contract_id AS contractId, month, number, calls, duration_tenths AS durationTenths, duration_ms AS durationMs
         FROM chakuwari_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)`,
    )
    .all({ month, contract: contractId }) as Record<string, unknown>[];
  return {
    typeTotals: readableRows(typeTotals, typeTotalProblem, typeTotalKey, unreadable) as unknown as NumberTypeTotal[],
    chakuwariTotals: readableRows(chakuwariTotals, chakuwariTotalProblem, chakuwariTotalKey, unreadable) as unknown as ChakuwariTotal[],
  };
}

/** Contracts with anything in the month: calls, totals or an issued statement. */
export function contractsOfMonth(db: Db, month: string, contractId: string | null): string[] {
  return (
    db
      .prepare(
        `SELECT contract_id AS contractId FROM calls WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
         UNION SELECT contract_id FROM number_type_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
         UNION SELECT contract_id FROM chakuwari_totals WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
         UNION SELECT contract_id FROM statements WHERE month = @month AND (@contract IS NULL OR contract_id = @contract)
         ORDER BY contractId`,
      )
      .all({ month, contract: contractId }) as { contractId: unknown }[]
  ).map((row) => (typeof row.contractId === 'string' ? row.contractId : keyText(row.contractId)));
}

/** Issued revisions as stored, oldest first: the raw JSON, so an edited one can still be examined. */
export function issuedRevisions(db: Db, contractId: string, month: string, unreadable: string[] = []): IssuedRevision[] {
  const rows = db
    .prepare(
      `SELECT revision, statement_json AS statementJson, sha256 FROM statements
        WHERE contract_id = ? AND month = ? ORDER BY revision`,
    )
    .all(contractId, month) as Record<string, unknown>[];
  return readableRows(
    rows,
    (row) => problems(integerProblem('revision', row.revision, 1), textProblem('statement_json', row.statementJson), textProblem('sha256', row.sha256)),
    (row) => `${contractId} ${month}, issued revision ${keyText(row.revision)}`,
    unreadable,
  ) as unknown as IssuedRevision[];
}

/** Every file's control totals beside the count of its rows in calls, rejects and duplicates. */
export function fileControls(db: Db, unreadable: string[] = []): FileControls[] {
  const rows = db
    .prepare(
      `SELECT f.file_id AS fileId, f.name, f.records_read AS recordsRead, f.accepted, f.rejected, f.duplicates, f.skipped,
              COALESCE(c.row_count, 0) AS callRows, COALESCE(r.row_count, 0) AS rejectRows, COALESCE(d.row_count, 0) AS duplicateRows,
              COALESCE(s.row_count, 0) AS skipRows
         FROM files f
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM calls GROUP BY file_id) c ON c.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM rejects GROUP BY file_id) r ON r.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM duplicates GROUP BY file_id) d ON d.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM skips GROUP BY file_id) s ON s.file_id = f.file_id
        ORDER BY f.file_id`,
    )
    .all() as Record<string, unknown>[];
  const counts = ['recordsRead', 'accepted', 'rejected', 'duplicates', 'skipped'] as const;
  const columns = { recordsRead: 'records_read', accepted: 'accepted', rejected: 'rejected', duplicates: 'duplicates', skipped: 'skipped' };
  return readableRows(
    rows,
    (row) => problems(textProblem('name', row.name), ...counts.map((count) => integerProblem(columns[count], row[count], 0))),
    (row) => `file ${String(row.fileId)} (${keyText(row.name)})`,
    unreadable,
  ) as unknown as FileControls[];
}

/** The rows as meisai writes them; each other row becomes a line in `unreadable`. */
function readableRows(
  rows: Record<string, unknown>[],
  problemOf: (row: Record<string, unknown>) => string | null,
  keyOf: (row: Record<string, unknown>) => string,
  unreadable: string[],
): Record<string, unknown>[] {
  return rows.filter((row) => {
    const problem = problemOf(row);
    if (problem !== null) unreadable.push(`${keyOf(row)}: cannot be read: ${problem}`);
    return problem === null;
  });
}

/** SQLite's own check of the file (b-trees, pages, indexes): its first findings, or none. */
export function integrityProblems(db: Db, limit = 20): string[] {
  const rows = db.pragma(`quick_check(${limit})`) as { quick_check: unknown }[];
  const found = rows.map((row) => String(row.quick_check));
  return found.length === 1 && found[0] === 'ok' ? [] : found;
}
