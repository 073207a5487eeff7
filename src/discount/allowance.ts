import { RatedCall } from '../rate/rateRecord';
import { Allowance } from '../tariff/tariff';
import { truncateToTenths } from '../time/duration';

/** A billed call of the month as the allowance reads it (neither late nor unrated); its charge is after the per-call rounding. */
export type AllowanceCall = Pick<
  RatedCall,
  'recordId' | 'number' | 'direction' | 'peer' | 'peerClass' | 'startMs' | 'durationMs' | 'chargeScaled'
>;

/** How much of one call the allowances covered. */
export interface CoveredCall {
  recordId: string;
  number: string;
  durationMs: number;
  /** Scaled yen of its charge covered (never more than the charge). */
  coveredScaled: number;
}

/**
 * One allowance's month, for the contract (`number` null) or for one number: what it was carried
 * in with, what of that was used, and what of its own amount was used. Units: scaled yen or ms.
 */
export interface AllowanceBalance {
  allowanceId: string;
  number: string | null;
  carriedIn: number;
  carriedUsed: number;
  /** The month's own amount (the allowance's amount). */
  own: number;
  ownUsed: number;
}

/** Carried-in amounts by balance key (`carryKey`): scaled yen or ms. */
export type CarriedIn = ReadonlyMap<string, number>;

/** The month's allowance use: each covered call in call order, each number's sum, and each allowance's balance. */
export interface AllowanceUse {
  covered: CoveredCall[];
  /** Per number: the calls covered (wholly or in part), their duration in tenths as the statement sums it, and the charge covered. */
  byNumber: Map<string, { calls: number; durationTenths: number; coveredScaled: number }>;
  /**
   * Per allowance (plan order), then number (code-unit order): a per-contract allowance always
   * has one; a per-number one has one for each number with a billed outbound call or a carry.
   */
  balances: AllowanceBalance[];
}

/** The key of an allowance's balance: the allowance id, and the number for a per-number one (null: per contract). */
export function carryKey(allowanceId: string, number: string | null): string {
  return number === null ? allowanceId : `${allowanceId}\u0000${number}`;
}

/** Call order: start, then record_id (code units), whatever order the calls were stored in. */
export function compareCallOrder(
  left: Pick<AllowanceCall, 'startMs' | 'recordId'>,
  right: Pick<AllowanceCall, 'startMs' | 'recordId'>,
): number {
  if (left.startMs !== right.startMs) return left.startMs - right.startMs;
  if (left.recordId === right.recordId) return 0;
  return left.recordId < right.recordId ? -1 : 1;
}

function covers(allowance: Allowance, call: AllowanceCall): boolean {
  if (call.direction !== 'out' || !allowance.callTypes.has(call.peerClass as never)) return false;
  return allowance.prefixes === null || allowance.prefixes.some((prefix) => call.peer.startsWith(prefix));
}

/**
 * 無料通話分 of one contract and month: the allowances, in the plan's order, cover the billed
 * outbound calls of their types in call order (start, then record_id) until each is used up; the
 * order the calls arrived in does not matter. Each allowance starts the month with its own amount
 * plus what `carriedIn` gives it (from `carriedInto`); the carried part is used first.
 * `per: 'number'` gives each number its own.
 * - yen: covers min(remaining yen, the call's charge not yet covered).
 *     e.g. 1,000 yen; calls of 600, 300, 250 yen → 600 + 300 + 100 (the third crosses) = 1,000
 *     e.g. 1,000 yen and 200 carried in; calls of 150, 600 → 150 carried; 50 carried + 550 own
 * - minutes: covers min(remaining time, the call's duration); a call wholly inside is covered
 *   wholly, one crossing the rest has the share of its charge that the covered time is of its
 *   duration, rounded down to the scaled yen (1/10,000 yen).
 *     e.g. 1 minute left; a 90 s call of 30 yen → 30 × 60/90 = 20 yen covered, 60 s used
 * A call whose charge is 0 uses nothing.
 */
