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

/**
 * Streams a CSV file record by record without loading it whole. Records are framed here by
 * RFC 4180 quoting rules, so one stray quote spoils one record, not the rest of the file; csv-parse then
 * splits each quoted record (records without quotes need no more than a comma split).
 * Empty lines are not records.
 */
export async function* readCsvRecords(path: string, encoding: InputEncoding): AsyncGenerator<CsvRecord> {
  const stream =
    encoding === 'cp932'
      ? createReadStream(path).pipe(iconv.decodeStream('cp932'))
      : createReadStream(path, { encoding: 'utf8' });
  let carry = '';
  let lineNumber = 0;
  let pending: { line: number; lines: string[] } | null = null;
  let firstChunk = true;

  function* takeLine(text: string): Generator<CsvRecord> {
    lineNumber += 1;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (pending === null) {
      if (line.length === 0) return;
      if (!endsInsideQuotedField(line, false)) {
        yield splitRecord(lineNumber, line);
        return;
      }
      pending = { line: lineNumber, lines: [line] };
      return;
    }
    pending.lines.push(line);
    if (!endsInsideQuotedField(line, true)) {
      const record = pending;
      pending = null;
      yield splitRecord(record.line, record.lines.join('\n'));
    } else if (pending.lines.length >= MAX_LINES_PER_RECORD) {
      const record = pending;
      pending = null;
      yield malformed(record.line, record.lines.join('\n'), `a quoted field is not closed within ${MAX_LINES_PER_RECORD} lines`);
    }
  }

  for await (const chunk of stream as AsyncIterable<string>) {
    let text = carry + chunk;
    if (firstChunk && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      firstChunk = false;
    }
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      yield* takeLine(text.slice(start, newline));
      start = newline + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) yield* takeLine(carry);
  const unfinished = pending as { line: number; lines: string[] } | null;
  if (unfinished !== null) {
    yield malformed(unfinished.line, unfinished.lines.join('\n'), 'a quoted field is not closed before the end of the file');
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
