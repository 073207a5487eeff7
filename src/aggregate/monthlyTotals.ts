import { CALL_TYPES, CallType } from '../numbering/callType';
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
export type TotalledCall = Pick<
  RatedCall,
  | 'contractId'
  | 'month'
  | 'number'
  | 'direction'
  | 'peerClass'
  | 'durationMs'
  | 'chargeScaled'
  | 'chargeRemainderParts'
  | 'chakuwariEligible'
>;

/** MonthlyTotals as plain data (MonthlyTotals.exported): per slot its contract, month and number, and its sums. */
export interface ExportedTotals {
  contracts: string[];
  months: string[];
  numbers: string[];
  sums: Float64Array;
}

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
 * Numbers, contracts and months of their usual forms (`050` + 8 digits, `N` + 9 digits,
 * `YYYY-MM`) are found and compared by integer codes of their digits, one to one with the text;
 * any other text is compared as text.
 */
export class MonthlyTotals {
  /** Numbers of the usual form, by the code of their digits (a small integer: no string is read to find it). */
  private readonly firstSlotOfNumberCode = new Map<number, number>();
  /** Any other number text (a damaged store row), by its text. */
  private readonly firstSlotOfNumberText = new Map<string, number>();
  /** The first slot of each number, in the order numbers first came. */
  private readonly firstSlots: number[] = [];
  private readonly contractOfSlot: string[] = [];
  private readonly monthOfSlot: string[] = [];
  private readonly numberOfSlot: string[] = [];
  private contractCodeOfSlot = new Int32Array(1024);
  private monthCodeOfSlot = new Int32Array(1024);
  private nextSlotOfNumber = new Int32Array(1024);
  private sums = new Float64Array(1024 * SUMS_PER_SLOT);

  /** Counts a call in its number's sums; false when the call counts in no row (no duration, or inbound without 着割). */
  add(call: TotalledCall): boolean {
    if (call.durationMs <= 0) return false;
    if (call.direction === 'out') {
      const typeIndex = TYPE_INDEX.get(call.peerClass);
      if (typeIndex === undefined) throw new RangeError(`an outbound call of class ${call.peerClass} has no call type`);
      const at = this.slotOf(call.contractId, call.month, call.number) * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW;
      const sums = this.sums;
      sums[at] = sums[at]! + 1;
      sums[at + 1] = sums[at + 1]! + truncateToTenths(call.durationMs);
      sums[at + 2] = sums[at + 2]! + call.chargeScaled;
      sums[at + 3] = sums[at + 3]! + call.chargeRemainderParts;
    } else if (call.chakuwariEligible) {
      const at = this.slotOf(call.contractId, call.month, call.number) * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW;
      const sums = this.sums;
      sums[at] = sums[at]! + 1;
      sums[at + 1] = sums[at + 1]! + truncateToTenths(call.durationMs);
      sums[at + 2] = sums[at + 2]! + call.durationMs;
    } else {
      return false;
    }
    return true;
  }

  /** The sums as plain data another thread can post (structured clone), slot by slot in the order they came. */
  exported(): ExportedTotals {
    return {
      contracts: [...this.contractOfSlot],
      months: [...this.monthOfSlot],
      numbers: [...this.numberOfSlot],
      sums: this.sums.slice(0, this.numberOfSlot.length * SUMS_PER_SLOT),
    };
  }

  /**
   * Adds totals another MonthlyTotals exported, each of its slots into this one's slot of the same
   * number, contract and month: the same sums as if its calls had been added here after these
   * (integer sums, in any order), its new numbers coming after these ones.
   */
  addExported(other: ExportedTotals): void {
    for (let from = 0; from < other.numbers.length; from += 1) {
      const at = this.slotOf(other.contracts[from]!, other.months[from]!, other.numbers[from]!) * SUMS_PER_SLOT;
      const sums = this.sums;
      for (let index = 0; index < SUMS_PER_SLOT; index += 1)
        sums[at + index] = sums[at + index]! + other.sums[from * SUMS_PER_SLOT + index]!;
    }
  }

  /** The contracts of the calls counted. */
  contracts(): Set<string> {
    return new Set(this.contractOfSlot);
  }

  numberTypeTotals(): NumberTypeTotal[] {
    const totals: NumberTypeTotal[] = [];
    for (const slot of this.slotsInOrder()) {
      for (let typeIndex = 0; typeIndex < CALL_TYPES.length; typeIndex += 1) {
        if (this.sums[slot * SUMS_PER_SLOT + typeIndex * SUMS_PER_ROW] !== 0)
          totals.push(this.typeTotalAt(slot, typeIndex));
      }
    }
    return totals;
  }

