import { CallRecord } from '../input/callRecord';
import { Skip } from '../input/profile';
import { RejectCode, Rejection } from '../input/rejection';
import { PeerClass, RatedCall } from '../rate/rateRecord';
import { ParsedItem } from './parseStage';

/**
 * Parsed records as an ingest worker hands them to the main thread: not objects (a structured
 * clone of objects costs the receiver more than parsing them did) but three flat streams, written
 * and read in the same order — 32-bit integers (kinds, lines, dictionary codes, text lengths),
 * 64-bit floats (instants, durations, charges: integers, exact), and the text fields back to back
 * in a few strings of at most TEXT_PIECE_CHARACTERS each (a field is never split). Low-cardinality
 * strings (months, classes, plan, tariff and rate ids, reject codes, skip reasons) go as codes of
 * a dictionary that grows with the file: each batch carries only the words new since the last.
 * The typed arrays' buffers are transferred, not copied.
 */
export interface PackedStreams {
  ints: Int32Array;
  intCount: number;
  floats: Float64Array;
  floatCount: number;
  /** The text fields in write order, cut between fields into pieces of at most TEXT_PIECE_CHARACTERS (unless one field is longer). */
  texts: string[];
  /** Dictionary words first used in this batch, in code order. */
  words: string[];
}

/**
 * The longest a piece of a batch's text gets. One string per 64 KiB read was about 100,000
 * characters, and two bytes each as soon as one field is not Latin-1 (the withheld caller 非通知
 * is in most batches): 200 KB, over V8's 128 KiB for an object of the young generation, so each
 * batch's text was made in the large-object space of both threads and freed only by a full
 * collection, 30-35 MB of the main thread's heap at peak. Pieces of 32,768 characters (64 KiB at
 * most) are made and die young.
 */
export const TEXT_PIECE_CHARACTERS = 32_768;

/** A record's kind: what follows it in the streams. */
const RATED = 0;
const CALL_REJECTED = 1;
const REJECTED = 2;
const SKIPPED = 3;

const INBOUND = 1;
const PEER_IS_NUMBER = 2;
const CHAKUWARI = 4;

/** Writes the streams; `take()` hands out what was written since the last take. */
export class StreamWriter {
  private ints: Int32Array;
  private intCount = 0;
  private floats: Float64Array;
  private floatCount = 0;
  /** The pieces of text done, and the fields of the piece being written with their length. */
  private texts: string[] = [];
  private piece: string[] = [];
  private pieceCharacters = 0;
  private readonly codes = new Map<string, number>();
  private words: string[] = [];

  constructor(private readonly initialCapacity = 4096) {
    this.ints = new Int32Array(initialCapacity * 2);
    this.floats = new Float64Array(initialCapacity);
  }

  int(value: number): void {
    if (this.intCount === this.ints.length) this.ints = grown(this.ints);
    this.ints[this.intCount++] = value;
  }

  float(value: number): void {
    if (this.floatCount === this.floats.length) this.floats = grown(this.floats);
    this.floats[this.floatCount++] = value;
  }

  string(value: string): void {
    this.int(value.length);
    if (this.pieceCharacters + value.length > TEXT_PIECE_CHARACTERS && this.pieceCharacters > 0) this.endPiece();
    this.piece.push(value);
    this.pieceCharacters += value.length;
  }

  private endPiece(): void {
    this.texts.push(this.piece.join(''));
    this.piece = [];
    this.pieceCharacters = 0;
  }

  /** A dictionary code; null is -1. */
  word(value: string | null): void {
    if (value === null) {
      this.int(-1);
      return;
    }
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.codes.size;
      this.codes.set(value, code);
      this.words.push(value);
    }
    this.int(code);
  }

  take(): PackedStreams {
    if (this.pieceCharacters > 0) this.endPiece();
    const packed: PackedStreams = {
      ints: this.ints,
      intCount: this.intCount,
      floats: this.floats,
      floatCount: this.floatCount,
      texts: this.texts,
      words: this.words,
    };
    this.ints = new Int32Array(Math.max(this.initialCapacity * 2, this.intCount));
    this.floats = new Float64Array(Math.max(this.initialCapacity, this.floatCount));
    this.intCount = 0;
    this.floatCount = 0;
    this.texts = [];
    this.words = [];
    return packed;
  }
}

/** Twice the length, the old values kept. */
function grown<T extends Int32Array | Float64Array>(array: T): T {
  const larger = new (array.constructor as new (length: number) => T)(Math.max(16, array.length * 2));
  larger.set(array);
  return larger;
}

/** The buffers to transfer with a batch's message. */
export function transferList(packed: PackedStreams): ArrayBuffer[] {
  return [packed.ints.buffer as ArrayBuffer, packed.floats.buffer as ArrayBuffer];
}

/** Reads streams in the order they were written; the dictionary lives as long as the file's reader. */
export class StreamReader {
  private ints: Int32Array = new Int32Array(0);
  private intAt = 0;
  private floats: Float64Array = new Float64Array(0);
  private floatAt = 0;
  private texts: string[] = [];
  private text = '';
  private textIndex = 0;
  private textAt = 0;
  private readonly words: string[] = [];

