import { ChakuwariTotal, MonthlyTotals, NumberTypeTotal, TotalledCall } from '../aggregate/monthlyTotals';
import { CallType } from '../numbering/callType';
import {
  callProblem,
  chakuwariTotalKey,
  chakuwariTotalProblem,
  damagedRowError,
  integerProblem,
  keyText,
  problems,
  textProblem,
  typeTotalKey,
  typeTotalProblem,
} from './rowChecks';
import {
  FileControls,
  IngestedFile,
  HeldOutCalls,
  IssuedRevision,
  MonthCallsBatch,
  MonthTotals,
  RevisionSummary,
  ReadableRows,
  StoredCall,
  StoredRating,
  TotalsDiff,
} from './types';

/**
 * Row ⇄ value mappings and row rules both engines share, written once: the adapters select the
 * same camelCase columns (booleans as 0/1, integers exact), and these turn them into values.
 */

/**
 * Calls read at a time by a re-rate or reconcile, on either engine: a batch that outgrows V8's
 * young generation is promoted whole (20k: 490 MB peak on SQLite, 2k: ~260 MB), and even 2k
 * rows outlive a scavenge often enough to cost: reading a 1M-call month on SQLite took 2.18-2.37 s
 * of CPU in batches of 2,000 against 1.76-1.97 s in batches of 1,000 (rerate's 21 columns; 1.40-1.54
 * against 1.24-1.33 s with reconcile's 12), and no less in batches of 500.
 */
export const RERATE_BATCH = 1_000;

/** The rows as meisai writes them; each other row becomes a line in `unreadable`. */
export function readableRows(
  rows: Record<string, unknown>[],
  problemOf: (row: Record<string, unknown>) => string | null,
  keyOf: (row: Record<string, unknown>) => string,
  unreadable: string[],
): Record<string, unknown>[] {
  return rows.filter((row) => isReadableRow(row, problemOf, keyOf, unreadable));
}

/**
 * Whether a row passed its checks, so it has the value's fields (the checks are the type's proof);
 * a row that did not is a line of `unreadable`, named by its key.
 */
function isReadableRow<Value extends object>(
  row: Record<string, unknown>,
  problemOf: (row: Record<string, unknown>) => string | null,
  keyOf: (row: Record<string, unknown>) => string,
  unreadable: string[],
): row is Record<string, unknown> & Value {
  const problem = problemOf(row);
  if (problem !== null) unreadable.push(`${keyOf(row)}: cannot be read: ${problem}`);
  return problem === null;
}

/** A calls row (booleans as 0/1, already checked) as a re-rate reads it. */
export function storedCallFromRow(row: Record<string, unknown>): StoredCall {
  return {
    recordId: row.recordId as string,
    contractId: row.contractId as string,
    number: row.number as string,
    direction: row.direction as 'out' | 'in',
    peer: row.peer as string,
    peerIsNumber: row.peerIsNumber === 1,
    startMs: row.startMs as number,
    durationMs: row.durationMs as number,
    late: row.late === 1,
    rating: {
      peerClass: row.peerClass as StoredRating['peerClass'],
      planId: row.planId as string,
      chargeRemainderParts: row.chargeRemainderParts as number,
      tariffId: row.tariffId as string,
      numberingPlanId: row.numberingPlanId as string,
      rateId: row.rateId as string | null,
      ratePrefix: row.ratePrefix as string | null,
      units: row.units as number,
      chargeScaled: row.chargeScaled as number,
      chakuwariEligible: row.chakuwariEligible === 1,
      unratedCode: row.unratedCode as string | null,
    },
  };
}