  numberChakuwariTotals(): ChakuwariTotal[] {
    const totals: ChakuwariTotal[] = [];
    for (const slot of this.slotsInOrder()) {
      if (this.sums[slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW] !== 0)
        totals.push(this.chakuwariTotalAt(slot));
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
  mismatchesWith(stored: {
    typeTotals: Iterable<NumberTypeTotal>;
    chakuwariTotals: Iterable<ChakuwariTotal>;
  }): TotalsMismatches {
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
      } else if (
        this.sums[at] === row.calls &&
        this.sums[at + 1] === row.durationTenths &&
        this.sums[at + 2] === row.durationMs
      ) {
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
        mismatches.typeTotals.push({
          computed: this.typeTotalAt(slot, typeIndex),
          stored: storedRows.get(row) as NumberTypeTotal | undefined,
        });
      }
    }
    for (const slot of this.slotsInOrder()) {
      const row = slot * ROWS_PER_SLOT + CHAKUWARI_ROW;
      if (this.sums[slot * SUMS_PER_SLOT + CHAKUWARI_ROW * SUMS_PER_ROW] === 0 || equal[row] === 1) continue;
      mismatches.chakuwariTotals.push({
        computed: this.chakuwariTotalAt(slot),
        stored: storedRows.get(row) as ChakuwariTotal | undefined,
      });
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
    const numberCode = codeOfDigits(number, NUMBER_PREFIX, NUMBER_DIGITS);
    const contractCode = codeOfDigits(contractId, CONTRACT_PREFIX, CONTRACT_DIGITS);
    const monthCode = monthCodeOf(month);
    const first = numberCode >= 0 ? this.firstSlotOfNumberCode.get(numberCode) : this.firstSlotOfNumberText.get(number);
    for (let slot = first ?? NO_SLOT; slot !== NO_SLOT; slot = this.nextSlotOfNumber[slot]!) {
      if (
        (contractCode >= 0
          ? this.contractCodeOfSlot[slot] === contractCode
          : this.contractOfSlot[slot] === contractId) &&
        (monthCode >= 0 ? this.monthCodeOfSlot[slot] === monthCode : this.monthOfSlot[slot] === month)
      ) {
        return slot;
      }
    }
    return NO_SLOT;
  }

  /** Number by number in the order numbers first came, each number's slots in the order they came. */
  private *slotsInOrder(): Generator<number> {
    for (const first of this.firstSlots) {
      for (let slot = first; slot !== NO_SLOT; slot = this.nextSlotOfNumber[slot]!) yield slot;
    }
  }

  private slotOf(contractId: string, month: string, number: string): number {
    const found = this.findSlot(contractId, month, number);
    if (found !== NO_SLOT) return found;
    const slot = this.newSlot(contractId, month, number);
    const numberCode = codeOfDigits(number, NUMBER_PREFIX, NUMBER_DIGITS);
    const first = numberCode >= 0 ? this.firstSlotOfNumberCode.get(numberCode) : this.firstSlotOfNumberText.get(number);
    if (first === undefined) {
      if (numberCode >= 0) this.firstSlotOfNumberCode.set(numberCode, slot);
      else this.firstSlotOfNumberText.set(number, slot);
      this.firstSlots.push(slot);
      return slot;
    }
    let last = first;
    while (this.nextSlotOfNumber[last] !== NO_SLOT) last = this.nextSlotOfNumber[last]!;
    this.nextSlotOfNumber[last] = slot;
    return slot;
  }

  private newSlot(contractId: string, month: string, number: string): number {
    const slot = this.numberOfSlot.length;
    if (slot === this.nextSlotOfNumber.length) {
      this.nextSlotOfNumber = grown(this.nextSlotOfNumber);
      this.contractCodeOfSlot = grown(this.contractCodeOfSlot);
      this.monthCodeOfSlot = grown(this.monthCodeOfSlot);
      const sums = new Float64Array(slot * 2 * SUMS_PER_SLOT);
      sums.set(this.sums);
      this.sums = sums;
    }
    this.nextSlotOfNumber[slot] = NO_SLOT;
    this.contractCodeOfSlot[slot] = codeOfDigits(contractId, CONTRACT_PREFIX, CONTRACT_DIGITS);
    this.monthCodeOfSlot[slot] = monthCodeOf(month);
    this.contractOfSlot.push(contractId);
    this.monthOfSlot.push(month);
    this.numberOfSlot.push(number);
    return slot;
  }
}

function grown(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

const NUMBER_PREFIX = '050';
const NUMBER_DIGITS = 8;
const CONTRACT_PREFIX = 'N';
const CONTRACT_DIGITS = 9;
const ZERO = 48;
const NINE = 57;

/** The digits after `prefix` as an integer (below 2^30), when the text is the prefix and exactly `digits` ASCII digits; else -1. */
function codeOfDigits(text: string, prefix: string, digits: number): number {
  if (text.length !== prefix.length + digits) return -1;
  for (let index = 0; index < prefix.length; index += 1)
    if (text.charCodeAt(index) !== prefix.charCodeAt(index)) return -1;
  let code = 0;
  for (let index = prefix.length; index < text.length; index += 1) {
    const digit = text.charCodeAt(index);
    if (digit < ZERO || digit > NINE) return -1;
    code = code * 10 + (digit - ZERO);
  }
  return code;
}

/** `YYYY-MM` (ASCII digits) as YYYYMM; else -1. */
function monthCodeOf(month: string): number {
  if (month.length !== 7 || month.charCodeAt(4) !== 45) return -1;
  let code = 0;
  for (let index = 0; index < 7; index += 1) {
    if (index === 4) continue;
    const digit = month.charCodeAt(index);
    if (digit < ZERO || digit > NINE) return -1;
    code = code * 10 + (digit - ZERO);
  }
  return code;
}
