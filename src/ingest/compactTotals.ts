import { ChakuwariTotal, NumberTypeTotal, TotalledCall } from '../aggregate/monthlyTotals';
import { CALL_TYPES, CallType } from '../numbering/callType';
import { truncateToTenths } from '../time/duration';
import { CHAKUWARI_ROW, grown, StreamWriter, TYPE_ROW } from './packedBatch';

const TYPES = CALL_TYPES.length;

/**
 * The monthly sums of MonthlyTotals (src/aggregate/monthlyTotals.ts: the same rule, the same rows
 * in the same order), kept in typed columns instead of an object per row, for the ingest worker.
 * The worker sends them in chunks (`writeChunks`) without building a row object; the main thread
 * turns the chunks into rows only once the worker has ended (parseSource.ts `finish`), so the
 * worker's heap and the rows are never held at once. Slots (contract, month, number) are found by
 * number first.
 */
export class CompactTotals {
  /** Each number's first slot, in the order numbers were first seen. */
  private readonly firstSlot = new Map<string, number>();
  private slotCount = 0;
  private readonly slotNumber: string[] = [];
  private readonly slotContract: string[] = [];
  private readonly slotMonth: string[] = [];
  private slotNext = new Int32Array(1024);
  /** Per slot and call type, its type row (-1: none yet); per slot, its 着割 row. */
  private slotTypeRow = new Int32Array(1024 * TYPES).fill(-1);
  private slotChakuwariRow = new Int32Array(1024).fill(-1);
  private typeRows = 0;
  /** calls, durationTenths, chargeScaled, chargeRemainderParts per type row. */
  private typeSums = new Float64Array(4096);
  private chakuwariRows = 0;
  /** calls, durationTenths, durationMs per 着割 row. */
  private chakuwariSums = new Float64Array(3072);

  add(call: TotalledCall): void {
    if (call.durationMs <= 0) return;
    if (call.direction === 'out') {
      const cell = this.slotFor(call) * TYPES + CALL_TYPES.indexOf(call.peerClass as CallType);
      let row = this.slotTypeRow[cell]!;
      if (row === -1) {
        row = this.typeRows++;
        if (row * 4 === this.typeSums.length) this.typeSums = grown(this.typeSums);
        this.slotTypeRow[cell] = row;
      }
      const sums = this.typeSums;
      const at = row * 4;
      sums[at] = sums[at]! + 1;
      sums[at + 1] = sums[at + 1]! + truncateToTenths(call.durationMs);
      sums[at + 2] = sums[at + 2]! + call.chargeScaled;
      sums[at + 3] = sums[at + 3]! + call.chargeRemainderParts;
    } else if (call.chakuwariEligible) {
      const slot = this.slotFor(call);
      let row = this.slotChakuwariRow[slot]!;
      if (row === -1) {
        row = this.chakuwariRows++;
        if (row * 3 === this.chakuwariSums.length) this.chakuwariSums = grown(this.chakuwariSums);
        this.slotChakuwariRow[slot] = row;
      }
      const sums = this.chakuwariSums;
      const at = row * 3;
      sums[at] = sums[at]! + 1;
      sums[at + 1] = sums[at + 1]! + truncateToTenths(call.durationMs);
      sums[at + 2] = sums[at + 2]! + call.durationMs;
    }
  }

  /** The rows as MonthlyTotals gives them (tests compare the two). */
  numberTypeTotals(): NumberTypeTotal[] {
    const rows: NumberTypeTotal[] = [];
    for (const slot of this.slots()) {
      for (let type = 0; type < TYPES; type += 1) {
        const row = this.slotTypeRow[slot * TYPES + type]!;
        if (row === -1) continue;
        const at = row * 4;
        rows.push({
          contractId: this.slotContract[slot]!,
          month: this.slotMonth[slot]!,
          number: this.slotNumber[slot]!,
          type: CALL_TYPES[type]!,
          calls: this.typeSums[at]!,
          durationTenths: this.typeSums[at + 1]!,
          chargeScaled: this.typeSums[at + 2]!,
          chargeRemainderParts: this.typeSums[at + 3]!,
        });
      }
    }
    return rows;
  }

  numberChakuwariTotals(): ChakuwariTotal[] {
    const rows: ChakuwariTotal[] = [];
    for (const slot of this.slots()) {
      const row = this.slotChakuwariRow[slot]!;
      if (row === -1) continue;
      const at = row * 3;
      rows.push({
        contractId: this.slotContract[slot]!,
        month: this.slotMonth[slot]!,
        number: this.slotNumber[slot]!,
        calls: this.chakuwariSums[at]!,
        durationTenths: this.chakuwariSums[at + 1]!,
        durationMs: this.chakuwariSums[at + 2]!,
      });
    }
    return rows;
  }

  /**
   * The rows into the streams, as `readTotals` (packedBatch.ts) reads them, `rowsPerChunk` at a
   * time: each pause is the caller's moment to take the streams and send them.
   */
  *writeChunks(writer: StreamWriter, rowsPerChunk: number): Generator<void> {
    let rows = 0;
    for (const slot of this.slots()) {
      for (let type = 0; type < TYPES; type += 1) {
        const row = this.slotTypeRow[slot * TYPES + type]!;
        if (row === -1) continue;
        writer.int(TYPE_ROW);
        this.writeSlot(writer, slot);
        writer.word(CALL_TYPES[type]!);
        for (let at = row * 4; at < row * 4 + 4; at += 1) writer.float(this.typeSums[at]!);
        if (++rows % rowsPerChunk === 0) yield;
      }
    }
    for (const slot of this.slots()) {
      const row = this.slotChakuwariRow[slot]!;
      if (row === -1) continue;
      writer.int(CHAKUWARI_ROW);
      this.writeSlot(writer, slot);
      for (let at = row * 3; at < row * 3 + 3; at += 1) writer.float(this.chakuwariSums[at]!);
      if (++rows % rowsPerChunk === 0) yield;
    }
    if (rows % rowsPerChunk !== 0) yield;
  }

  private writeSlot(writer: StreamWriter, slot: number): void {
    writer.string(this.slotContract[slot]!);
    writer.word(this.slotMonth[slot]!);
    writer.string(this.slotNumber[slot]!);
  }

  /** Slots by number in first-seen order, then each number's slots in the order they were made. */
  private *slots(): Generator<number> {
    for (const first of this.firstSlot.values()) {
      for (let slot = first; slot !== -1; slot = this.slotNext[slot]!) yield slot;
    }
  }

  private slotFor(call: TotalledCall): number {
    let last = -1;
    for (let slot = this.firstSlot.get(call.number) ?? -1; slot !== -1; slot = this.slotNext[slot]!) {
      if (this.slotContract[slot] === call.contractId && this.slotMonth[slot] === call.month) return slot;
      last = slot;
    }
    const slot = this.slotCount++;
    if (slot === this.slotNext.length) {
      this.slotNext = grown(this.slotNext);
      this.slotChakuwariRow = grown(this.slotChakuwariRow, -1);
      this.slotTypeRow = grown(this.slotTypeRow, -1);
    }
    this.slotNext[slot] = -1;
    this.slotNumber.push(call.number);
    this.slotContract.push(call.contractId);
    this.slotMonth.push(call.month);
    if (last === -1) this.firstSlot.set(call.number, slot);
    else this.slotNext[last] = slot;
    return slot;
  }
}
