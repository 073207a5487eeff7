import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { MonthTotals, StoredCall, StoredRating, TotalsDiff } from './types';

/**
 * Row ⇄ value mappings and row rules both engines share, written once: the adapters select the
 * same camelCase columns (booleans as 0/1, integers exact), and these turn them into values.
 */

/**
 * Calls read at a time by a re-rate or reconcile, on either engine: a batch that outgrows V8's
 * young generation is promoted whole (20k: 490 MB peak on SQLite, 2k: ~260 MB).
 */
export const RERATE_BATCH = 2_000;

/** The rows as meisai writes them; each other row becomes a line in `unreadable`. */
export function readableRows(
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
  const typeKey = (row: { contractId: string; number: string; type: string }): string => `${row.contractId}|${row.number}|${row.type}`;
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
    return before === undefined || before.calls !== total.calls || before.durationTenths !== total.durationTenths || before.durationMs !== total.durationMs;
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
