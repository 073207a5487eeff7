/**
 * The rows a file writes by COPY (record_ids, calls) in COPY's binary format: the columns in the
 * order of their fields, and the rows of a batch's accepted calls. Binary spares meisai the text
 * of every number and the server its parsing: a bigint is its 8 bytes, a text its UTF-8 bytes.
 */
import { StoreFailedError } from '../../errors';
import { duplicateBuckets } from '../duplicateScope';
import { AcceptedCall } from '../types';

/** The columns of a call's record_ids rows (one per duplicate bucket), in the order of their fields. */
export const RECORD_ID_COLUMNS = ['record_id', 'contract_id', 'month', 'file_id', 'line', 'bucket'] as const;
/** The columns of a calls row as a file writes it (unrated_code is NULL), in the order of its fields. */
export const CALL_COLUMNS = [
  'contract_id',
  'month',
  'record_id',
  'file_id',
  'line',
  'number',
  'direction',
  'peer',
  'peer_is_number',
  'start_ms',
  'duration_ms',
  'peer_class',
  'tariff_id',
  'numbering_plan_id',
  'rate_id',
  'rate_prefix',
  'units',
  'charge_scaled',
  'chakuwari_eligible',
  'late',
  'plan_id',
  'charge_remainder_parts',
] as const;

/** The binary format's signature, flags (none) and header extension length (0). */
const SIGNATURE = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** A chunk is sent once it holds this many bytes. */
const CHUNK_BYTES = 1 << 16;
const TWO_TO_32 = 2 ** 32;
/** Texts up to this many characters are tried as ASCII first. */
const SHORT_TEXT = 64;
/** Distinct label values whose bytes a writer keeps. */
const LABELS_KEPT = 256;

/**
 * Rows in COPY's binary format, written into chunks: `row` starts one, each field method adds a
 * field; `take` hands over the bytes written so far.
 */
export class BinaryRows {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES * 2);
  private offset = 0;
  private readonly labels = new Map<string, Buffer>();
  /** Fields of the row being written, to check against the columns. */
  private fields = 0;

  constructor(private readonly columns: number) {
    this.bytes(SIGNATURE);
  }

  private room(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(bigger, 0, 0, this.offset);
    this.buffer = bigger;
  }

  private bytes(bytes: Buffer): void {
    this.room(bytes.length);
    bytes.copy(this.buffer, this.offset);
    this.offset += bytes.length;
  }

  row(): void {
    if (this.fields !== 0 && this.fields !== this.columns) throw new Error('COPY columns and values disagree');
    this.fields = 0;
    this.room(2);
    this.buffer.writeInt16BE(this.columns, this.offset);
    this.offset += 2;
  }

  /** 32 bits, big-endian, at the end (the high bits of a negative number included). */
  private int32(value: number): void {
    const buffer = this.buffer;
    const at = this.offset;
    buffer[at] = (value >>> 24) & 0xff;
    buffer[at + 1] = (value >>> 16) & 0xff;
    buffer[at + 2] = (value >>> 8) & 0xff;
    buffer[at + 3] = value & 0xff;
    this.offset = at + 4;
  }

  text(value: string): void {
    this.fields += 1;
    const count = value.length;
    this.room(4 + count * 3);
    // Short ASCII text (record ids, numbers) byte by byte: cheaper than a call into the encoder.
    if (count <= SHORT_TEXT) {
      const buffer = this.buffer;
      const at = this.offset + 4;
      let index = 0;
      for (; index < count; index += 1) {
        const code = value.charCodeAt(index);
        if (code > 0x7f) break;
        buffer[at + index] = code;
      }
      if (index === count) {
        this.int32(count);
        this.offset += count;
        return;
      }
    }
    const written = this.buffer.write(value, this.offset + 4, 'utf8');
    this.int32(written);
    this.offset += written;
  }

  /** A text of few distinct values (a month, a tariff, a class): its field's bytes are kept, not encoded again. */
  label(value: string | null): void {
    if (value === null) return this.nullableText(null);
    let bytes = this.labels.get(value);
    if (bytes === undefined) {
      const encoded = Buffer.from(value, 'utf8');
      bytes = Buffer.alloc(4 + encoded.length);
      bytes.writeInt32BE(encoded.length, 0);
      encoded.copy(bytes, 4);
      if (this.labels.size < LABELS_KEPT) this.labels.set(value, bytes);
    }
    this.fields += 1;
    this.room(bytes.length);
    const buffer = this.buffer;
    const at = this.offset;
    for (let index = 0; index < bytes.length; index += 1) buffer[at + index] = bytes[index]!;
    this.offset = at + bytes.length;
  }

  nullableText(value: string | null): void {
    if (value !== null) return this.text(value);
    this.fields += 1;
    this.room(4);
    this.int32(-1);
  }

  /** A bigint column: an exact integer (meisai stores no other numbers), as its high and low 32 bits. */
  int8(value: number): void {
    if (!Number.isSafeInteger(value))
      throw new StoreFailedError(`cannot store ${value}: meisai stores exact integers only`);
    this.fields += 1;
    this.room(12);
    const high = Math.floor(value / TWO_TO_32);
    this.int32(8);
    this.int32(high);
    this.int32(value - high * TWO_TO_32);
  }

  /** An integer column (32 bits). */
  int4(value: number): void {
    this.fields += 1;
    this.room(8);
    this.int32(4);
    this.int32(value);
  }

  boolean(value: boolean): void {
    this.fields += 1;
    this.room(5);
    this.int32(1);
    this.buffer[this.offset] = value ? 1 : 0;
    this.offset += 1;
  }

  /** The bytes written since the last take; `last` ends the data (the trailer). */
  take(last: boolean): Buffer {
    if (last) {
      if (this.fields !== 0 && this.fields !== this.columns) throw new Error('COPY columns and values disagree');
      this.room(2);
      this.buffer.writeInt16BE(-1, this.offset);
      this.offset += 2;
    }
    const chunk = Buffer.from(this.buffer.subarray(0, this.offset));
    this.offset = 0;
    return chunk;
  }

  get size(): number {
    return this.offset;
  }
}