/** The rows of `totals` that differ from the stored ones, and the stored rows it no longer has (pure). */
export function totalsDiff(stored: MonthTotals, totals: MonthTotals): TotalsDiff {
  const typeKey = (row: { contractId: string; number: string; type: string }): string =>
    `${row.contractId}|${row.number}|${row.type}`;
  const chakuwariKey = (row: { contractId: string; number: string }): string => `${row.contractId}|${row.number}`;
  const storedTypes = new Map(stored.typeTotals.map((row) => [typeKey(row), row]));
  const storedChakuwari = new Map(stored.chakuwariTotals.map((row) => [chakuwariKey(row), row]));
  const typeTotals = totals.typeTotals.filter((total) => {
    const before = storedTypes.get(typeKey(total));
    storedTypes.delete(typeKey(total));
    return (
      before === undefined ||
      before.calls !== total.calls ||
      before.durationTenths !== total.durationTenths ||
      before.chargeScaled !== total.chargeScaled ||
      before.chargeRemainderParts !== total.chargeRemainderParts
    );
  });
  const chakuwariTotals = totals.chakuwariTotals.filter((total) => {
    const before = storedChakuwari.get(chakuwariKey(total));
    storedChakuwari.delete(chakuwariKey(total));
    return (
      before === undefined ||
      before.calls !== total.calls ||
      before.durationTenths !== total.durationTenths ||
      before.durationMs !== total.durationMs
    );
  });
  return {
    typeTotals,
    chakuwariTotals,
    goneTypeTotals: [...storedTypes.values()].map(({ contractId, number, type }) => ({ contractId, number, type })),
    goneChakuwariTotals: [...storedChakuwari.values()].map(({ contractId, number }) => ({ contractId, number })),
  };
}

/**
 * The same diff, of the stored rows against totals still in their aggregation: only the rows that
 * differ are made, and no key string per row (pure). A re-rate of a whole month diffs its totals
 * this way.
 */
export function monthTotalsDiff(stored: MonthTotals, totals: MonthlyTotals): TotalsDiff {
  const mismatches = totals.mismatchesWith(stored);
  const diff: TotalsDiff = { typeTotals: [], chakuwariTotals: [], goneTypeTotals: [], goneChakuwariTotals: [] };
  for (const { computed, stored: before } of mismatches.typeTotals) {
    if (computed !== undefined) diff.typeTotals.push(computed);
    else diff.goneTypeTotals.push({ contractId: before!.contractId, number: before!.number, type: before!.type });
  }
  for (const { computed, stored: before } of mismatches.chakuwariTotals) {
    if (computed !== undefined) diff.chakuwariTotals.push(computed);
    else diff.goneChakuwariTotals.push({ contractId: before!.contractId, number: before!.number });
  }
  return diff;
}

type Row = Record<string, unknown>;

/** A checked number_type_totals row as a value. */
function typeTotalOf(row: Row): NumberTypeTotal {
  return {
    contractId: row.contractId as string,
    month: row.month as string,
    number: row.number as string,
    type: row.type as CallType,
    calls: row.calls as number,
    durationTenths: row.durationTenths as number,
    chargeScaled: row.chargeScaled as number,
    chargeRemainderParts: row.chargeRemainderParts as number,
  };
}

/** A checked chakuwari_totals row as a value. */
function chakuwariTotalOf(row: Row): ChakuwariTotal {
  return {
    contractId: row.contractId as string,
    month: row.month as string,
    number: row.number as string,
    calls: row.calls as number,
    durationTenths: row.durationTenths as number,
    durationMs: row.durationMs as number,
  };
}

/**
 * A contract-month's totals rows as values for a statement: a row not as meisai writes it fails
 * the run naming the row (exit 1), never a wrong figure.
 */
export function monthTotalsOrFail(
  location: string,
  typeRows: Row[],
  chakuwariRows: Row[],
  asked?: { contractId: string; month: string },
): MonthTotals {
  // A row read for one contract-month that names another: a key damaged in the file (the B-tree led to it).
  const outOfScope = (row: Row): string | null =>
    asked === undefined || (row.contractId === asked.contractId && row.month === asked.month)
      ? null
      : `read for ${asked.contractId} ${asked.month}, its key says otherwise`;
  const checked =
    (problemOf: (row: Row) => string | null, keyOf: (row: Row) => string) =>
    (row: Row): Row => {
      const problem = problemOf(row) ?? outOfScope(row);
      if (problem === null) return row;
      throw damagedRowError(location, keyOf(row), problem);
    };
  return {
    typeTotals: typeRows.map(checked(typeTotalProblem, typeTotalKey)).map(typeTotalOf),
    chakuwariTotals: chakuwariRows.map(checked(chakuwariTotalProblem, chakuwariTotalKey)).map(chakuwariTotalOf),
  };
}

/** A scope's totals rows as values for reconcile: each row not as meisai writes it is a line of `unreadable`, left out. */
export function readableMonthTotals(typeRows: Row[], chakuwariRows: Row[]): ReadableRows<MonthTotals> {
  const unreadable: string[] = [];
  const values = {
    typeTotals: readableRows(typeRows, typeTotalProblem, typeTotalKey, unreadable).map(typeTotalOf),
    chakuwariTotals: readableRows(chakuwariRows, chakuwariTotalProblem, chakuwariTotalKey, unreadable).map(
      chakuwariTotalOf,
    ),
  };
  return { values, unreadable };
}

