import { isAscii, isUtf8 } from 'node:buffer';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { controlCharacterAt } from '../text/quoteInput';
import { RejectCode } from './rejection';

export type InputEncoding = 'utf8' | 'cp932';

/** Why a line cannot be split into fields: the reject code and the message kept with it. */
export interface RecordProblem {
  code: Extract<RejectCode, 'MALFORMED_ROW' | 'RECORD_TOO_LONG' | 'BAD_ENCODING' | 'BAD_CHARACTER'>;
  message: string;
}

export interface CsvRecord {
  /** Physical line (1-based). */
  line: number;
  /** The line's text as read, without its line end (truncated for a record over the limit). */
  raw: string;
  /** The fields, or null and the problem. */
  fields: string[] | null;
  problem?: RecordProblem;
  /** Fixed-width fields whose bytes cut a double-byte character (by position), with the message; a problem only if the record is mapped. */
  cutFields?: { position: number; message: string }[];
}

/** A CDR record is one line: a line longer than this is refused (RECORD_TOO_LONG), whatever it holds. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** Of a record over the limit, this many bytes are kept as its raw text. */
export const KEPT_RAW_BYTES = 4096;

const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Cuts a file's bytes into records. A record ends at its line end (LF or CRLF): CDR fields never
 * hold line breaks, so a stray or unclosed quote spoils its own line and never the lines after it.
 * Lines are cut as bytes (LF, CR, comma and quote are never part of a UTF-8 or CP932 character),
 * so each is decoded on its own: the file has one encoding, forced or detected from its first line
 * that is not plain ASCII (valid UTF-8, or a BOM: UTF-8; otherwise CP932), and a line that is not
 * valid in it is rejected `BAD_ENCODING`, never decoded some other way. Memory and time stay
 * linear in the input: a line is never held past `MAX_RECORD_BYTES`. Empty lines are not records.
 */
