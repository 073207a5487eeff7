import { RunFailedError } from '../errors';
import { CallRecord, readCallRecord } from '../input/callRecord';
import { CsvRecord, InputEncoding, readCsvRecordBatches } from '../input/csvRecords';
import { ColumnPositions, readHeader } from '../input/header';
import { reject, Rejection } from '../input/rejection';
import { RatedCall, rateRecord } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';

/**
 * One record after the pure stages (framing, validation, classification, rating). `call` is set
 * when the record is well-formed: de-duplication still decides its fate, then `outcome` does.
 * Without `call`, `outcome` is the record's rejection.
 */
export interface ParsedItem {
  line: number;
  raw: string;
  call: CallRecord | null;
  outcome: RatedCall | Rejection;
}

export interface ParsedBatch {
  items: ParsedItem[];
  /** Bytes of the file consumed so far (approximate for CP932), for progress. */
  bytesRead: number;
}

export interface Columns {
  positions: ColumnPositions;
  width: number;
}

/** The pure part of ingest for a run of records, in file order. */
export function parseRecords(records: CsvRecord[], columns: Columns, reference: ReferenceData, from = 0): ParsedItem[] {
  const items: ParsedItem[] = [];
  for (let index = from; index < records.length; index += 1) {
    const record = records[index]!;
    if (record.fields === null) {
      items.push({ line: record.line, raw: record.raw, call: null, outcome: reject('MALFORMED_ROW', record.malformed ?? 'unreadable row') });
      continue;
    }
    if (record.fields.length !== columns.width) {
      const outcome = reject('MALFORMED_ROW', `${record.fields.length} fields where the header has ${columns.width}`);
      items.push({ line: record.line, raw: record.raw, call: null, outcome });
      continue;
    }
    const call = readCallRecord(record.fields, columns.positions);
    if ('ok' in call) {
      items.push({ line: record.line, raw: record.raw, call: null, outcome: call });
      continue;
    }
    items.push({ line: record.line, raw: record.raw, call, outcome: rateRecord(call, reference.tariffs, reference.numbering) });
  }
  return items;
}

/** The header's column positions, or the reason the whole file is refused. */
export function readColumns(header: CsvRecord | undefined, path: string): Columns {
  if (header === undefined) throw new RunFailedError(`${path}: the file is empty (no header row)`);
  const columns = header.fields === null ? null : readHeader(header.fields);
  if (columns === null || !columns.ok) {
    throw new RunFailedError(`${path}: refused, nothing applied: ${columns?.message ?? header.malformed}`);
  }
  return columns;
}

/** Parsed batches of a file, produced in this thread. The header is checked before this returns. */
export async function parseInThread(path: string, encoding: InputEncoding, reference: ReferenceData): Promise<AsyncIterator<ParsedBatch>> {
  const batches = readCsvRecordBatches(path, encoding)[Symbol.asyncIterator]();
  const first = await nextOrFail(batches, path);
  const columns = readColumns(first.done ? undefined : first.value[0], path);
  async function* parsed(): AsyncGenerator<ParsedBatch> {
    let bytesRead = 0;
    for (let next = first, from = 1; !next.done; next = await nextOrFail(batches, path), from = 0) {
      for (const record of next.value) bytesRead += record.raw.length + 1;
      yield { items: parseRecords(next.value, columns, reference, from), bytesRead };
    }
  }
  return parsed();
}

async function nextOrFail(batches: AsyncIterator<CsvRecord[]>, path: string): Promise<IteratorResult<CsvRecord[]>> {
  try {
    return await batches.next();
  } catch (error) {
    throw new RunFailedError(`reading ${path} failed: ${(error as Error).message}`);
  }
}