/**
 * A month's totals read row by row (each row already made with the value's fields, in its order):
 * a row as meisai writes it is kept as it is, any other is a line of `unreadable`. One object per
 * row, never a checked copy beside it (a 1M-call month has some 300k rows).
 */
export class MonthTotalsRows {
  readonly values: MonthTotals = { typeTotals: [], chakuwariTotals: [] };
  readonly unreadable: string[] = [];

  addTypeTotal(row: Row): void {
    if (isReadableRow<NumberTypeTotal>(row, typeTotalProblem, typeTotalKey, this.unreadable))
      this.values.typeTotals.push(row);
  }

  addChakuwariTotal(row: Row): void {
    if (isReadableRow<ChakuwariTotal>(row, chakuwariTotalProblem, chakuwariTotalKey, this.unreadable))
      this.values.chakuwariTotals.push(row);
  }
}

/** A contract-month's issued revisions (revision, statementJson, sha256 rows) as values; each row not as meisai writes it is a line of `unreadable`. */
export function issuedRevisionsOf(rows: Row[], contractId: string, month: string): ReadableRows<IssuedRevision[]> {
  const unreadable: string[] = [];
  const values = readableRows(
    rows,
    (row) =>
      problems(
        integerProblem('revision', row.revision, 1),
        textProblem('statement_json', row.statementJson),
        textProblem('sha256', row.sha256),
      ),
    (row) => `${contractId} ${month}, issued revision ${keyText(row.revision)}`,
    unreadable,
  ).map((row) => ({
    revision: row.revision as number,
    statementJson: row.statementJson as string,
    sha256: row.sha256 as string,
  }));
  return { values, unreadable };
}

/**
 * A file's control totals for reconcile (files f, file_removals x): as ingested, or all zero for a
 * removed file (its rows left the store; `meisai files` still lists its counts as ingested).
 */
export const REMOVED_FILE_COUNTS = [
  'records_read AS "recordsRead"',
  'accepted',
  'rejected',
  'duplicates',
  'recycled',
  'skipped',
]
  .map((column) => {
    const [name, alias] = column.split(' AS ');
    return `CASE WHEN x.file_id IS NULL THEN f.${name} ELSE 0 END AS ${alias ?? name}`;
  })
  .join(', ');

const FILE_COUNTS = {
  recordsRead: 'records_read',
  accepted: 'accepted',
  rejected: 'rejected',
  duplicates: 'duplicates',
  recycled: 'recycled',
  skipped: 'skipped',
} as const;

/**
 * Each file's control totals and its stored rows (files rows with callRows, rejectRows,
 * duplicateRows, recycledRows and skipRows counted by the engine) as values; each row not as
 * meisai writes it is a line of `unreadable`.
 */
export function fileControlsOf(rows: Row[]): ReadableRows<FileControls[]> {
  const count = (value: unknown): number => Number(value ?? 0);
  const unreadable: string[] = [];
  const values = readableRows(
    rows,
    (row) =>
      problems(
        textProblem('name', row.name),
        ...Object.entries(FILE_COUNTS).map(([field, column]) => integerProblem(column, row[field], 0)),
      ),
    (row) => `file ${String(row.fileId)} (${keyText(row.name)})`,
    unreadable,
  ).map((row) => ({
    fileId: Number(row.fileId),
    name: row.name as string,
    recordsRead: row.recordsRead as number,
    accepted: row.accepted as number,
    rejected: row.rejected as number,
    duplicates: row.duplicates as number,
    recycled: row.recycled as number,
    skipped: row.skipped as number,
    callRows: count(row.callRows),
    rejectRows: count(row.rejectRows),
    duplicateRows: count(row.duplicateRows),
    recycledRows: count(row.recycledRows),
    skipRows: count(row.skipRows),
  }));
  return { values, unreadable };
}

/**
 * The billed calls of a batch of rows (checked by callProblem on `checkedRow(row)`, the engine's
 * view with booleans as 0/1) as the fields the totals are made of; each row not as meisai writes
 * it is a line of `unreadable`, left out of the sums.
 */
