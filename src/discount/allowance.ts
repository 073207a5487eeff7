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

/** The month's allowance use: each covered call in call order, and each number's sum. */
export interface AllowanceUse {
  covered: CoveredCall[];
  /** Per number: the calls covered (wholly or in part), their duration in tenths as the statement sums it, and the charge covered. */
  byNumber: Map<string, { calls: number; durationTenths: number; coveredScaled: number }>;
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
 * order the calls arrived in does not matter. Each allowance starts the month full (nothing is
 * carried over); `per: 'number'` gives each number its own.
 * - yen: covers min(remaining yen, the call's charge not yet covered).
 *     e.g. 1,000 yen; calls of 600, 300, 250 yen → 600 + 300 + 100 (the third crosses) = 1,000
 * - minutes: covers min(remaining time, the call's duration); a call wholly inside is covered
 *   wholly, one crossing the rest has the share of its charge that the covered time is of its
 *   duration, rounded down to the scaled yen (1/10,000 yen).
 *     e.g. 1 minute left; a 90 s call of 30 yen → 30 × 60/90 = 20 yen covered, 60 s used
 * A call whose charge is 0 uses nothing.
 */
export function applyAllowances(calls: readonly AllowanceCall[], allowances: readonly Allowance[]): AllowanceUse {
  const use: AllowanceUse = { covered: [], byNumber: new Map() };
  if (allowances.length === 0) return use;
  const remaining = new Map<string, number>();
  const left = (allowance: Allowance, number: string): [string, number] => {
    const key = allowance.per === 'contract' ? allowance.id : `${allowance.id}\u0000${number}`;
    return [key, remaining.get(key) ?? allowance.amount];
  };
  for (const call of [...calls].sort(compareCallOrder)) {
    let uncovered = call.chargeScaled;
    for (const allowance of allowances) {
      if (uncovered <= 0) break;
      if (!covers(allowance, call)) continue;
      const [key, available] = left(allowance, call.number);
      if (available <= 0) continue;
      if (allowance.unit === 'yen') {
        const taken = Math.min(available, uncovered);
        remaining.set(key, available - taken);
        uncovered -= taken;
      } else {
        const coveredMs = Math.min(available, call.durationMs);
        const share =
          coveredMs === call.durationMs
            ? call.chargeScaled
            : Number((BigInt(call.chargeScaled) * BigInt(coveredMs)) / BigInt(call.durationMs));
        remaining.set(key, available - coveredMs);
        uncovered -= Math.min(uncovered, share);
      }
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
  return use;
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
 * call after the stored ones of its very start), and what the allowances would cover of it.
 *   e.g. 1,000 yen, 900 used by earlier calls; a 250-yen call → 100 covered, 150 charged
 */
export function coverOfOneMore(
  monthCalls: readonly AllowanceCall[],
  call: Omit<AllowanceCall, 'recordId'>,
  allowances: readonly Allowance[],
): OneMoreCall {
  const quoted: AllowanceCall = { ...call, recordId: AFTER_EVERY_RECORD_ID };
  const use = applyAllowances([...monthCalls, quoted], allowances);
  return {
    allowanceIds: allowances.filter((allowance) => covers(allowance, quoted)).map((allowance) => allowance.id),
    coveredScaled: use.covered.find((covered) => covered.recordId === AFTER_EVERY_RECORD_ID)?.coveredScaled ?? 0,
  };
}
