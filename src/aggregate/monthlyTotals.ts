import { CALL_TYPES, CallType } from '../rate/callType';
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
  /** The exact remainders of calls rated with rounding `none`, in 1/3600 of a scaled yen (not reduced). */
  chargeRemainderParts: number;
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

/** What the totals are made of: the fields of a rated call they read. */
export type TotalledCall = Pick<RatedCall, 'contractId' | 'month' | 'number' | 'direction' | 'peerClass' | 'durationMs' | 'chargeScaled' | 'chargeRemainderParts' | 'chakuwariEligible'>;

/** One number's sums in one contract and month, a slot per call type. */
interface NumberMonth {
  contractId: string;
  month: string;
  number: string;
  types: (NumberTypeTotal | undefined)[];
  chakuwari: ChakuwariTotal | undefined;
}

/**
 * Accumulates rated calls into per-number monthly sums. Zero-duration calls are not counted.
 * Sums are exact integers, so the order in which calls arrive never changes them. Look-ups go
 * by number first (a number nearly always has one contract and month per file), so no key
 * string is built per call.
 */
export class MonthlyTotals {
  private readonly byNumber = new Map<string, NumberMonth[]>();

  add(call: TotalledCall): void {
    if (call.durationMs <= 0) return;
    if (call.direction === 'out') {
      const slots = this.slotFor(call).types;
      const typeIndex = CALL_TYPES.indexOf(call.peerClass as CallType);
      let total = slots[typeIndex];
      if (total === undefined) {
        total = { contractId: call.contractId, month: call.month, number: call.number, type: CALL_TYPES[typeIndex]!, calls: 0, durationTenths: 0, chargeScaled: 0, chargeRemainderParts: 0 };
        slots[typeIndex] = total;
      }
      total.calls += 1;
      total.durationTenths += truncateToTenths(call.durationMs);
      total.chargeScaled += call.chargeScaled;
      total.chargeRemainderParts += call.chargeRemainderParts;
    } else if (call.chakuwariEligible) {
      const slot = this.slotFor(call);
      if (slot.chakuwari === undefined) {
        slot.chakuwari = { contractId: call.contractId, month: call.month, number: call.number, calls: 0, durationTenths: 0, durationMs: 0 };
      }
      slot.chakuwari.calls += 1;
      slot.chakuwari.durationTenths += truncateToTenths(call.durationMs);
      slot.chakuwari.durationMs += call.durationMs;
    }
  }

  numberTypeTotals(): NumberTypeTotal[] {
    return this.slots().flatMap((slot) => slot.types.filter((total): total is NumberTypeTotal => total !== undefined));
  }

  numberChakuwariTotals(): ChakuwariTotal[] {
    return this.slots().flatMap((slot) => (slot.chakuwari === undefined ? [] : [slot.chakuwari]));
  }

  private slots(): NumberMonth[] {
    return [...this.byNumber.values()].flat();
  }

  private slotFor(call: TotalledCall): NumberMonth {
    let slots = this.byNumber.get(call.number);
    if (slots === undefined) {
      slots = [];
      this.byNumber.set(call.number, slots);
    }
    for (const slot of slots) {
      if (slot.contractId === call.contractId && slot.month === call.month) return slot;
    }
    const slot: NumberMonth = { contractId: call.contractId, month: call.month, number: call.number, types: [], chakuwari: undefined };
    slots.push(slot);
    return slot;
  }
}
