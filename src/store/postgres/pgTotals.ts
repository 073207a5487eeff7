import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { TotalsBoundError } from '../../errors';
import { ChakuwariTotalSums, TOTAL_BOUND, totalsPastBound, TypeTotalSums } from '../totalsBound';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgSession';

/** Adds sums to the stored monthly totals (a row not there yet starts from zero), rows in key order. */
export async function addTotals(store: PgStore, client: Queryable, typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void> {
  if (typeTotals.length > 0) {
    await store.partitions.ensure('number_type_totals', typeTotals.map((total) => total.month));
    const past = await store.run(client, 'addTypeTotals', [
      typeTotals.map((total) => total.contractId),
      typeTotals.map((total) => total.month),
      typeTotals.map((total) => total.number),
      typeTotals.map((total) => total.type),
      typeTotals.map((total) => total.calls),
      typeTotals.map((total) => total.durationTenths),
      typeTotals.map((total) => total.chargeScaled),
      typeTotals.map((total) => total.chargeRemainderParts),
      TOTAL_BOUND,
    ]);
    if (past.rows.length > 0) throw new TotalsBoundError(totalsPastBound(past.rows as TypeTotalSums[], [])!);
  }
  if (chakuwariTotals.length > 0) {
    await store.partitions.ensure('chakuwari_totals', chakuwariTotals.map((total) => total.month));
    const past = await store.run(client, 'addChakuwariTotals', [
      chakuwariTotals.map((total) => total.contractId),
      chakuwariTotals.map((total) => total.month),
      chakuwariTotals.map((total) => total.number),
      chakuwariTotals.map((total) => total.calls),
      chakuwariTotals.map((total) => total.durationTenths),
      chakuwariTotals.map((total) => total.durationMs),
      TOTAL_BOUND,
    ]);
    if (past.rows.length > 0) throw new TotalsBoundError(totalsPastBound([], past.rows as ChakuwariTotalSums[])!);
  }
}

