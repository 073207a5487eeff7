import { CallRecord, readCallRecord } from './callRecord';
import { CDR_COLUMNS, CdrColumn, ColumnPositions } from './header';
import { DurationUnit, durationText, MappingFailure, startText, TimeFormat, TimeZone } from './profileTransforms';
import { reject, RejectCode, Rejection } from './rejection';
import { InputEncoding } from './csvRecords';
import { quoteInput } from '../text/quoteInput';

/** An input profile as written in `data/profiles/*.json` (schemas/input-profile.schema.json). */
export interface ProfileFile {
  $schema?: string;
  id: string;
  description: string;
  encoding: InputEncoding | 'detect';
  layout: CsvLayout | FixedLayout;
  fields: Record<CdrColumn, FieldMapping>;
  skip?: SkipRule[];
}

export interface CsvLayout {
  type: 'csv';
  delimiter?: string;
  quote?: string;
  /** True: the first line names the columns (matched case-insensitively, any order, extra columns ignored). */
  header: boolean;
  /** Without a header: the columns' names by position. */
  columns?: string[];
  /** Without a header: the fewest fields a record may have (trailing optional columns); default all. */
  minColumns?: number;
}

export interface FixedLayout {
  type: 'fixed';
  /** Bytes per record in the file's encoding, line end not counted. */
  recordBytes: number;
  /** `line`: each record ends with CRLF or LF; `none`: records follow each other. */
  terminator: 'line' | 'none';
  fields: FixedField[];
}

export interface FixedField {
  name: string;
  /** Byte offset from the record's start (0-based) and length in bytes, in the encoded record. */
  offset: number;
  length: number;
  description?: string;
}

/** Where a canonical field comes from (exactly one of from, value, concat, choose), then how it is transformed. */
export interface FieldMapping {
  from?: string;
  value?: string;
  concat?: FieldMapping[];
  separator?: string;
  choose?: { by: string; cases: Record<string, FieldMapping>; default?: FieldMapping };
  trim?: boolean;
  time?: TimeFormat;
  zone?: TimeZone;
  duration?: DurationUnit;
}

/** A record that is not a call (unanswered, an internal leg): counted as skipped with this reason. */
export interface SkipRule {
  reason: string;
  when: Condition;
}

/** Compared with the source field's trimmed text. */
export interface Condition {
  field: string;
  in?: string[];
  notIn?: string[];
  empty?: boolean;
  startsWith?: string[];
}

export interface Skip {
  skipped: true;
  reason: string;
}

/** The canonical field's reject code when its mapping fails. */
const FIELD_CODES: Record<CdrColumn, RejectCode> = {
  record_id: 'BAD_RECORD_ID',
  contract_id: 'BAD_CONTRACT',
  number: 'BAD_NUMBER',
  direction: 'BAD_DIRECTION',
  peer: 'BAD_PEER',
  start: 'BAD_START',
  duration: 'BAD_DURATION',
};

/**
 * The order fields are mapped in: direction first, since the choice that makes it (a context, a
 * flag) also decides number and peer, and a record of an unknown kind is best told as that.
 */
const MAPPING_ORDER = [3, 0, 1, 2, 4, 5, 6];

/** Canonical fields in CDR_COLUMNS order: a mapped record is read at these positions. */
const IDENTITY_POSITIONS = Object.fromEntries(CDR_COLUMNS.map((column, index) => [column, index])) as ColumnPositions;

type Getter = (fields: string[]) => string | MappingFailure;
type Test = (fields: string[]) => boolean;

/**
 * A profile ready to bind to a file's columns. For a CSV layout with a header the names come from
 * the file's first line (`bind`); otherwise from the layout, and `bind` takes them from `columnNames`.
 */
export class InputProfile {
  readonly encoding: InputEncoding | undefined;
  /** Every source column a mapping or a skip rule reads. */
  readonly referencedColumns: string[];