export class LineFramer {
  private carry: Buffer | null = null;
  private overflow: { line: number; head: Buffer; bytes: number } | null = null;
  private lineNumber = 0;
  private started = false;
  private decided: InputEncoding | null;
  private readonly utf8Decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly forced?: InputEncoding,
    /** How a line is cut into fields: RFC 4180 with commas (`splitLine`), or a profile's dialect (`csvSplitter`). */
    private readonly split: LineSplitter = splitLine,
  ) {
    this.decided = forced ?? null;
  }

  /** The file's encoding: forced, detected, or UTF-8 while every line so far was ASCII. */
  get encoding(): InputEncoding {
    return this.decided ?? 'utf8';
  }

  push(chunk: Buffer): CsvRecord[] {
    const records: CsvRecord[] = [];
    let bytes = chunk;
    if (!this.started && bytes.length > 0) {
      this.started = true;
      if (this.forced !== 'cp932' && bytes.subarray(0, 3).equals(UTF8_BOM)) {
        bytes = bytes.subarray(3);
        this.decided = 'utf8';
      }
    }
    if (this.overflow !== null) {
      const lineEnd = bytes.indexOf(LF);
      if (lineEnd < 0) {
        this.overflow.bytes += bytes.length;
        return records;
      }
      this.overflow.bytes += lineEnd;
      this.takeOverflow(records);
      bytes = bytes.subarray(lineEnd + 1);
    }
    const lastLineEnd = bytes.lastIndexOf(LF);
    if (lastLineEnd < 0) {
      this.keep(bytes);
      return records;
    }
    let from = 0;
    if (this.carry !== null) {
      // the line begun in the previous chunk, on its own: no copy of the whole chunk
      const firstLineEnd = bytes.indexOf(LF);
      this.takeLines(Buffer.concat([this.carry, bytes.subarray(0, firstLineEnd + 1)]), records);
      this.carry = null;
      from = firstLineEnd + 1;
    }
    if (from <= lastLineEnd) this.takeLines(bytes.subarray(from, lastLineEnd + 1), records);
    this.keep(bytes.subarray(lastLineEnd + 1));
    return records;
  }

  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.overflow !== null) this.takeOverflow(records);
    if (this.carry !== null) this.takeLines(Buffer.concat([this.carry, Buffer.from([LF])]), records);
    this.carry = null;
    return records;
  }

  /** Keeps the start of an unfinished line, or only its head once it is over the limit. */
  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    const held = (this.carry?.length ?? 0) + rest.length;
    if (held <= MAX_RECORD_BYTES) {
      this.carry = this.carry === null ? rest : Buffer.concat([this.carry, rest]);
      return;
    }
    const start = this.carry === null ? rest : Buffer.concat([this.carry, rest.subarray(0, KEPT_RAW_BYTES)]);
    this.overflow = { line: this.lineNumber + 1, head: Buffer.from(start.subarray(0, KEPT_RAW_BYTES)), bytes: held };
    this.carry = null;
  }

  private takeOverflow(records: CsvRecord[]): void {
    const { line, head, bytes } = this.overflow!;
    this.overflow = null;
    this.lineNumber = line;
    records.push(tooLong(line, this.lenient(head), bytes));
  }

  /** Lines of a part that ends with LF: decoded as a whole when it can be (the common case), else line by line. */
  private takeLines(part: Buffer, records: CsvRecord[]): void {
    const text = this.decodeWhole(part);
    if (text !== null) {
      let start = 0;
      for (let lineEnd = text.indexOf('\n'); lineEnd >= 0; lineEnd = text.indexOf('\n', start)) {
        this.lineNumber += 1;
        const stop = lineEnd > start && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
        if (stop > start) records.push(this.lineRecord(text.slice(start, stop)));
        start = lineEnd + 1;
      }
      return;
    }
    let start = 0;
    for (let lineEnd = part.indexOf(LF); lineEnd >= 0; lineEnd = part.indexOf(LF, start)) {
      this.lineNumber += 1;
      const stop = lineEnd > start && part[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      if (stop > start) records.push(this.lineRecordFromBytes(part.subarray(start, stop)));
      start = lineEnd + 1;
    }
  }

  /** The part as text if every line of it is valid in the file's encoding; null sends it line by line. */
  private decodeWhole(part: Buffer): string | null {
    if (isAscii(part)) return part.toString('latin1');
    if (this.decided === null) this.decided = firstNonAsciiLineIsUtf8(part) ? 'utf8' : 'cp932';
    if (this.decided === 'cp932') return null; // CP932 is checked line by line
    try {
      return this.utf8Decoder.decode(part);
    } catch {
      return null;
    }
  }

  private lineRecordFromBytes(bytes: Buffer): CsvRecord {
    const line = this.lineNumber;
    if (bytes.length > MAX_RECORD_BYTES)
      return tooLong(line, this.lenient(bytes.subarray(0, KEPT_RAW_BYTES)), bytes.length);
    if (isAscii(bytes)) return this.lineRecord(bytes.toString('latin1'));
    if (this.decided === 'utf8') {
      if (isUtf8(bytes)) return this.lineRecord(bytes.toString('utf8'));
      return badEncoding(line, bytes.toString('utf8'), 'the line is not valid UTF-8, the encoding of this file');
    }
    const text = iconv.decode(bytes, 'cp932');
    if (text.includes('\ufffd'))
      return badEncoding(line, text, 'the line is not valid CP932, the encoding of this file');
    if (this.forced === undefined && isUtf8(bytes)) {
      return badEncoding(
        line,
        bytes.toString('utf8'),
        'the line is UTF-8 in a file read as CP932 (its first non-ASCII line was CP932)',
      );
    }
    return this.lineRecord(text);
  }

  private lineRecord(text: string): CsvRecord {
    const line = this.lineNumber;
    if (text.length > MAX_RECORD_BYTES / 3 && Buffer.byteLength(text) > MAX_RECORD_BYTES) {
      return tooLong(line, this.lenient(Buffer.from(text).subarray(0, KEPT_RAW_BYTES)), Buffer.byteLength(text));
    }
    return this.split(line, text);
  }

  private lenient(bytes: Buffer): string {
    return this.decided === 'cp932' ? iconv.decode(bytes, 'cp932') : bytes.toString('utf8');
  }
}