export function applyAllowances(
  calls: readonly AllowanceCall[],
  allowances: readonly Allowance[],
  carriedIn: CarriedIn = new Map(),
): AllowanceUse {
  const use: AllowanceUse = { covered: [], byNumber: new Map(), balances: [] };
  if (allowances.length === 0) return use;
  const balances = new Map<string, AllowanceBalance>();
  const balanceOf = (allowance: Allowance, number: string | null): AllowanceBalance => {
    const owner = allowance.per === 'contract' ? null : number;
    const key = carryKey(allowance.id, owner);
    let balance = balances.get(key);
    if (balance === undefined) {
      balance = {
        allowanceId: allowance.id,
        number: owner,
        carriedIn: carriedIn.get(key) ?? 0,
        carriedUsed: 0,
        own: allowance.amount,
        ownUsed: 0,
      };
      balances.set(key, balance);
    }
    return balance;
  };
  // Every balance the month has, before any call: a contract's, each number's with an outbound call, each carried one.
  const numbers = new Set(calls.filter((call) => call.direction === 'out').map((call) => call.number));
  for (const allowance of allowances) {
    if (allowance.per === 'contract') balanceOf(allowance, null);
    else for (const number of numbers) balanceOf(allowance, number);
  }
  for (const key of carriedIn.keys()) {
    const [id, number] = key.split('\u0000');
    const allowance = allowances.find((candidate) => candidate.id === id);
    if (allowance !== undefined && (allowance.per === 'contract') === (number === undefined))
      balanceOf(allowance, number ?? null);
  }
  for (const call of [...calls].sort(compareCallOrder)) {
    let uncovered = call.chargeScaled;
    for (const allowance of allowances) {
      if (uncovered <= 0) break;
      if (!covers(allowance, call)) continue;
      const balance = balanceOf(allowance, call.number);
      const available = balance.carriedIn - balance.carriedUsed + balance.own - balance.ownUsed;
      if (available <= 0) continue;
      let taken: number;
      if (allowance.unit === 'yen') {
        taken = Math.min(available, uncovered);
        uncovered -= taken;
      } else {
        taken = Math.min(available, call.durationMs);
        const share =
          taken === call.durationMs
            ? call.chargeScaled
            : Number((BigInt(call.chargeScaled) * BigInt(taken)) / BigInt(call.durationMs));
        uncovered -= Math.min(uncovered, share);
      }
      // The carried part first, then the month's own.
      const fromCarried = Math.min(taken, balance.carriedIn - balance.carriedUsed);
      balance.carriedUsed += fromCarried;
      balance.ownUsed += taken - fromCarried;
    }
    const coveredScaled = call.chargeScaled - uncovered;
    if (coveredScaled === 0) continue;
    use.covered.push({ recordId: call.recordId, number: call.number, durationMs: call.durationMs, coveredScaled });
    const sums = use.byNumber.get(call.number) ?? { calls: 0, durationTenths: 0, coveredScaled: 0 };
    sums.calls += 1;
    sums.durationTenths += truncateToTenths(call.durationMs);
    sums.coveredScaled += coveredScaled;
    use.byNumber.set(call.number, sums);
  }
  const order = new Map(allowances.map((allowance, index) => [allowance.id, index]));
  use.balances = [...balances.values()].sort(
    (left, right) =>
      order.get(left.allowanceId)! - order.get(right.allowanceId)! ||
      ((left.number ?? '') < (right.number ?? '') ? -1 : (left.number ?? '') > (right.number ?? '') ? 1 : 0),
  );
  return use;
}

/** A month's plan and allowances, as `carriedInto` compares two months. */
export interface AllowanceMonth {
  plan: string;
  allowances: readonly Allowance[];
}

/**
 * What month M's allowances are carried in with from M-1: an allowance of M with `carryOver:
 * next-month` gets, per contract or per number, what was left of M-1's own amount of the allowance
 * of the same id (M-1's carried part, used first there, lapsed at M-1's end: a carry never rolls
 * again). Nothing when M-1's plan is another plan, or it has no allowance of that id, or that
 * allowance has another unit or `per`.
 *   e.g. 1,000 yen in M-1, 200 carried in, 900 used → 200 carried + 700 own used → 300 carried into M
 */
export function carriedInto(previous: AllowanceMonth & { use: AllowanceUse }, current: AllowanceMonth): CarriedIn {
  const carried = new Map<string, number>();
  if (previous.plan !== current.plan) return carried;
  for (const allowance of current.allowances) {
    if (allowance.carryOver !== 'next-month') continue;
    const before = previous.allowances.find((candidate) => candidate.id === allowance.id);
    if (before === undefined || before.unit !== allowance.unit || before.per !== allowance.per) continue;
    for (const balance of previous.use.balances) {
      if (balance.allowanceId !== allowance.id) continue;
      carried.set(carryKey(allowance.id, balance.number), balance.own - balance.ownUsed);
    }
  }
  return carried;
}

/** What the allowances would do for one more call: the ones that cover its kind, and how much of its charge they would cover. */
export interface OneMoreCall {
  allowanceIds: string[];
  coveredScaled: number;
}

/** A record_id after every stored one (they are printable ASCII): the quoted call comes after the calls of its start. */
const AFTER_EVERY_RECORD_ID = '\uffff';

/**
 * `quote`'s allowance: the month's billed calls as they stand plus this call, in call order (the
 * call after the stored ones of its very start), with what the month was carried in with, and
 * what the allowances would cover of it.
 *   e.g. 1,000 yen, 900 used by earlier calls; a 250-yen call → 100 covered, 150 charged
 */
export function coverOfOneMore(
  monthCalls: readonly AllowanceCall[],
  call: Omit<AllowanceCall, 'recordId'>,
  allowances: readonly Allowance[],
  carriedIn: CarriedIn = new Map(),
): OneMoreCall {
  const quoted: AllowanceCall = { ...call, recordId: AFTER_EVERY_RECORD_ID };
  const use = applyAllowances([...monthCalls, quoted], allowances, carriedIn);
  return {
    allowanceIds: allowances.filter((allowance) => covers(allowance, quoted)).map((allowance) => allowance.id),
    coveredScaled: use.covered.find((covered) => covered.recordId === AFTER_EVERY_RECORD_ID)?.coveredScaled ?? 0,
  };
}