  constructor(
    readonly file: ProfileFile,
    /** Where it was loaded from, for messages. */
    readonly origin: string,
  ) {
    this.encoding = file.encoding === 'detect' ? undefined : file.encoding;
    const referenced = new Set<string>();
    const collect = (mapping: FieldMapping): void => {
      if (mapping.time !== undefined && mapping.duration !== undefined)
        throw new Error('a mapping has either time or duration, not both');
      if (mapping.from !== undefined) referenced.add(mapping.from);
      mapping.concat?.forEach(collect);
      if (mapping.choose !== undefined) {
        referenced.add(mapping.choose.by);
        Object.values(mapping.choose.cases).forEach(collect);
        if (mapping.choose.default !== undefined) collect(mapping.choose.default);
      }
    };
    for (const column of CDR_COLUMNS) collect(file.fields[column]);
    for (const rule of file.skip ?? []) referenced.add(rule.when.field);
    this.referencedColumns = [...referenced];
    this.checkLayout();
  }

  get id(): string {
    return this.file.id;
  }

  get layout(): CsvLayout | FixedLayout {
    return this.file.layout;
  }

  /** True when the first record of a file names the columns. */
  get hasHeader(): boolean {
    return this.layout.type === 'csv' && this.layout.header;
  }

  /** The source columns' names by position, as the layout gives them (none for a CSV with a header). */
  layoutColumnNames(): string[] {
    if (this.layout.type === 'fixed') return this.layout.fields.map((field) => field.name);
    return this.layout.columns ?? [];
  }

  /** Bad configuration the schema cannot see: a name used but not in the layout, fields past the record. */
  private checkLayout(): void {
    const layout = this.layout;
    if (layout.type === 'csv' && layout.header) {
      if (layout.columns !== undefined)
        throw new Error('a CSV layout with a header takes its columns from the header: remove layout.columns');
      return;
    }
    if (layout.type === 'csv' && layout.columns === undefined)
      throw new Error('a CSV layout without a header needs layout.columns');
    const names = this.layoutColumnNames();
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    if (repeated.length > 0) throw new Error(`the layout names ${[...new Set(repeated)].join(', ')} more than once`);
    const unknown = this.referencedColumns.filter((name) => !names.includes(name));
    if (unknown.length > 0)
      throw new Error(`the profile reads ${unknown.join(', ')}, which the layout does not define`);
    if (layout.type === 'csv' && layout.minColumns !== undefined && layout.minColumns > names.length) {
      throw new Error(`layout.minColumns ${layout.minColumns} is more than the ${names.length} columns named`);
    }
    if (layout.type === 'fixed') {
      for (const field of layout.fields) {
        if (field.offset + field.length > layout.recordBytes) {
          throw new Error(
            `field ${field.name} (bytes ${field.offset}..${field.offset + field.length - 1}) runs past the ${layout.recordBytes}-byte record`,
          );
        }
      }
    }
  }

  /**
   * The mapper for records whose fields are named `columnNames` by position (a header's names, or
   * the layout's). Null and the missing names when a column the profile reads is not there.
   */
  bind(columnNames: string[]): RecordMapper | { missing: string[] } {
    const names = this.hasHeader ? columnNames.map((name) => name.trim().toLowerCase()) : columnNames;
    const positionOf = new Map<string, number>();
    names.forEach((name, index) => {
      if (!positionOf.has(name)) positionOf.set(name, index);
    });
    const lookup = (name: string): number => positionOf.get(this.hasHeader ? name.toLowerCase() : name)!;
    const missing = this.referencedColumns.filter(
      (name) => !positionOf.has(this.hasHeader ? name.toLowerCase() : name),
    );
    if (missing.length > 0) return { missing };
    const layout = this.layout;
    const width =
      layout.type === 'csv' && !layout.header
        ? { min: layout.minColumns ?? names.length, max: names.length }
        : { min: names.length, max: names.length };
    return new RecordMapper(this, lookup, width);
  }
}

/** Maps one source record's fields onto the canonical fields, then validates them as a canonical record. */
export class RecordMapper {
  private readonly getters: Getter[];
  private readonly skipTests: { reason: string; test: Test }[];
  private readonly sources: Record<CdrColumn, string>;
  private readonly skipPositions: Set<number>;
  private readonly mappedPositions: Set<number>;

