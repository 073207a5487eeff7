import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { controlCharacterAt } from '../text/quoteInput';
import {
  controlProblem,
  CsvRecord,
  InputEncoding,
  KEPT_RAW_BYTES,
  MAX_RECORD_BYTES,
  problem,
  RecordFramer,
  tooLong,
} from './csvRecords';
import { FixedLayout } from './profile';

const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Cuts a file of fixed-width records into fields by byte offset and length in the encoded bytes
 * (a CP932 character is two bytes, so a Japanese text field before a number moves no offset).
 * With `terminator: line` a record ends at its line end (CRLF or LF) and must be exactly
 * `recordBytes` long; with `none` the records follow each other and a partial last record is
 * rejected. The encoding rules are the CSV framer's: one per file, forced or decided by the first
 * record that is not plain ASCII; a record not valid in it is `BAD_ENCODING`, a field whose bytes
 * cut a double-byte character too, and a control character is `BAD_CHARACTER`. `line` of a
 * record is its physical line, or with `none` its ordinal.
 */
export class FixedWidthFramer implements RecordFramer {
  private carry: Buffer | null = null;
  /** In a line over the limit: skipping to its end. */
  private overflow: { line: number; head: Buffer; bytes: number } | null = null;
  private lineNumber = 0;
  private started = false;
  private decided: InputEncoding | null;
  private offsets = new Int32Array(0);

  constructor(
    private readonly layout: FixedLayout,
    private readonly forced?: InputEncoding,
  ) {
    this.decided = forced ?? null;
  }

  get encoding(): InputEncoding {
    return this.decided ?? 'utf8';
  }

