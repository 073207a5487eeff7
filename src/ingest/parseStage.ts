import { RunFailedError } from '../errors';
import { CallRecord, readCallRecord } from '../input/callRecord';
import { CsvRecord, RecordFramer } from '../input/csvRecords';
import { InputProfile, RecordMapper, Skip } from '../input/profile';
import { ColumnPositions, readHeader } from '../input/header';
import { InputFile } from '../input/inputFile';
import { quoteInput } from '../text/quoteInput';
import { reject, Rejection } from '../input/rejection';
import { RatedCall, rateByReference } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';

/**
 * One record after the pure stages (framing, mapping, validation, classification, rating). `call`
 * is set when the record is well-formed: de-duplication still decides its fate, then `outcome`
 * does. Without `call`, `outcome` is the record's rejection, or the profile's skip (not a call).
 */
export interface ParsedItem {
  line: number;
  raw: string;
  call: CallRecord | null;
  outcome: RatedCall | Rejection | Skip;
}

export interface ParsedBatch {
  items: ParsedItem[];
  /** Bytes of the file read so far, for progress. */
  bytesRead: number;
}

export interface Columns {
  positions: ColumnPositions;
  width: number;
}

/** A record the framer could not split into fields (bad quoting, too long, bad encoding, a control character). */
function framingRejection(record: CsvRecord): ParsedItem {
  const problem = record.problem ?? { code: 'MALFORMED_ROW', message: 'unreadable row' };
  return { line: record.line, raw: record.raw, call: null, outcome: reject(problem.code, problem.message) };
}

/** The pure part of ingest for a run of records, in file order. */
export function parseRecords(records: CsvRecord[], columns: Columns, reference: ReferenceData, from = 0): ParsedItem[] {
  const items: ParsedItem[] = [];
  for (let index = from; index < records.length; index += 1) {
    const record = records[index]!;
    if (record.fields === null) {
      items.push(framingRejection(record));
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
    items.push({
      line: record.line,
      raw: record.raw,
      call,
      outcome: rateByReference(call, reference),
    });
  }
  return items;
}

/** The same for records of a profile's layout: mapped onto the canonical fields first (or skipped). */
export function parseMappedRecords(
  records: CsvRecord[],
  mapper: RecordMapper,
  reference: ReferenceData,
  from = 0,
): ParsedItem[] {
  const items: ParsedItem[] = [];
  for (let index = from; index < records.length; index += 1) {
    const record = records[index]!;
    if (record.fields === null) {
      items.push(framingRejection(record));
      continue;
    }
    const call = mapper.map(record.fields, record.cutFields);
    if ('ok' in call || 'skipped' in call) {
      items.push({ line: record.line, raw: record.raw, call: null, outcome: call });
      continue;
    }
    const rated = rateByReference(call, reference);
    items.push({ line: record.line, raw: record.raw, call, outcome: 'ok' in rated ? mapper.named(rated) : rated });
  }
  return items;
}

/** The mapper of a profile whose first record names the columns, or the reason the file is refused. */
export function readProfileHeader(header: CsvRecord | undefined, path: string, profile: InputProfile): RecordMapper {
  if (header === undefined) throw new RunFailedError(`${path}: the file is empty (no header row)`);
  const refused = (why: string): RunFailedError => new RunFailedError(`${path}: refused, nothing applied: ${why}`);
  if (header.raw.includes('\r'))
    throw refused('its lines end in CR alone (classic Mac OS line ends); convert them to LF or CRLF');
  if (header.fields === null)
    throw refused(
      `the header row is unreadable: ${header.problem?.message ?? 'bad row'} (it begins ${quoteInput(header.raw)})`,
    );
  const bound = profile.bind(header.fields);
  if ('missing' in bound) {
    throw refused(
      `the header lacks the column${bound.missing.length > 1 ? 's' : ''} ${bound.missing.join(', ')} that profile ${profile.id} reads (found: ${header.fields.map((name) => name.trim()).join(', ')})`,
    );
  }
  return bound;
}

/** The mapper of a profile whose layout names the columns (no header record). */
export function layoutMapper(profile: InputProfile): RecordMapper {
  const bound = profile.bind(profile.layoutColumnNames());
  if ('missing' in bound) throw new Error(`profile ${profile.id}: the layout lacks ${bound.missing.join(', ')}`); // checked when loaded
  return bound;
}

/** The header's column positions, or the reason the whole file is refused (its text quoted briefly). */
export function readColumns(header: CsvRecord | undefined, path: string): Columns {
  if (header === undefined) throw new RunFailedError(`${path}: the file is empty (no header row)`);
  const refused = (why: string): RunFailedError => new RunFailedError(`${path}: refused, nothing applied: ${why}`);
  if (header.raw.includes('\r')) {
    throw refused('its lines end in CR alone (classic Mac OS line ends); convert them to LF or CRLF');
  }
  if (header.fields === null)
    throw refused(
      `the header row is unreadable: ${header.problem?.message ?? 'bad row'} (it begins ${quoteInput(header.raw)})`,
    );
  const columns = readHeader(header.fields);
  if (!columns.ok) throw refused(columns.message);
  return columns;
}

/**
 * The records of a file, a chunk read at a time, framed as they are read (the file is hashed by
 * the same reads). The header is read and checked before this returns, so a refused file has
 * written nothing; then each batch comes parsed.
 */
export async function parseFile(
  file: InputFile,
  framer: RecordFramer,
  reference: ReferenceData,
  profile?: InputProfile,
): Promise<AsyncGenerator<ParsedBatch>> {
  const batches = recordBatches(file, framer);
  let first = await batches.next();
  while (!first.done && first.value.records.length === 0) first = await batches.next();
  const header = first.done ? undefined : first.value.records[0];
  let parse: (records: CsvRecord[], from: number) => ParsedItem[];
  let firstFrom = 1;
  if (profile === undefined) {
    const columns = readColumns(header, file.path);
    parse = (records, from) => parseRecords(records, columns, reference, from);
  } else {
    const mapper = profile.hasHeader ? readProfileHeader(header, file.path, profile) : layoutMapper(profile);
    if (!profile.hasHeader) firstFrom = 0;
    parse = (records, from) => parseMappedRecords(records, mapper, reference, from);
  }
  async function* parsed(): AsyncGenerator<ParsedBatch> {
    try {
      for (let next = first, from = firstFrom; !next.done; next = await batches.next(), from = 0) {
        yield { items: parse(next.value.records, from), bytesRead: next.value.bytesRead };
      }
    } finally {
      await batches.return(undefined);
    }
  }
  return parsed();
}

async function* recordBatches(
  file: InputFile,
  framer: RecordFramer,
): AsyncGenerator<{ records: CsvRecord[]; bytesRead: number }> {
  let bytesRead = 0;
  for await (const chunk of file.chunks()) {
    bytesRead += chunk.length;
    yield { records: framer.push(chunk), bytesRead };
  }
  yield { records: framer.end(), bytesRead };
}
