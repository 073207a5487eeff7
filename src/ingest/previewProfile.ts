import { CsvRecord, InputEncoding } from '../input/csvRecords';
import { profileFramer } from '../input/profileFramer';
import { InputFile } from '../input/inputFile';
import { InputProfile, RecordMapper } from '../input/profile';
import { rateByReference } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';
import { layoutMapper, readProfileHeader } from './parseStage';

export interface PreviewRow {
  line: number;
  /** The canonical fields as the profile maps them (text, before validation); empty where mapping stopped. */
  fields: string[];
  /** `accepted` (before de-duplication against the store), `skipped REASON` or `rejected CODE: message`. */
  outcome: string;
}

/**
 * The first records of a file mapped by a profile, each with what ingest would make of it
 * (validation and rating, not de-duplication: nothing is read from or written to a store).
 */
export async function previewRecords(
  file: InputFile,
  profile: InputProfile,
  reference: ReferenceData,
  options: { records: number; encoding?: InputEncoding },
): Promise<PreviewRow[]> {
  const framer = profileFramer(profile, options.encoding);
  const rows: PreviewRow[] = [];
  let mapper: RecordMapper | null = profile.hasHeader ? null : layoutMapper(profile);
  const take = (record: CsvRecord): void => {
    if (mapper === null) {
      mapper = readProfileHeader(record, file.path, profile);
      return;
    }
    if (record.fields === null) {
      rows.push({
        line: record.line,
        fields: [],
        outcome: `rejected ${record.problem?.code ?? 'MALFORMED_ROW'}: ${record.problem?.message ?? 'unreadable row'}`,
      });
      return;
    }
    const mapped = mapper.mapFields(record.fields, record.cutFields);
    if (!Array.isArray(mapped)) {
      rows.push({
        line: record.line,
        fields: [],
        outcome: 'skipped' in mapped ? `skipped ${mapped.reason}` : `rejected ${mapped.code}: ${mapped.message}`,
      });
      return;
    }
    const call = mapper.map(record.fields, record.cutFields);
    if ('skipped' in call) return; // mapFields said it is not
    if ('ok' in call) {
      rows.push({ line: record.line, fields: mapped, outcome: `rejected ${call.code}: ${call.message}` });
      return;
    }
    const rated = rateByReference(call, reference);
    const outcome =
      'ok' in rated
        ? `rejected ${rated.code}: ${mapper.named(rated).message}`
        : `accepted (${rated.peerClass}, ${rated.tariffId})`;
    rows.push({ line: record.line, fields: mapped, outcome });
  };
  for await (const chunk of file.chunks()) {
    for (const record of framer.push(chunk)) {
      if (rows.length >= options.records) return rows;
      take(record);
    }
    if (rows.length >= options.records) return rows;
  }
  for (const record of framer.end()) {
    if (rows.length >= options.records) break;
    take(record);
  }
  return rows;
}
