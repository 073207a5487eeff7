import { japanDateStartMs } from '../time/japanTime';

/**
 * A contract (or one of its numbers) subscribed to a plan from a Japan-time date on, until its
 * next subscription. A number-level subscription overrides its contract's.
 */
export interface Subscription {
  contractId: string;
  /** Null: the whole contract. */
  number: string | null;
  plan: string;
  /** `YYYY-MM-DD`, Japan time. */
  effectiveFrom: string;
}

interface Period {
  fromMs: number;
  plan: string;
}

/** Every subscription, answering "which plan rates this contract's (or number's) call at this instant". */
export class SubscriptionBook {
  private readonly byContract = new Map<string, Period[]>();
  /** By contract, then number: no key string is built per call looked up. */
  private readonly byNumber = new Map<string, Map<string, Period[]>>();
  private numberSubscriptions = 0;

  constructor(
    /** The subscriptions it was built from (an ingest worker builds the same book from them). */
    readonly subscriptions: readonly Subscription[] = [],
  ) {
    const all: Period[][] = [];
    for (const subscription of subscriptions) {
      let index = this.byContract;
      let key = subscription.contractId;
      if (subscription.number !== null) {
        index = this.byNumber.get(subscription.contractId) ?? new Map<string, Period[]>();
        this.byNumber.set(subscription.contractId, index);
        key = subscription.number;
      }
      let periods = index.get(key);
      if (periods === undefined) {
        periods = [];
        index.set(key, periods);
        all.push(periods);
        if (subscription.number !== null) this.numberSubscriptions += 1;
      }
      periods.push({ fromMs: japanDateStartMs(subscription.effectiveFrom), plan: subscription.plan });
    }
    for (const periods of all) periods.sort((left, right) => left.fromMs - right.fromMs);
  }

  get size(): number {
    return this.byContract.size + this.numberSubscriptions;
  }

  /** The plan of the number's own subscription in effect at the instant, else its contract's; undefined: none (the default plan applies). */
  planAt(contractId: string, number: string | null, atMs: number): string | undefined {
    if (number !== null) {
      const own = inEffect(this.byNumber.get(contractId)?.get(number), atMs);
      if (own !== undefined) return own;
    }
    return inEffect(this.byContract.get(contractId), atMs);
  }
}

function inEffect(periods: Period[] | undefined, atMs: number): string | undefined {
  if (periods === undefined) return undefined;
  let plan: string | undefined;
  for (const period of periods) {
    if (period.fromMs > atMs) break;
    plan = period.plan;
  }
  return plan;
}