/** A call row reconcile cannot sum, named by its record_id, file and line. */
export function unreadableCallMessage(row: Row, problem: string): string {
  return `call ${keyText(row.recordId)} (file ${String(row.fileId)}, line ${String(row.line)}): cannot be read: ${problem}`;
}

/**
 * Counts a call in `counts` by its late flag and unrated code, as every engine reads them: true
 * when it is held out of the totals (unrated, or else late), false when it is billed.
 */
export function countedHeldOut(counts: HeldOutCalls, late: unknown, unratedCode: unknown): boolean {
  if (unratedCode !== null) {
    const code = String(unratedCode);
    counts.unratedByCode[code] = (counts.unratedByCode[code] ?? 0) + 1;
    return true;
  }
  if (late !== 0 && late !== false) {
    counts.late += 1;
    return true;
  }
  counts.billed += 1;
  return false;
}

/** A contract id as read, for the list of contracts with calls (a damaged one as its key text). */
export function contractText(value: unknown): string {
  return typeof value === 'string' ? value : keyText(value);
}

/** A batch of call rows (late and unratedCode among their columns) as reconcile takes it: the billed ones checked and summed, the others counted. */
export function monthCallsOf(rows: Row[], checkedRow: (row: Row) => Row): MonthCallsBatch {
  const batch: MonthCallsBatch = {
    values: [],
    unreadable: [],
    counts: { billed: 0, late: 0, unratedByCode: {} },
    heldOutContracts: [],
  };
  for (const row of rows) {
    const checked = checkedRow(row);
    if (countedHeldOut(batch.counts, checked.late, checked.unratedCode)) {
      batch.heldOutContracts.push(contractText(checked.contractId));
      continue;
    }
    const problem = callProblem(checked);
    if (problem !== null) batch.unreadable.push(unreadableCallMessage(row, problem));
    else batch.values.push(totalledCallOf(checked));
  }
  return batch;
}

/** A call row that passed callProblem, as the totals take it. */
export function totalledCallOf(row: Row): TotalledCall {
  return {
    contractId: row.contractId as string,
    month: row.month as string,
    number: row.number as string,
    direction: row.direction as TotalledCall['direction'],
    peerClass: row.peerClass as TotalledCall['peerClass'],
    durationMs: row.durationMs as number,
    chargeScaled: row.chargeScaled as number,
    chargeRemainderParts: row.chargeRemainderParts as number,
    chakuwariEligible: row.chakuwariEligible === true || row.chakuwariEligible === 1,
  };
}

/** The columns `meisai files` lists, aliased alike on both engines (`ingestedFileOf` maps them). */
export const INGESTED_FILE_COLUMNS = `name, sha256, source, ingested_at AS "ingestedAt", bytes, encoding, profile, records_read AS "recordsRead",
  accepted, rejected, duplicates, late, recycled, skipped, removed_at AS "removedAt", removed_by AS "removedBy", reason AS "removalReason"`;

/** Where `meisai files` reads: each file with its removal, if any (file_removals, migration 8 on SQLite, 7 on PostgreSQL). */
export const INGESTED_FILES_FROM = 'files f LEFT JOIN file_removals r ON r.file_id = f.file_id ORDER BY f.file_id';

/** A files row (INGESTED_FILE_COLUMNS) as an IngestedFile. */
export function ingestedFileOf(row: Row): IngestedFile {
  const count = (value: unknown): number => Number(value ?? 0);
  return {
    name: row.name as string,
    sha256: row.sha256 as string,
    source: (row.source as string | null) ?? null,
    ingestedAt: row.ingestedAt as string,
    bytes: count(row.bytes),
    encoding: row.encoding as string,
    profile: (row.profile as string | null) ?? null,
    recordsRead: count(row.recordsRead),
    accepted: count(row.accepted),
    rejected: count(row.rejected),
    duplicates: count(row.duplicates),
    late: count(row.late),
    recycled: count(row.recycled),
    skipped: count(row.skipped),
    removedAt: (row.removedAt as string | null) ?? null,
    removedBy: (row.removedBy as string | null) ?? null,
    removalReason: (row.removalReason as string | null) ?? null,
  };
}

/** A statements row (revision, createdAt, reason, sha256) as a RevisionSummary. */
export function revisionSummaryOf(row: Row): RevisionSummary {
  return {
    revision: Number(row.revision),
    createdAt: row.createdAt as string,
    reason: row.reason as string,
    sha256: row.sha256 as string,
  };
}
