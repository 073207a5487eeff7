import { parse as parseCsv } from 'csv-parse/sync';
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';

export type InputEncoding = 'utf8' | 'cp932';

export interface CsvRecord {
  /** Physical line (1-based) where the record starts. */
  line: number;
  /** The record's text as read (lines of a multi-line record joined by LF). */
  raw: string;
  /** The fields, or why the record cannot be split into fields. */
  fields: string[] | null;
  malformed?: string;
}

/** A quoted field may span lines (RFC 4180); a record still open after this many lines is broken. */
const MAX_LINES_PER_RECORD = 20;

/** Bytes read at a time: large reads keep the per-chunk cost negligible. */
const READ_CHUNK_BYTES = 1 << 16;

/**
 * Streams a CSV file without loading it whole, as arrays of records (one array per chunk read),
 * so the caller's loop runs synchronously over a chunk. Records are framed here by RFC 4180
 * quoting rules, so one stray quote spoils one record, not the rest of the file; csv-parse then
 * splits each quoted record (records without quotes need no more than a comma split).
 * Empty lines are not records.
 */
export async function* readCsvRecordBatches(path: string, encoding: InputEncoding): AsyncGenerator<CsvRecord[]> {
  const stream =
    encoding === 'cp932'
      ? createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }).pipe(iconv.decodeStream('cp932'))
      : createReadStream(path, { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES });
  const framer = new RecordFramer();
  for await (const chunk of stream as AsyncIterable<string>) {
    const records = framer.push(chunk);
    if (records.length > 0) yield records;
  }
  const last = framer.end();
  if (last.length > 0) yield last;
}

/** The same stream, one record at a time (for callers that do not need speed). */
export async function* readCsvRecords(path: string, encoding: InputEncoding): AsyncGenerator<CsvRecord> {
  for await (const records of readCsvRecordBatches(path, encoding)) yield* records;
}

/** Cuts decoded text into records: lines, joined while a quoted field is open. */
export class RecordFramer {
  private carry = '';
  private lineNumber = 0;
  private pending: { line: number; lines: string[] } | null = null;
  private started = false;

  push(chunk: string): CsvRecord[] {
    let text = this.carry + chunk;
    if (!this.started && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.started = true;
    }
    const records: CsvRecord[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      this.takeLine(text.slice(start, newline), records);
      start = newline + 1;
    }
    this.carry = text.slice(start);
    return records;
  }

  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.carry.length > 0) this.takeLine(this.carry, records);
    this.carry = '';
    if (this.pending !== null) {
      records.push(malformed(this.pending.line, this.pending.lines.join('\n'), 'a quoted field is not closed before the end of the file'));
      this.pending = null;
    }
    return records;
  }

  private takeLine(text: string, records: CsvRecord[]): void {
    this.lineNumber += 1;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    const pending = this.pending;
    if (pending === null) {
      if (line.length === 0) return;
      if (!endsInsideQuotedField(line, false)) records.push(splitRecord(this.lineNumber, line));
      else this.pending = { line: this.lineNumber, lines: [line] };
      return;
    }
    pending.lines.push(line);
    if (!endsInsideQuotedField(line, true)) {
      this.pending = null;
      records.push(splitRecord(pending.line, pending.lines.join('\n')));
    } else if (pending.lines.length >= MAX_LINES_PER_RECORD) {
      this.pending = null;
      records.push(malformed(pending.line, pending.lines.join('\n'), `a quoted field is not closed within ${MAX_LINES_PER_RECORD} lines`));
    }
  }
}

function splitRecord(line: number, raw: string): CsvRecord {
  if (raw.indexOf('"') < 0) return { line, raw, fields: raw.split(',') };
  try {
    const records = parseCsv(raw, { relax_column_count: true }) as string[][];
    if (records.length !== 1) return malformed(line, raw, 'the line holds more than one record');
    return { line, raw, fields: records[0]! };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'CSV_ERROR';
    return malformed(line, raw, `bad quoting (${code})`);
  }
}

function malformed(line: number, raw: string, message: string): CsvRecord {
  return { line, raw, fields: null, malformed: message };
}

const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * RFC 4180 framing: a quote opens a quoted field only at the start of a field; inside one, `""`
 * is a quote and a lone `"` closes it. A stray quote in the middle of an unquoted field opens
 * nothing, so it spoils its own record (csv-parse refuses it) and not the lines after it.
 */
export function endsInsideQuotedField(line: string, startsInside: boolean): boolean {
  if (!startsInside && line.indexOf('"') < 0) return false;
  let inside = startsInside;
  let atFieldStart = !startsInside;
  for (let index = 0; index < line.length; index += 1) {
    const code = line.charCodeAt(index);
    if (inside) {
      if (code === QUOTE) {
        if (line.charCodeAt(index + 1) === QUOTE) index += 1;
        else inside = false;
      }
      continue;
    }
    if (code === COMMA) {
      atFieldStart = true;
      continue;
    }
    if (code === QUOTE && atFieldStart) inside = true;
    atFieldStart = false;
  }
  return inside;
}
