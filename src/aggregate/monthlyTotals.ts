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

/** The position of a call type in CALL_TYPES; the 着割 sums take the row after the last type. */
const TYPE_INDEX = new Map<string, number>(CALL_TYPES.map((type, index) => [type, index]));
const CHAKUWARI_ROW = CALL_TYPES.length;
const ROWS_PER_SLOT = CALL_TYPES.length + 1;
/** A row's four sums: calls, duration tenths, then charge and remainder parts (type rows) or duration ms (the 着割 row). */
const SUMS_PER_ROW = 4;
const SUMS_PER_SLOT = ROWS_PER_SLOT * SUMS_PER_ROW;
const NO_SLOT = -1;

/**
 * Accumulates rated calls into per-number monthly sums. Zero-duration calls are not counted.
 * Sums are exact integers (each far below 2^53), so the order in which calls arrive never changes
 * them.
 *
 * A slot is one (number, contract, month); its sums live in one Float64Array, a row of four per
 * call type and one for 着割, so a call touches one map entry and one short run of numbers, and no
 * object or key string is made per call. A number nearly always has one contract and month, so
 * the map goes by number and a number's other slots (if any) are chained behind its first.
 */
export class MonthlyTotals {
  private readonly firstSlotOfNumber = new Map<string, number>();
  private readonly contractOfSlot: string[] = [];
  private readonly monthOfSlot: string[] = [];
  private readonly numberOfSlot: string[] = [];
  private nextSlotOfNumber = new Int32Array(1024);
  private sums = new Float64Array(1024 * SUMS_PER_SLOT);

  add(call: TotalledCall): void {
    if (call.durationMs <= 0) return;
    if (call.direction === 'out') {
      const typeIndex = TYPE_INDEX.get(call.peerClass);
      if (typeIndex === undefined) throw new RangeError(`an outbound call of class ${call.peerClass} has no call type`);
      const at = this.slotFor(call) * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW;
      const sums = this.sums;
      sums[at] = sums[at]! + 1;
      sums[at + 1] = sums[at + 1]! + truncateToTenths(call.durationMs);
      sums[at + 2] = sums[at + 2]! + call.chargeScaled;
      sums[at + 3] = sums[at + 3]! + call.chargeRemainderParts;
    } else if (call.chakuwariEligible) {
      const at = this.slotFor(call) * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW;
      const sums = this.sums;
      sums[at] = sums[at]! + 1;
      sums[at + 1] = sums[at + 1]! + truncateToTenths(call.durationMs);
      sums[at + 2] = sums[at + 2]! + call.durationMs;
    }
  }

  numberTypeTotals(): NumberTypeTotal[] {
    const totals: NumberTypeTotal[] = [];
    for (const slot of this.slotsInOrder()) {
      for (let typeIndex = 0; typeIndex < CALL_TYPES.length; typeIndex += 1) {
        const at = slot * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW;
        if (this.sums[at] === 0) continue;
        totals.push({
          contractId: this.contractOfSlot[slot]!,
          month: this.monthOfSlot[slot]!,
          number: this.numberOfSlot[slot]!,
          type: CALL_TYPES[typeIndex]!,
          calls: this.sums[at]!,
          durationTenths: this.sums[at + 1]!,
          chargeScaled: this.sums[at + 2]!,
          chargeRemainderParts: this.sums[at + 3]!,
        });
      }
    }
    return totals;
  }

  numberChakuwariTotals(): ChakuwariTotal[] {
    const totals: ChakuwariTotal[] = [];
    for (const slot of this.slotsInOrder()) {
      const at = slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW;
      if (this.sums[at] === 0) continue;
      totals.push({
        contractId: this.contractOfSlot[slot]!,
        month: this.monthOfSlot[slot]!,
        number: this.numberOfSlot[slot]!,
        calls: this.sums[at]!,
        durationTenths: this.sums[at + 1]!,
        durationMs: this.sums[at + 2]!,
      });
    }
    return totals;
  }

  /** Number by number in the order numbers first came, each number's slots in the order they came. */
  private *slotsInOrder(): Generator<number> {
    for (const first of this.firstSlotOfNumber.values()) {
      for (let slot = first; slot !== NO_SLOT; slot = this.nextSlotOfNumber[slot]!) yield slot;
    }
  }

  private slotFor(call: TotalledCall): number {
    const first = this.firstSlotOfNumber.get(call.number);
    if (first === undefined) {
      const slot = this.newSlot(call);
      this.firstSlotOfNumber.set(call.number, slot);
      return slot;
    }
    let slot = first;
    for (;;) {
      if (this.contractOfSlot[slot] === call.contractId && this.monthOfSlot[slot] === call.month) return slot;
      const next = this.nextSlotOfNumber[slot]!;
      if (next === NO_SLOT) break;
      slot = next;
    }
    const added = this.newSlot(call);
    this.nextSlotOfNumber[slot] = added;
    return added;
  }

  private newSlot(call: TotalledCall): number {
    const slot = this.numberOfSlot.length;
    if (slot === this.nextSlotOfNumber.length) {
      const next = new Int32Array(slot * 2);
      next.set(this.nextSlotOfNumber);
      this.nextSlotOfNumber = next;
      const sums = new Float64Array(slot * 2 * SUMS_PER_SLOT);
      sums.set(this.sums);
      this.sums = sums;
    }
    this.nextSlotOfNumber[slot] = NO_SLOT;
    this.contractOfSlot.push(call.contractId);
    this.monthOfSlot.push(call.month);
    this.numberOfSlot.push(call.number);
    return slot;
  }
}
