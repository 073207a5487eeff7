import { ExportedTotals, MonthlyTotals } from '../aggregate/monthlyTotals';
import { RejectCode } from '../input/rejection';
import { RatedCall, rateByReference } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';
import { japanMonth } from '../time/japanTime';
import { Rerating, StoredCall, StoredRating } from '../store/types';

/** What re-rating a batch of stored calls gives, before anything is written: the pure part of a re-rate. */
export interface RerateBatch {
  /** Only the calls whose stored rating (or late, or unrated mark) changes. */
  reratings: Rerating[];
  /** The calls that count in the totals now. */
  billed: RatedCall[];
  unrated: Partial<Record<RejectCode, number>>;
  /** The contracts of the calls that are unrated now (a billed call's contract is in `billed`). */
  unratedContracts: string[];
  lateBilled: number;
}

/** Re-classifies and re-rates stored calls with the reference data as it is now. */
export function planRerate(calls: StoredCall[], reference: ReferenceData): RerateBatch {
  const plan: RerateBatch = { reratings: [], billed: [], unrated: {}, unratedContracts: [], lateBilled: 0 };
  for (const call of calls) {
    const { late, rating, storeRow } = call;
    if (late) plan.lateBilled += 1;
    // The stored call is its own record (rateRecord reads only the record's fields): no copy per call.
    const rated = rateByReference(call, reference);
    if ('ok' in rated) {
      plan.unrated[rated.code] = (plan.unrated[rated.code] ?? 0) + 1;
      plan.unratedContracts.push(call.contractId);
      // Its earlier rating stays for the trace; the code marks it as left out of the totals.
      if (late || rating.unratedCode !== rated.code)
        plan.reratings.push({
          recordId: call.recordId,
          storeRow,
          unratedCode: rated.code,
          contractId: call.contractId,
          month: japanMonth(call.startMs),
        });
      continue;
    }
    if (late || !sameRating(rating, rated)) plan.reratings.push({ recordId: call.recordId, storeRow, rated });
    plan.billed.push(rated);
  }
  return plan;
}

function sameRating(stored: StoredRating, rated: RatedCall): boolean {
  return (
    stored.unratedCode === null &&
    stored.peerClass === rated.peerClass &&
    stored.planId === rated.planId &&
    stored.tariffId === rated.tariffId &&
    stored.numberingPlanId === rated.numberingPlanId &&
    stored.rateId === rated.rateId &&
    stored.ratePrefix === rated.ratePrefix &&
    stored.units === rated.units &&
    stored.chargeScaled === rated.chargeScaled &&
    stored.chargeRemainderParts === rated.chargeRemainderParts &&
    stored.chakuwariEligible === rated.chakuwariEligible
  );
}

/** A tally as plain data (RerateTally.exported), posted from the thread that re-rated a share of the month. */
export interface ExportedTally {
  totals: ExportedTotals;
  contracts: string[];
  calls: number;
  lateBilled: number;
  unrated: Partial<Record<RejectCode, number>>;
}

/**
 * What the batches of a re-rate add up to, apart from their writes: the month's totals, the
 * contracts of calls counted in no totals row (unrated now, or billed in no row: no duration,
 * inbound without 着割), the calls read, the late ones billed now and the unrated ones by reason.
 * A contract of a totals row is in the totals, not in `contracts`: no set look-up per call.
 */
export class RerateTally {
  readonly totals = new MonthlyTotals();
  readonly contracts = new Set<string>();
  calls = 0;
  lateBilled = 0;
  readonly unrated: Partial<Record<RejectCode, number>> = {};

  add(calls: number, plan: RerateBatch): void {
    for (const contract of plan.unratedContracts) this.contracts.add(contract);
    for (const call of plan.billed) if (!this.totals.add(call)) this.contracts.add(call.contractId);
    this.calls += calls;
    this.lateBilled += plan.lateBilled;
    this.addUnrated(plan.unrated);
  }

  /** Every contract with a call in the scope, in code unit order. */
  allContracts(): string[] {
    return [...new Set([...this.contracts, ...this.totals.contracts()])].sort();
  }

  exported(): ExportedTally {
    return {
      totals: this.totals.exported(),
      contracts: [...this.contracts],
      calls: this.calls,
      lateBilled: this.lateBilled,
      unrated: this.unrated,
    };
  }

  /** Adds the tally of another share of the same month (a later one: its new numbers come after these). */
  addExported(other: ExportedTally): void {
    this.totals.addExported(other.totals);
    for (const contract of other.contracts) this.contracts.add(contract);
    this.calls += other.calls;
    this.lateBilled += other.lateBilled;
    this.addUnrated(other.unrated);
  }

  private addUnrated(unrated: Partial<Record<RejectCode, number>>): void {
    for (const [code, count] of Object.entries(unrated) as [RejectCode, number][])
      this.unrated[code] = (this.unrated[code] ?? 0) + count;
  }
}
