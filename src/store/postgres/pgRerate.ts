import { RatedCall } from '../../rate/rateRecord';
import { MonthScope, Rerating, TotalsDiff } from '../types';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgSession';
import { chakuwariTotalColumns, typeTotalColumns } from './pgTotals';

/** A re-rate's writes on PostgreSQL (PgSession delegates): the new ratings of its calls, then its totals diff. */
export async function applyReratings(store: PgStore, client: Queryable, reratings: Rerating[]): Promise<void> {
  const rated = reratings.filter((rerating): rerating is { recordId: string; rated: RatedCall } => 'rated' in rerating);
  const unrated = reratings.filter(
    (rerating): rerating is Extract<Rerating, { unratedCode: string }> => 'unratedCode' in rerating,
  );
  for (let start = 0; start < rated.length; start += 5000) {
    const slice = rated.slice(start, start + 5000).map((rerating) => rerating.rated);
    await store.run(client, 'applyRatings', [
      slice.map((call) => call.contractId),
      slice.map((call) => call.month),
      slice.map((call) => call.recordId),
      slice.map((call) => call.peerClass),
      slice.map((call) => call.tariffId),
      slice.map((call) => call.numberingPlanId),
      slice.map((call) => call.rateId),
      slice.map((call) => call.ratePrefix),
      slice.map((call) => call.units),
      slice.map((call) => call.chargeScaled),
      slice.map((call) => call.chakuwariEligible),
      slice.map((call) => call.planId),
      slice.map((call) => call.chargeRemainderParts),
    ]);
  }
  // The month of each call (a re-rate reads one month): a record_id stored in another month too is another call.
  const byMonth = new Map<string, typeof unrated>();
  for (const rerating of unrated) byMonth.set(rerating.month, [...(byMonth.get(rerating.month) ?? []), rerating]);
  for (const [month, ofMonth] of byMonth) {
    for (let start = 0; start < ofMonth.length; start += 5000) {
      const slice = ofMonth.slice(start, start + 5000);
      await store.run(client, 'markUnrated', [
        slice.map((rerating) => rerating.recordId),
        slice.map((rerating) => rerating.unratedCode),
        slice.map((rerating) => rerating.contractId),
        month,
      ]);
    }
  }
}

export async function applyTotalsDiff(
  store: PgStore,
  client: Queryable,
  scope: MonthScope,
  diff: TotalsDiff,
): Promise<void> {
  const { typeTotals, chakuwariTotals, goneTypeTotals, goneChakuwariTotals } = diff;
  if (typeTotals.length > 0) {
    await store.partitions.ensure(
      'number_type_totals',
      typeTotals.map((total) => total.month),
    );
    await store.run(client, 'setTypeTotals', typeTotalColumns(typeTotals));
  }
  if (chakuwariTotals.length > 0) {
    await store.partitions.ensure(
      'chakuwari_totals',
      chakuwariTotals.map((total) => total.month),
    );
    await store.run(client, 'setChakuwariTotals', chakuwariTotalColumns(chakuwariTotals));
  }
  if (goneTypeTotals.length > 0) {
    await store.run(client, 'deleteTypeTotals', [
      scope.month,
      goneTypeTotals.map((row) => row.contractId),
      goneTypeTotals.map((row) => row.number),
      goneTypeTotals.map((row) => row.type),
    ]);
  }
  if (goneChakuwariTotals.length > 0) {
    await store.run(client, 'deleteChakuwariTotals', [
      scope.month,
      goneChakuwariTotals.map((row) => row.contractId),
      goneChakuwariTotals.map((row) => row.number),
    ]);
  }
}