  constructor(
    private readonly profile: InputProfile,
    private readonly positionOf: (name: string) => number,
    /** Fields a record must have. */
    readonly width: { min: number; max: number },
  ) {
    this.getters = CDR_COLUMNS.map((column) => this.compile(profile.file.fields[column]));
    this.skipTests = (profile.file.skip ?? []).map((rule) => ({
      reason: rule.reason,
      test: this.condition(rule.when),
    }));
    const rules = profile.file.skip ?? [];
    this.skipPositions = new Set(rules.map((rule) => positionOf(rule.when.field)));
    const skipOnly = new Set(rules.map((rule) => rule.when.field));
    this.mappedPositions = new Set(
      profile.referencedColumns
        .filter((name) => !skipOnly.has(name) || mappingReads(profile.file, name))
        .map(positionOf),
    );
    this.sources = Object.fromEntries(
      CDR_COLUMNS.map((column) => [column, describeMapping(profile.file.fields[column])]),
    ) as Record<CdrColumn, string>;
  }

  /**
   * The canonical texts of a record (CDR_COLUMNS order), a skip, or the first field that cannot be
   * mapped. `cutFields` (fixed-width fields that cut a character) reject the record only where a
   * skip rule or a mapping reads them.
   */
  mapFields(fields: string[], cutFields?: { position: number; message: string }[]): string[] | Skip | Rejection {
    if (fields.length < this.width.min || fields.length > this.width.max) {
      const expected =
        this.width.min === this.width.max ? `${this.width.min}` : `${this.width.min} to ${this.width.max}`;
      return reject('MALFORMED_ROW', `${fields.length} fields where profile ${this.profile.id} has ${expected}`);
    }
    if (cutFields !== undefined) {
      const cut = cutFields.find((field) => this.skipPositions.has(field.position));
      if (cut !== undefined) return reject('BAD_ENCODING', cut.message);
    }
    for (const { reason, test } of this.skipTests) if (test(fields)) return { skipped: true, reason };
    if (cutFields !== undefined) {
      const cut = cutFields.find((field) => this.mappedPositions.has(field.position));
      if (cut !== undefined) return reject('BAD_ENCODING', cut.message);
    }
    const mapped: string[] = new Array(CDR_COLUMNS.length);
    for (const index of MAPPING_ORDER) {
      const value = this.getters[index]!(fields);
      if (typeof value !== 'string') {
        const column = CDR_COLUMNS[index]!;
        return reject(
          FIELD_CODES[column],
          `profile ${this.profile.id}, field ${column} (${this.sources[column]}): ${value.failure}`,
        );
      }
      mapped[index] = value;
    }
    return mapped;
  }

  /** The record mapped and validated: a call, a skip, or a rejection naming the profile field. */
  map(fields: string[], cutFields?: { position: number; message: string }[]): CallRecord | Skip | Rejection {
    const mapped = this.mapFields(fields, cutFields);
    if (!Array.isArray(mapped)) return mapped;
    const call = readCallRecord(mapped, IDENTITY_POSITIONS);
    if ('ok' in call) return this.named(call);
    return call;
  }

  /** A canonical rejection with the profile fields it came from, so that the operator can find the column. */
  named(rejection: Rejection): Rejection {
    const column = (Object.keys(FIELD_CODES) as CdrColumn[]).find(
      (candidate) => FIELD_CODES[candidate] === rejection.code,
    );
    const where =
      column !== undefined
        ? `field ${column} (${this.sources[column]})`
        : rejection.code === 'MISSING_FIELD'
          ? CDR_COLUMNS.filter((candidate) => rejection.message.includes(candidate))
              .map((candidate) => `${candidate} (${this.sources[candidate]})`)
              .join(', ')
          : '';
    return where === ''
      ? rejection
      : reject(rejection.code, `${rejection.message} (profile ${this.profile.id}, ${where})`);
  }

  private column(name: string): Getter {
    const position = this.positionOf(name);
    return (fields) =>
      fields[position] ?? { failure: `the record has no column ${name} (it has ${fields.length} fields)` };
  }