  push(chunk: Buffer): CsvRecord[] {
    let bytes = chunk;
    if (!this.started && bytes.length > 0) {
      this.started = true;
      if (this.forced !== 'cp932' && bytes.subarray(0, 3).equals(UTF8_BOM)) {
        bytes = bytes.subarray(3);
        this.decided = 'utf8';
      }
    }
    return this.layout.terminator === 'line' ? this.pushLines(bytes) : this.pushBlocks(bytes);
  }

  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.overflow !== null) {
      const { line, head, bytes } = this.overflow;
      this.overflow = null;
      records.push(tooLong(line, this.lenient(head), bytes));
    }
    const rest = this.carry;
    this.carry = null;
    if (rest === null || rest.length === 0) return records;
    this.lineNumber += 1;
    if (this.layout.terminator === 'line') {
      const body = rest.at(-1) === CR ? rest.subarray(0, -1) : rest;
      if (body.length > 0) records.push(this.record(body));
    } else {
      const raw = this.lenient(rest.subarray(0, KEPT_RAW_BYTES));
      records.push(
        problem(
          this.lineNumber,
          raw,
          'MALFORMED_ROW',
          `the file ends in a partial record of ${rest.length} bytes (records are ${this.layout.recordBytes})`,
        ),
      );
    }
    return records;
  }

  private pushLines(chunk: Buffer): CsvRecord[] {
    const records: CsvRecord[] = [];
    let bytes = chunk;
    if (this.overflow !== null) {
      const lineEnd = bytes.indexOf(LF);
      if (lineEnd < 0) {
        this.overflow.bytes += bytes.length;
        return records;
      }
      const { line, head } = this.overflow;
      const total = this.overflow.bytes + lineEnd;
      this.overflow = null;
      this.lineNumber = line;
      records.push(tooLong(line, this.lenient(head), total));
      bytes = bytes.subarray(lineEnd + 1);
    }
    const part = this.carry === null ? bytes : Buffer.concat([this.carry, bytes]);
    this.carry = null;
    const lastLineEnd = part.lastIndexOf(LF);
    const whole = lastLineEnd < 0 ? null : this.decodeWhole(part.subarray(0, lastLineEnd + 1));
    let start = 0;
    for (let lineEnd = part.indexOf(LF); lineEnd >= 0; lineEnd = part.indexOf(LF, start)) {
      this.lineNumber += 1;
      const stop = lineEnd > start && part[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      if (stop > start)
        records.push(
          whole === null ? this.record(part.subarray(start, stop)) : this.recordOfText(part, whole, start, stop),
        );
      start = lineEnd + 1;
    }
    const rest = part.subarray(start);
    if (rest.length > MAX_RECORD_BYTES) {
      this.overflow = {
        line: this.lineNumber + 1,
        head: Buffer.from(rest.subarray(0, KEPT_RAW_BYTES)),
        bytes: rest.length,
      };
    } else if (rest.length > 0) this.carry = Buffer.from(rest);
    return records;
  }

  private pushBlocks(chunk: Buffer): CsvRecord[] {
    const records: CsvRecord[] = [];
    const size = this.layout.recordBytes;
    const part = this.carry === null ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = null;
    let start = 0;
    for (; start + size <= part.length; start += size) {
      this.lineNumber += 1;
      records.push(this.record(part.subarray(start, start + size)));
    }
    if (start < part.length) this.carry = Buffer.from(part.subarray(start));
    return records;
  }

  /**
   * Lines that end with LF, decoded as one text when they can be (all plain ASCII, or CP932 forced
   * and valid throughout, one character per one or two bytes), with each byte offset's character
   * index: the records are then slices of that text, with no decoding per record. Null sends the
   * lines one by one (`record`).
   */
  private decodeWhole(part: Buffer): { text: string; at: Int32Array | null } | null {
    if (part.length > MAX_RECORD_BYTES * 4) return null;
    if (isAscii(part)) return { text: part.toString('latin1'), at: null };
    if (this.forced !== 'cp932') return null;
    const text = iconv.decode(part, 'cp932');
    if (text.includes('\ufffd')) return null;
    const offsets = this.characterOffsets(part);
    return offsets.characters === text.length ? { text, at: offsets.at } : null;
  }

  /** The record at bytes start..stop of a part decoded whole. */
  private recordOfText(
    part: Buffer,
    whole: { text: string; at: Int32Array | null },
    start: number,
    stop: number,
  ): CsvRecord {
    const line = this.lineNumber;
    const { text, at } = whole;
    const charAt = (offset: number): number => (at === null ? offset : at[offset]!);
    const raw = text.slice(charAt(start), charAt(stop));
    const size = this.layout.recordBytes;
    if (stop - start > MAX_RECORD_BYTES) return tooLong(line, raw.slice(0, KEPT_RAW_BYTES / 2), stop - start);
    if (stop - start !== size) return wrongLength(line, raw, stop - start, size);
    const control = controlCharacterAt(raw);
    if (control >= 0) return controlProblem(line, raw, control);
    const fields = this.layout.fields;
    const record: CsvRecord = { line, raw, fields: new Array<string>(fields.length) };
    for (let position = 0; position < fields.length; position += 1) {
      const field = fields[position]!;
      const from = charAt(start + field.offset);
      const to = charAt(start + field.offset + field.length);
      if (from < 0 || to < 0) {
        (record.cutFields ??= []).push({ position, message: cutMessage(field, 'CP932') });
        record.fields![position] = iconv.decode(
          part.subarray(start + field.offset, start + field.offset + field.length),
          'cp932',
        );
        continue;
      }
      record.fields![position] = unpadded(text, from, to);
    }
    return record;
  }

  /** One record's fields, or why it cannot be read. */
  private record(bytes: Buffer): CsvRecord {
    const line = this.lineNumber;
    const size = this.layout.recordBytes;
    if (bytes.length > MAX_RECORD_BYTES)
      return tooLong(line, this.lenient(bytes.subarray(0, KEPT_RAW_BYTES)), bytes.length);
    if (isAscii(bytes)) {
      const raw = bytes.toString('latin1');
      if (bytes.length !== size) return wrongLength(line, raw, bytes.length, size);
      const control = controlCharacterAt(raw);
      if (control >= 0) return controlProblem(line, raw, control);
      return {
        line,
        raw,
        fields: this.layout.fields.map((field) => unpadded(raw, field.offset, field.offset + field.length)),
      };
    }
    if (this.decided === null) this.decided = isUtf8(bytes) ? 'utf8' : 'cp932';
    const raw = this.decode(bytes);
    if (typeof raw !== 'string') return raw;
    if (bytes.length !== size) return wrongLength(line, raw, bytes.length, size);
    const control = controlCharacterAt(raw);
    if (control >= 0) return controlProblem(line, raw, control);
    const fields = this.layout.fields;
    const record: CsvRecord = { line, raw, fields: [] };
    if (this.decided === 'cp932') {
      // One walk over the bytes gives each field's character offsets in the decoded text (a CP932
      // lead byte, 0x81-0x9F or 0xE0-0xFC, and its trail byte are one character) and whether a
      // field's bytes cut a character; the fields are then slices of the text decoded once.
      const starts = this.characterOffsets(bytes);
      if (starts !== null && starts.characters === raw.length) {
        fields.forEach((field, position) => {
          const from = starts.at[field.offset]!;
          const to = field.offset + field.length >= bytes.length ? raw.length : starts.at[field.offset + field.length]!;
          if (from < 0 || to < 0) {
            (record.cutFields ??= []).push({ position, message: cutMessage(field, 'CP932') });
            record.fields!.push(iconv.decode(bytes.subarray(field.offset, field.offset + field.length), 'cp932'));
          } else record.fields!.push(unpadded(raw, from, to));
        });
        return record;
      }
    }
    // UTF-8 (or a CP932 text whose characters do not line up one to one): each field decoded on its own.
    const decode =
      this.decided === 'cp932'
        ? (slice: Buffer) => iconv.decode(slice, 'cp932')
        : (slice: Buffer) => slice.toString('utf8');
    fields.forEach((field, position) => {
      const text = decode(bytes.subarray(field.offset, field.offset + field.length));
      record.fields!.push(unpadded(text, 0, text.length));
      // A field that cuts a character (a header record of another layout, a shifted record) spoils the
      // record only if the profile reads that field: a header or trailer can still be skipped.
      if (this.isBoundary(bytes, field.offset) && this.isBoundary(bytes, field.offset + field.length)) return;
      (record.cutFields ??= []).push({
        position,
        message: cutMessage(field, this.decided === 'cp932' ? 'CP932' : 'UTF-8'),
      });
    });
    return record;
  }

  /** For each byte offset of a CP932 record, the character index that starts there (-1 inside a character). */
  private characterOffsets(bytes: Buffer): { at: Int32Array; characters: number } {
    const at =
      this.offsets.length === bytes.length + 1 ? this.offsets : (this.offsets = new Int32Array(bytes.length + 1));
    let characters = 0;
    for (let index = 0; index < bytes.length;) {
      const byte = bytes[index]!;
      at[index] = characters;
      characters += 1;
      if ((byte >= 0x81 && byte <= 0x9f) || (byte >= 0xe0 && byte <= 0xfc)) {
        if (index + 1 < bytes.length) at[index + 1] = -1;
        index += 2;
      } else index += 1;
    }
    at[bytes.length] = characters;
    return { at, characters };
  }

  private decode(bytes: Buffer): string | CsvRecord {
    const line = this.lineNumber;
    if (this.decided === 'utf8') {
      if (isUtf8(bytes)) return bytes.toString('utf8');
      return problem(
        line,
        bytes.toString('utf8'),
        'BAD_ENCODING',
        'the record is not valid UTF-8, the encoding of this file',
      );
    }
    const text = iconv.decode(bytes, 'cp932');
    if (text.includes('\ufffd'))
      return problem(line, text, 'BAD_ENCODING', 'the record is not valid CP932, the encoding of this file');
    if (this.forced === undefined && isUtf8(bytes)) {
      return problem(
        line,
        bytes.toString('utf8'),
        'BAD_ENCODING',
        'the record is UTF-8 in a file read as CP932 (its first non-ASCII record was CP932)',
      );
    }
    return text;
  }

  /** Whether a character starts at this byte offset of a record valid in the file's encoding. */
  private isBoundary(bytes: Buffer, offset: number): boolean {
    if (offset === 0 || offset >= bytes.length) return true;
    if (this.decided === 'utf8') return (bytes[offset]! & 0xc0) !== 0x80;
    // CP932: walk from the start, a lead byte (0x81-0x9F, 0xE0-0xFC) taking two bytes.
    let at = 0;
    while (at < offset) {
      const byte = bytes[at]!;
      at += (byte >= 0x81 && byte <= 0x9f) || (byte >= 0xe0 && byte <= 0xfc) ? 2 : 1;
    }
    return at === offset;
  }

  private lenient(bytes: Buffer): string {
    return this.decided === 'cp932' ? iconv.decode(bytes, 'cp932') : bytes.toString('utf8');
  }
}

/** A field's text without the ASCII spaces that pad it (fixed-width fields are space-padded). */
function unpadded(text: string, from: number, to: number): string {
  let first = from;
  let last = to;
  while (first < last && text.charCodeAt(first) === 0x20) first += 1;
  while (last > first && text.charCodeAt(last - 1) === 0x20) last -= 1;
  return text.slice(first, last);
}

function cutMessage(field: { name: string; offset: number; length: number }, encoding: string): string {
  return `field ${field.name} (bytes ${field.offset}..${field.offset + field.length - 1}) cuts a ${encoding} character in two`;
}

function wrongLength(line: number, raw: string, bytes: number, size: number): CsvRecord {
  return problem(line, raw, 'MALFORMED_ROW', `the record is ${bytes} bytes where the layout's records are ${size}`);
}
