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
  private readonly byNumber = new Map<string, Period[]>();

  constructor(
    /** The subscriptions it was built from (an ingest worker builds the same book from them). */
    readonly subscriptions: readonly Subscription[] = [],
  ) {
    for (const subscription of subscriptions) {
      const index = subscription.number === null ? this.byContract : this.byNumber;
      const key = subscription.number === null ? subscription.contractId : `${subscription.contractId} ${subscription.number}`;
      const periods = index.get(key) ?? [];
      periods.push({ fromMs: japanDateStartMs(subscription.effectiveFrom), plan: subscription.plan });
      index.set(key, periods);
    }
    for (const periods of [...this.byContract.values(), ...this.byNumber.values()]) periods.sort((left, right) => left.fromMs - right.fromMs);
  }

  get size(): number {
    return this.byContract.size + this.byNumber.size;
  }

  /** The plan of the number's own subscription in effect at the instant, else its contract's; undefined: none (the default plan applies). */
  planAt(contractId: string, number: string | null, atMs: number): string | undefined {
    if (number !== null) {
      const own = inEffect(this.byNumber.get(`${contractId} ${number}`), atMs);
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