/** Cuts one line (its number and text) into fields, or says why it cannot. */
export type LineSplitter = (line: number, raw: string) => CsvRecord;

/**
 * The splitter of a CSV dialect: `splitLine` for comma and double quote, else the same rules
 * (control characters refused, a plain split where the line has no quote, csv-parse where it has).
 */
export function csvSplitter(delimiter = ',', quote = '"'): LineSplitter {
  if (delimiter === ',' && quote === '"') return splitLine;
  return (line, raw) => {
    const control = controlCharacterAt(raw);
    if (control >= 0) return controlProblem(line, raw, control);
    if (raw.indexOf(quote) < 0) return { line, raw, fields: raw.split(delimiter) };
    try {
      const records = parseCsv(raw, { relax_column_count: true, delimiter, quote }) as string[][];
      if (records.length !== 1) return problem(line, raw, 'MALFORMED_ROW', 'the line holds more than one record');
      return { line, raw, fields: records[0]! };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'CSV_ERROR';
      return problem(line, raw, 'MALFORMED_ROW', `bad quoting (${code}); a record ends at its line end`);
    }
  };
}

/** A line holding a control character (tab allowed): BAD_CHARACTER, its code point and column named. */
export function controlProblem(line: number, raw: string, control: number): CsvRecord {
  const code = raw.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0');
  return problem(line, raw, 'BAD_CHARACTER', `the line holds the control character U+${code} at column ${control + 1}`);
}

/** One line's fields: a comma split, or csv-parse for a line with quotes (RFC 4180 quoting within the line). */
export function splitLine(line: number, raw: string): CsvRecord {
  const control = controlCharacterAt(raw);
  if (control >= 0) return controlProblem(line, raw, control);
  if (raw.indexOf('"') < 0) return { line, raw, fields: raw.split(',') };
  try {
    const records = parseCsv(raw, { relax_column_count: true }) as string[][];
    if (records.length !== 1) return problem(line, raw, 'MALFORMED_ROW', 'the line holds more than one record');
    return { line, raw, fields: records[0]! };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'CSV_ERROR';
    return problem(line, raw, 'MALFORMED_ROW', `bad quoting (${code}); a record ends at its line end`);
  }
}

export function firstNonAsciiLineIsUtf8(part: Buffer): boolean {
  let start = 0;
  for (let lineEnd = part.indexOf(LF); lineEnd >= 0; lineEnd = part.indexOf(LF, start)) {
    const line = part.subarray(start, lineEnd);
    if (!isAscii(line)) return isUtf8(line);
    start = lineEnd + 1;
  }
  return isUtf8(part);
}

export function problem(line: number, raw: string, code: RecordProblem['code'], message: string): CsvRecord {
  return { line, raw, fields: null, problem: { code, message } };
}

export function tooLong(line: number, head: string, bytes: number): CsvRecord {
  return problem(
    line,
    head,
    'RECORD_TOO_LONG',
    `the record is ${bytes} bytes, over the ${MAX_RECORD_BYTES}-byte limit; its first ${KEPT_RAW_BYTES} bytes are kept`,
  );
}

function badEncoding(line: number, raw: string, message: string): CsvRecord {
  return problem(line, raw, 'BAD_ENCODING', message);
}

/** What cuts a file's bytes into records: lines (`LineFramer`) or fixed-width records (`FixedWidthFramer`). */
export interface RecordFramer {
  readonly encoding: InputEncoding;
  push(chunk: Buffer): CsvRecord[];
  end(): CsvRecord[];
}
