import { CallType } from '../rate/callType';
import { RatedCall } from '../rate/rateRecord';
import { truncateToTenths } from '../time/duration';

/** The sums behind one statement row of one number: outbound calls of one type in one month. */
export interface NumberTypeTotal {
  contractId: string;
  month: string;
  number: string;
  type: CallType;
  calls: number;
  durationTenths: number;
  chargeScaled: number;
}

/** The sums behind one number's 着割 row: its eligible inbound calls in one month. */
export interface ChakuwariTotal {
  contractId: string;
  month: string;
  number: string;
  calls: number;
  durationTenths: number;
  /** Exact eligible time: the discount is computed from this, not from the shown tenths. */
  durationMs: number;
}

/**
 * Accumulates rated calls into per-number monthly sums. Zero-duration calls are not counted.
 * Sums are exact integers, so the order in which calls arrive never changes them.
 */
export class MonthlyTotals {
  private readonly typeTotals = new Map<string, NumberTypeTotal>();
  private readonly chakuwariTotals = new Map<string, ChakuwariTotal>();

  add(call: RatedCall): void {
    if (call.durationMs <= 0) return;
    const tenths = truncateToTenths(call.durationMs);
    if (call.direction === 'out') {
      const type = call.peerClass as CallType;
      const key = `${call.contractId}|${call.month}|${call.number}|${type}`;
      let total = this.typeTotals.get(key);
      if (total === undefined) {
        total = { contractId: call.contractId, month: call.month, number: call.number, type, calls: 0, durationTenths: 0, chargeScaled: 0 };
        this.typeTotals.set(key, total);
      }
      total.calls += 1;
      total.durationTenths += tenths;
      total.chargeScaled += call.chargeScaled;
    } else if (call.chakuwariEligible) {
      const key = `${call.contractId}|${call.month}|${call.number}`;
      let total = this.chakuwariTotals.get(key);
      if (total === undefined) {
        total = { contractId: call.contractId, month: call.month, number: call.number, calls: 0, durationTenths: 0, durationMs: 0 };
        this.chakuwariTotals.set(key, total);
      }
      total.calls += 1;
      total.durationTenths += tenths;
      total.durationMs += call.durationMs;
    }
  }

  numberTypeTotals(): NumberTypeTotal[] {
    return [...this.typeTotals.values()];
  }

  numberChakuwariTotals(): ChakuwariTotal[] {
    return [...this.chakuwariTotals.values()];
  }
}
