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

/** A row of the computed totals and the stored row of the same key, where they differ; either may be missing. */
export interface TotalsMismatch<Row> {
  computed: Row | undefined;
  stored: Row | undefined;
}

export interface TotalsMismatches {
  typeTotals: TotalsMismatch<NumberTypeTotal>[];
  chakuwariTotals: TotalsMismatch<ChakuwariTotal>[];
}

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
        if (this.sums[slot * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW] !== 0) totals.push(this.typeTotalAt(slot, typeIndex));
      }
    }
    return totals;
  }

  numberChakuwariTotals(): ChakuwariTotal[] {
    const totals: ChakuwariTotal[] = [];
    for (const slot of this.slotsInOrder()) {
      if (this.sums[slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW] !== 0) totals.push(this.chakuwariTotalAt(slot));
    }
    return totals;
  }

  /** How many rows numberTypeTotals and numberChakuwariTotals would give, without making them. */
  rowCounts(): { typeTotals: number; chakuwariTotals: number } {
    const counts = { typeTotals: 0, chakuwariTotals: 0 };
    for (let slot = 0; slot < this.numberOfSlot.length; slot += 1) {
      for (let typeIndex = 0; typeIndex < CALL_TYPES.length; typeIndex += 1) {
        if (this.sums[slot * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW] !== 0) counts.typeTotals += 1;
      }
      if (this.sums[slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW] !== 0) counts.chakuwariTotals += 1;
    }
    return counts;
  }

  /**
   * The rows where these totals and `stored` differ: a row only one side has, or one whose figures
   * differ. Equal rows make no object. The rows of these totals come first, in the order
   * numberTypeTotals gives them (with their stored row, if any), then the stored rows these
   * totals lack, in their order. The stored rows are read once each, in order, and kept only when
   * they differ: a store may hand them over as they are read.
   */
  mismatchesWith(stored: { typeTotals: Iterable<NumberTypeTotal>; chakuwariTotals: Iterable<ChakuwariTotal> }): TotalsMismatches {
    /** Per slot row (slot * ROWS_PER_SLOT + row): 1 where `stored` has it with the same figures. */
    const equal = new Uint8Array(this.numberOfSlot.length * ROWS_PER_SLOT);
    /** The stored rows with other figures (few), by slot row. */
    const storedRows = new Map<number, NumberTypeTotal | ChakuwariTotal>();
    const storedOnlyTypes: NumberTypeTotal[] = [];
    const storedOnlyChakuwari: ChakuwariTotal[] = [];
    for (const row of stored.typeTotals) {
      const slot = this.findSlot(row.contractId, row.month, row.number);
      const typeIndex = TYPE_INDEX.get(row.type);
      const at = slot * SUMS_PER_SLOT + (typeIndex ?? 0) * SUMS_PER_ROW;
      if (slot === NO_SLOT || typeIndex === undefined || this.sums[at] === 0) {
        storedOnlyTypes.push(row);
      } else if (
        this.sums[at] === row.calls &&
        this.sums[at + 1] === row.durationTenths &&
        this.sums[at + 2] === row.chargeScaled &&
        this.sums[at + 3] === row.chargeRemainderParts
      ) {
        equal[slot * ROWS_PER_SLOT + typeIndex] = 1;
      } else {
        storedRows.set(slot * ROWS_PER_SLOT + typeIndex, row);
      }
    }
    for (const row of stored.chakuwariTotals) {
      const slot = this.findSlot(row.contractId, row.month, row.number);
      const at = slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW;
      if (slot === NO_SLOT || this.sums[at] === 0) {
        storedOnlyChakuwari.push(row);
      } else if (this.sums[at] === row.calls && this.sums[at + 1] === row.durationTenths && this.sums[at + 2] === row.durationMs) {
        equal[slot * ROWS_PER_SLOT + CHAKUWARI_ROW] = 1;
      } else {
        storedRows.set(slot * ROWS_PER_SLOT + CHAKUWARI_ROW, row);
      }
    }
    const mismatches: TotalsMismatches = { typeTotals: [], chakuwariTotals: [] };
    for (const slot of this.slotsInOrder()) {
      for (let typeIndex = 0; typeIndex < CALL_TYPES.length; typeIndex += 1) {
        const row = slot * ROWS_PER_SLOT + typeIndex;
        if (this.sums[slot * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW] === 0 || equal[row] === 1) continue;
        mismatches.typeTotals.push({ computed: this.typeTotalAt(slot, typeIndex), stored: storedRows.get(row) as NumberTypeTotal | undefined });
      }
    }
    for (const slot of this.slotsInOrder()) {
      const row = slot * ROWS_PER_SLOT + CHAKUWARI_ROW;
      if (this.sums[slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW] === 0 || equal[row] === 1) continue;
      mismatches.chakuwariTotals.push({ computed: this.chakuwariTotalAt(slot), stored: storedRows.get(row) as ChakuwariTotal | undefined });
    }
    for (const row of storedOnlyTypes) mismatches.typeTotals.push({ computed: undefined, stored: row });
    for (const row of storedOnlyChakuwari) mismatches.chakuwariTotals.push({ computed: undefined, stored: row });
    return mismatches;
  }

  private typeTotalAt(slot: number, typeIndex: number): NumberTypeTotal {
    const at = slot * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW;
    return {
      contractId: this.contractOfSlot[slot]!,
      month: this.monthOfSlot[slot]!,
      number: this.numberOfSlot[slot]!,
      type: CALL_TYPES[typeIndex]!,
      calls: this.sums[at]!,
      durationTenths: this.sums[at + 1]!,
      chargeScaled: this.sums[at + 2]!,
      chargeRemainderParts: this.sums[at + 3]!,
    };
  }

  private chakuwariTotalAt(slot: number): ChakuwariTotal {
    const at = slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW;
    return {
      contractId: this.contractOfSlot[slot]!,
      month: this.monthOfSlot[slot]!,
      number: this.numberOfSlot[slot]!,
      calls: this.sums[at]!,
      durationTenths: this.sums[at + 1]!,
      durationMs: this.sums[at + 2]!,
    };
  }

  /** The slot of a number in a contract and month, or NO_SLOT. */
  private findSlot(contractId: string, month: string, number: string): number {
    for (let slot = this.firstSlotOfNumber.get(number) ?? NO_SLOT; slot !== NO_SLOT; slot = this.nextSlotOfNumber[slot]!) {
      if (this.contractOfSlot[slot] === contractId && this.monthOfSlot[slot] === month) return slot;
    }
    return NO_SLOT;
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