  private compile(mapping: FieldMapping): Getter {
    let source: Getter;
    if (mapping.from !== undefined) source = this.column(mapping.from);
    else if (mapping.value !== undefined) {
      const value = mapping.value;
      source = () => value;
    } else if (mapping.concat !== undefined) {
      const parts = mapping.concat.map((part) => this.compile(part));
      const separator = mapping.separator ?? '';
      source = (fields) => {
        let text = '';
        for (let index = 0; index < parts.length; index += 1) {
          const part = parts[index]!(fields);
          if (typeof part !== 'string') return part;
          text = index === 0 ? part : text + separator + part;
        }
        return text;
      };
    } else source = this.choice(mapping.choose!);
    const trim = mapping.trim === true;
    const time = mapping.time;
    const zone = mapping.zone ?? 'Asia/Tokyo';
    const duration = mapping.duration;
    if (!trim && time === undefined && duration === undefined) return source;
    return (fields) => {
      let value = source(fields);
      if (typeof value !== 'string') return value;
      if (trim) value = value.trim();
      if (time !== undefined) return startText(value, time, zone);
      if (duration !== undefined) return durationText(value, duration);
      return value;
    };
  }

  private choice(choose: NonNullable<FieldMapping['choose']>): Getter {
    const by = this.column(choose.by);
    const cases = new Map(Object.entries(choose.cases).map(([key, mapping]) => [key, this.compile(mapping)]));
    const fallback = choose.default === undefined ? undefined : this.compile(choose.default);
    const known = [...cases.keys()].map((key) => `"${key}"`).join(', ');
    return (fields) => {
      const key = by(fields);
      if (typeof key !== 'string') return key;
      const chosen = cases.get(key.trim()) ?? fallback;
      if (chosen === undefined) return { failure: `${choose.by} ${quoteInput(key)} is none of ${known}` };
      return chosen(fields);
    };
  }

  private condition(when: Condition): Test {
    const position = this.positionOf(when.field);
    const value = (fields: string[]): string => (fields[position] ?? '').trim();
    const tests: Test[] = [];
    if (when.in !== undefined) {
      const set = new Set(when.in);
      tests.push((fields) => set.has(value(fields)));
    }
    if (when.notIn !== undefined) {
      const set = new Set(when.notIn);
      tests.push((fields) => !set.has(value(fields)));
    }
    if (when.empty !== undefined) {
      const empty = when.empty;
      tests.push((fields) => (value(fields) === '') === empty);
    }
    if (when.startsWith !== undefined) {
      const prefixes = when.startsWith;
      tests.push((fields) => prefixes.some((prefix) => value(fields).startsWith(prefix)));
    }
    return (fields) => tests.every((test) => test(fields));
  }
}

/** `from column billsec, duration in seconds`: where a canonical field comes from, for messages and the README. */
export function describeMapping(mapping: FieldMapping): string {
  let text: string;
  if (mapping.from !== undefined) text = `from ${mapping.from}`;
  else if (mapping.value !== undefined) text = `the value "${mapping.value}"`;
  else if (mapping.concat !== undefined) text = `${mapping.concat.map(describeMapping).join(' + ')}`;
  else text = `chosen by ${mapping.choose!.by}`;
  if (mapping.time !== undefined)
    text += `, ${mapping.time}${mapping.time === 'iso' || mapping.time === 'yyyymmddhhmmss' ? ` ${mapping.zone ?? 'Asia/Tokyo'}` : ''}`;
  if (mapping.duration !== undefined) text += `, ${mapping.duration}`;
  return text;
}

/** Whether a mapping (not only a skip rule) reads the column. */
function mappingReads(file: ProfileFile, name: string): boolean {
  const reads = (mapping: FieldMapping): boolean =>
    mapping.from === name ||
    (mapping.concat?.some(reads) ?? false) ||
    (mapping.choose !== undefined &&
      (mapping.choose.by === name ||
        Object.values(mapping.choose.cases).some(reads) ||
        (mapping.choose.default !== undefined && reads(mapping.choose.default))));
  return CDR_COLUMNS.some((column) => reads(file.fields[column]));
}
