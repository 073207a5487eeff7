import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { TotalsBoundError } from '../../errors';
import { ChakuwariTotalSums, TOTAL_BOUND, totalsPastBound, TypeTotalSums } from '../totalsBound';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgSession';
import { integerArray, textArray } from './arrayLiteral';

/** Type totals rows as the column arrays (literals) the add and set statements take ($1..$8). */
export function typeTotalColumns(rows: NumberTypeTotal[]): string[] {
  return [
    textArray(rows.map((total) => total.contractId)),
    textArray(rows.map((total) => total.month)),
    textArray(rows.map((total) => total.number)),
    textArray(rows.map((total) => total.type)),
    integerArray(rows.map((total) => total.calls)),
    integerArray(rows.map((total) => total.durationTenths)),
    integerArray(rows.map((total) => total.chargeScaled)),
    integerArray(rows.map((total) => total.chargeRemainderParts)),
  ];
}

/** 着割 totals rows as the column arrays (literals) the add and set statements take ($1..$6). */
export function chakuwariTotalColumns(rows: ChakuwariTotal[]): string[] {
  return [
    textArray(rows.map((total) => total.contractId)),
    textArray(rows.map((total) => total.month)),
    textArray(rows.map((total) => total.number)),
    integerArray(rows.map((total) => total.calls)),
    integerArray(rows.map((total) => total.durationTenths)),
    integerArray(rows.map((total) => total.durationMs)),
  ];
}

/** Adds sums to the stored monthly totals (a row not there yet starts from zero), rows in key order. */
export async function addTotals(
  store: PgStore,
  client: Queryable,
  typeTotals: NumberTypeTotal[],
  chakuwariTotals: ChakuwariTotal[],
): Promise<void> {
  if (typeTotals.length > 0) {
    await store.partitions.ensure(
      'number_type_totals',
      typeTotals.map((total) => total.month),
    );
    const past = await store.run(client, 'addTypeTotals', [...typeTotalColumns(typeTotals), TOTAL_BOUND]);
    if (past.rows.length > 0) throw new TotalsBoundError(totalsPastBound(past.rows as TypeTotalSums[], [])!);
  }
  if (chakuwariTotals.length > 0) {
    await store.partitions.ensure(
      'chakuwari_totals',
      chakuwariTotals.map((total) => total.month),
    );
    const past = await store.run(client, 'addChakuwariTotals', [
      ...chakuwariTotalColumns(chakuwariTotals),
      TOTAL_BOUND,
    ]);
    if (past.rows.length > 0) throw new TotalsBoundError(totalsPastBound([], past.rows as ChakuwariTotalSums[])!);
  }
}