/** A batch's calls as COPY binary chunks of about CHUNK_BYTES: `write` adds a call's rows (one or more). */
export function* copyChunks(
  calls: AcceptedCall[],
  columns: readonly string[],
  write: (rows: BinaryRows, accepted: AcceptedCall) => void,
): Generator<Buffer> {
  const rows = new BinaryRows(columns.length);
  for (const accepted of calls) {
    write(rows, accepted);
    if (rows.size >= CHUNK_BYTES) yield rows.take(false);
  }
  yield rows.take(true);
}

/**
 * A call's two record_ids rows (RECORD_ID_COLUMNS), one per duplicate bucket of its month
 * (duplicateScope.ts): where the unique key refuses a second sighting in scope, and where a later
 * look-up of its record_id finds the call (its contract and month; the content is the call's), and
 * the file and line that stored it (files remove takes a file's rows by them).
 */
export function recordIdRows(fileId: number): (rows: BinaryRows, accepted: AcceptedCall) => void {
  const bucketsOf = new Map<string, [number, number]>();
  return (rows, { call, line }) => {
    let buckets = bucketsOf.get(call.month);
    if (buckets === undefined) {
      buckets = duplicateBuckets(call.month);
      bucketsOf.set(call.month, buckets);
    }
    for (const bucket of buckets) {
      rows.row();
      rows.text(call.recordId);
      rows.text(call.contractId);
      rows.label(call.month);
      rows.int8(fileId);
      rows.int8(line);
      rows.int4(bucket);
    }
  };
}

/** A call's calls row (CALL_COLUMNS). */
export function callRow(fileId: number): (rows: BinaryRows, accepted: AcceptedCall) => void {
  return (rows, { call, line, late }) => {
    rows.row();
    rows.text(call.contractId);
    rows.label(call.month);
    rows.text(call.recordId);
    rows.int8(fileId);
    rows.int8(line);
    rows.text(call.number);
    rows.label(call.direction);
    rows.text(call.peer);
    rows.boolean(call.peerIsNumber);
    rows.int8(call.startMs);
    rows.int8(call.durationMs);
    rows.label(call.peerClass);
    rows.label(call.tariffId);
    rows.label(call.numberingPlanId);
    rows.label(call.rateId);
    rows.label(call.ratePrefix);
    rows.int8(call.units);
    rows.int8(call.chargeScaled);
    rows.boolean(call.chakuwariEligible);
    rows.boolean(late);
    rows.label(call.planId);
    rows.int8(call.chargeRemainderParts);
  };
}