  load(packed: PackedStreams): void {
    this.ints = packed.ints.subarray(0, packed.intCount);
    this.floats = packed.floats.subarray(0, packed.floatCount);
    this.intAt = 0;
    this.floatAt = 0;
    this.texts = packed.texts;
    this.textIndex = 0;
    this.text = packed.texts[0] ?? '';
    this.textAt = 0;
    for (const word of packed.words) this.words.push(word);
  }

  get done(): boolean {
    return this.intAt >= this.ints.length;
  }

  int(): number {
    return this.ints[this.intAt++]!;
  }

  float(): number {
    return this.floats[this.floatAt++]!;
  }

  string(): string {
    const length = this.ints[this.intAt++]!;
    // The writer began a new piece where this field would not fit in the one before.
    if (this.textAt + length > this.text.length) {
      this.textIndex += 1;
      this.text = this.texts[this.textIndex]!;
      this.textAt = 0;
    }
    const end = this.textAt + length;
    const value = this.text.slice(this.textAt, end);
    this.textAt = end;
    return value;
  }

  word(): string {
    return this.words[this.ints[this.intAt++]!]!;
  }

  wordOrNull(): string | null {
    const code = this.ints[this.intAt++]!;
    return code === -1 ? null : this.words[code]!;
  }
}

/** One parsed record into the streams. */
export function writeItem(writer: StreamWriter, item: ParsedItem): void {
  const { call, outcome } = item;
  if (call === null) {
    if ('skipped' in outcome) {
      writer.int(SKIPPED);
      writer.int(item.line);
      writer.string(item.raw);
      writer.word(outcome.reason);
      return;
    }
    const rejection = outcome as Rejection;
    writer.int(REJECTED);
    writer.int(item.line);
    writer.string(item.raw);
    writer.word(rejection.code);
    writer.string(rejection.message);
    return;
  }
  const rejected = 'ok' in outcome;
  writer.int(rejected ? CALL_REJECTED : RATED);
  writer.int(item.line);
  writer.string(item.raw);
  writer.string(call.recordId);
  writer.string(call.contractId);
  writer.string(call.number);
  writer.string(call.peer);
  writer.float(call.startMs);
  writer.float(call.durationMs);
  if (rejected) {
    writer.int((call.direction === 'in' ? INBOUND : 0) | (call.peerIsNumber ? PEER_IS_NUMBER : 0));
    writer.word((outcome as Rejection).code);
    writer.string((outcome as Rejection).message);
    return;
  }
  const rated = outcome as RatedCall;
  writer.int(
    (call.direction === 'in' ? INBOUND : 0) |
      (call.peerIsNumber ? PEER_IS_NUMBER : 0) |
      (rated.chakuwariEligible ? CHAKUWARI : 0),
  );
  writer.word(rated.month);
  writer.word(rated.peerClass);
  writer.word(rated.planId);
  writer.word(rated.tariffId);
  writer.word(rated.numberingPlanId);
  writer.word(rated.rateId);
  writer.word(rated.ratePrefix);
  writer.float(rated.units);
  writer.float(rated.chargeScaled);
  writer.float(rated.chargeRemainderParts);
}

/**
 * The next record from the streams, as the in-thread parse gives it. A rated record's `call` is
 * its rating (a RatedCall is a CallRecord): only the record's fields are read from it.
 */
export function readItem(reader: StreamReader): ParsedItem {
  const kind = reader.int();
  const line = reader.int();
  const raw = reader.string();
  if (kind === SKIPPED) {
    const skip: Skip = { skipped: true, reason: reader.word() };
    return { line, raw, call: null, outcome: skip };
  }
  if (kind === REJECTED) {
    const code = reader.word() as RejectCode;
    return { line, raw, call: null, outcome: { ok: false, code, message: reader.string() } };
  }
  const recordId = reader.string();
  const contractId = reader.string();
  const number = reader.string();
  const peer = reader.string();
  const startMs = reader.float();
  const durationMs = reader.float();
  const flags = reader.int();
  const direction = (flags & INBOUND) === 0 ? 'out' : 'in';
  const peerIsNumber = (flags & PEER_IS_NUMBER) !== 0;
  if (kind === CALL_REJECTED) {
    const call: CallRecord = { recordId, contractId, number, direction, peer, peerIsNumber, startMs, durationMs };
    const code = reader.word() as RejectCode;
    return { line, raw, call, outcome: { ok: false, code, message: reader.string() } };
  }
  const rated: RatedCall = {
    recordId,
    contractId,
    number,
    direction,
    peer,
    peerIsNumber,
    startMs,
    durationMs,
    month: reader.word(),
    peerClass: reader.word() as PeerClass,
    planId: reader.word(),
    tariffId: reader.word(),
    numberingPlanId: reader.word(),
    rateId: reader.wordOrNull(),
    ratePrefix: reader.wordOrNull(),
    units: reader.float(),
    chargeScaled: reader.float(),
    chargeRemainderParts: reader.float(),
    chakuwariEligible: (flags & CHAKUWARI) !== 0,
  };
  return { line, raw, call: rated, outcome: rated };
}

export function readItems(reader: StreamReader, packed: PackedStreams): ParsedItem[] {
  reader.load(packed);
  const items: ParsedItem[] = [];
  while (!reader.done) items.push(readItem(reader));
  return items;
}
