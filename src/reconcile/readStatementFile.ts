import { parse as parseCsv } from 'csv-parse/sync';
import { parseYenAmountExact } from '../money/scaledYen';
import { normaliseSubscriberNumber } from '../numbering/peer';
import { CALL_TYPE_LABELS, CALL_TYPES, CallType, isCallType } from '../numbering/callType';
import { ALLOWANCE_LABEL, CHAKUWARI_LABEL, SECTION_LABELS } from '../statement/renderText';
import { formatTenths, parseDigits } from '../time/duration';
import { RowFigures, RowKey, StatementFigures, TableFigures } from './statementFigures';

/**
 * Reads a statement printed elsewhere into exact figures: the JSON of spec §6, or a CSV of its
 * rows (the header of `statement --format csv`). Either may be partial: only the all-number table,
 * only some numbers, some rows missing; what is missing is a difference for the comparison to
 * report, not an error here. Money is read as decimal text (thousands separators allowed, e.g.
 * `130,090`, `-1,174`), durations as `H:MM:SS.s` or whole tenths: never through a float.
 */
export type StatementFileResult = { ok: true; figures: StatementFigures } | { ok: false; message: string };

/** Tells JSON from CSV by the first character: `{` opens a JSON statement. */
export function readStatementText(text: string): StatementFileResult {
  const content = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return content.trimStart().startsWith('{') ? readStatementJson(content) : readStatementCsv(content);
}

export function readStatementJson(text: string): StatementFileResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON: ${(error as Error).message}` };
  }
  return readStatementDocument(document);
}

/** A statement's parsed JSON document (one from elsewhere, or a revision meisai stored) as figures. */
export function readStatementDocument(document: unknown): StatementFileResult {
  return capture(() => figuresFromDocument(document));
}

export function readStatementCsv(text: string): StatementFileResult {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    return { ok: false, message: `not a readable CSV: ${(error as Error).message}` };
  }
  return capture(() => figuresFromCsvRecords(records));
}

function figuresFromDocument(document: unknown): StatementFigures {
  const statement = asObject(document, 'the statement');
  const contract = requiredText(statement.contract, 'contract');
  const month = requiredText(statement.month, 'month');
  checkContractAndMonth(contract, month);
  if (statement.currency !== undefined && statement.currency !== 'JPY') {
    fail(`currency is ${JSON.stringify(statement.currency)}: only JPY statements can be compared`);
  }
  if (statement.taxIncluded !== undefined && statement.taxIncluded !== false) {
    fail('taxIncluded is not false: meisai statements exclude consumption tax, so the figures cannot be compared');
  }
  const figures: StatementFigures = { contract, month, numbers: new Map() };
  // `"revision": null` (with `"issued": false`): figures never issued, no revision to compare.
  if (statement.revision !== undefined && statement.revision !== null)
    figures.revision = wholeNumber(statement.revision, 'revision');
  if (statement.allNumbers !== undefined) figures.allNumbers = tableFromDocument(statement.allNumbers, 'allNumbers');
  if (statement.numbers !== undefined) {
    if (!Array.isArray(statement.numbers)) fail('numbers is not an array');
    (statement.numbers as unknown[]).forEach((entry, index) => {
      const where = `numbers[${index}]`;
      const number = subscriberNumber(
        requiredText(asObject(entry, where).number, `${where}.number`),
        `${where}.number`,
      );
      if (figures.numbers.has(number)) fail(`${where}: number ${number} appears twice`);
      figures.numbers.set(number, tableFromDocument(entry, where));
    });
  }
  if (figures.allNumbers === undefined && figures.numbers.size === 0)
    fail('the statement has neither allNumbers nor any numbers');
  return figures;
}

function tableFromDocument(value: unknown, where: string): TableFigures {
  const table = asObject(value, where);
  const figures: TableFigures = {};
  if (table.calls !== undefined) {
    if (!Array.isArray(table.calls)) fail(`${where}.calls is not an array`);
    (table.calls as unknown[]).forEach((entry, index) => {
      const rowWhere = `${where}.calls[${index}]`;
      const row = asObject(entry, rowWhere);
      const type = callTypeOf(
        optionalText(row.type, `${rowWhere}.type`),
        optionalText(row.label, `${rowWhere}.label`),
        rowWhere,
      );
      if (figures[type] !== undefined) fail(`${rowWhere}: a second ${type} row`);
      figures[type] = rowFromDocument(row, 'charge', rowWhere);
    });
  }
  if (table.total !== undefined)
    figures.total = rowFromDocument(asObject(table.total, `${where}.total`), 'charge', `${where}.total`);
  if (table.allowance !== undefined) {
    figures.allowance = rowFromDocument(
      asObject(table.allowance, `${where}.allowance`),
      'discount',
      `${where}.allowance`,
    );
  }
  if (table.chakuwari !== undefined) {
    figures.chakuwari = rowFromDocument(
      asObject(table.chakuwari, `${where}.chakuwari`),
      'discount',
      `${where}.chakuwari`,
    );
  }
  return figures;
}

function rowFromDocument(row: Record<string, unknown>, amountKey: 'charge' | 'discount', where: string): RowFigures {
  const count = wholeNumber(row.count, `${where}.count`);
  const tenths =
    row.durationTenths === undefined ? undefined : wholeNumber(row.durationTenths, `${where}.durationTenths`);
  const text = optionalText(row.duration, `${where}.duration`);
  const amount = row[amountKey];
  let amountScaled: bigint;
  if (typeof amount === 'string') amountScaled = parseAmount(amount, `${where}.${amountKey}`);
  else if (typeof amount === 'number' && Number.isSafeInteger(amount))
    amountScaled = parseAmount(String(amount), `${where}.${amountKey}`);
  else
    fail(
      `${where}.${amountKey} must be a decimal string such as "130090" (a JSON number with a fraction is not exact)`,
    );
  return { count, ...durationFigures(tenths, text, where), amountScaled };
}

const CSV_REQUIRED = ['contract', 'month', 'scope', 'section', 'count', 'amount'] as const;

function figuresFromCsvRecords(records: string[][]): StatementFigures {
  const [header, ...rows] = records;
  if (header === undefined) fail('the file is empty');
  const columns = new Map(header.map((name, index) => [name.trim().toLowerCase(), index]));
  const missing: string[] = CSV_REQUIRED.filter((name) => !columns.has(name));
  if (!columns.has('duration') && !columns.has('duration_tenths')) missing.push('duration');
  if (missing.length > 0) fail(`the header lacks the columns ${missing.join(', ')}`);
  if (rows.length === 0) fail('the file has a header but no rows');

  let figures: StatementFigures | undefined;
  rows.forEach((fields, index) => {
    const where = `line ${index + 2}`;
    const field = (name: string): string => cellText(fields[columns.get(name) ?? -1] ?? '');
    const contract = field('contract');
    const month = field('month');
    if (figures === undefined) {
      checkContractAndMonth(contract, month);
      figures = { contract, month, numbers: new Map() };
    } else if (contract !== figures.contract || month !== figures.month) {
      fail(`${where}: ${contract} ${month} in a statement of ${figures.contract} ${figures.month}`);
    }
    const revisionText = field('revision');
    if (revisionText !== '') {
      const revision = wholeNumberText(revisionText, `${where}: revision`);
      if (figures.revision !== undefined && figures.revision !== revision)
        fail(`${where}: revision ${revision} after revision ${figures.revision}`);
      figures.revision = revision;
    }
    // A carried-in row (a plan with an allowance that carries over) explains the 無料通話分 row; it is no figure to check.
    if (field('section').toLowerCase() === 'carried') return;
    const table = csvTable(figures, field('scope'), field('number'), where);
    const key = csvRowKey(field('section'), field('type'), field('label'), where);
    if (table[key] !== undefined) fail(`${where}: a second ${key} row in the same table`);
    const tenthsText = field('duration_tenths');
    table[key] = {
      count: wholeNumberText(field('count'), `${where}: count`),
      ...durationFigures(
        tenthsText === '' ? undefined : wholeNumberText(tenthsText, `${where}: duration_tenths`),
        field('duration') || undefined,
        where,
      ),
      amountScaled: parseAmount(field('amount'), `${where}: amount`),
    };
  });
  return figures!;
}

function csvTable(figures: StatementFigures, scope: string, rawNumber: string, where: string): TableFigures {
  const scopeName = scope.toLowerCase();
  if (scopeName === 'all') {
    if (rawNumber !== '') fail(`${where}: scope all with number ${rawNumber}`);
    figures.allNumbers ??= {};
    return figures.allNumbers;
  }
  if (scopeName !== 'number') fail(`${where}: scope "${scope}" is neither all nor number`);
  const number = subscriberNumber(rawNumber, `${where}: number`);
  let table = figures.numbers.get(number);
  if (table === undefined) {
    table = {};
    figures.numbers.set(number, table);
  }
  return table;
}

/** The row a CSV line is: by section (`call`/`total`/`allowance`/`chakuwari`, or the printed 通話/合計/無料通話/着割) and type or label. */
function csvRowKey(section: string, type: string, label: string, where: string): RowKey {
  const sectionName = section.toLowerCase();
  if (sectionName === 'total' || section === SECTION_LABELS.total) return 'total';
  if (sectionName === 'chakuwari' || section === SECTION_LABELS.chakuwari || label === CHAKUWARI_LABEL)
    return 'chakuwari';
  if (sectionName === 'allowance' || section === SECTION_LABELS.allowance || label === ALLOWANCE_LABEL)
    return 'allowance';
  if (sectionName === 'call' || section === SECTION_LABELS.call)
    return callTypeOf(type || undefined, label || undefined, where);
  fail(`${where}: section "${section}" is not call, total, allowance or chakuwari`);
}

function callTypeOf(type: string | undefined, label: string | undefined, where: string): CallType {
  if (type !== undefined) {
    if (!isCallType(type)) fail(`${where}: type "${type}" is not one of ${CALL_TYPES.join(', ')}`);
    if (label !== undefined && label !== CALL_TYPE_LABELS[type]) fail(`${where}: type ${type} with label "${label}"`);
    return type;
  }
  const byLabel = CALL_TYPES.find((candidate) => CALL_TYPE_LABELS[candidate] === label);
  if (byLabel === undefined) fail(`${where}: a call row needs a type (${CALL_TYPES.join(', ')}) or its label`);
  return byLabel;
}

/** Tenths and printed text from whichever the row gives; when it gives both, both are kept for the footing check. */
function durationFigures(
  tenths: number | undefined,
  text: string | undefined,
  where: string,
): Pick<RowFigures, 'durationTenths' | 'durationText'> {
  if (tenths !== undefined) return { durationTenths: tenths, durationText: text ?? formatTenths(tenths) };
  if (text === undefined) fail(`${where}: no duration (neither duration nor duration_tenths)`);
  return { durationTenths: parseDurationText(text, where), durationText: text };
}

const DURATION_TEXT = /^(\d{1,9}):([0-5]\d):([0-5]\d)(?:\.(\d))?$/;

/** `H:MM:SS.s` (hours not capped at 24) into whole tenths of a second, exactly. */
export function parseDurationText(text: string, where = 'duration'): number {
  const match = DURATION_TEXT.exec(text);
  if (match === null) fail(`${where}: duration "${text}" is not H:MM:SS.s`);
  const seconds = (parseDigits(match[1]!) * 60 + parseDigits(match[2]!)) * 60 + parseDigits(match[3]!);
  return seconds * 10 + (match[4] === undefined ? 0 : parseDigits(match[4]));
}

const AMOUNT = /^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;

/** `130090`, `130,090`, `-1,174`, `0.5` into scaled yen, exactly at any size (decimal, never a float). */
export function parseAmount(raw: string, where = 'amount'): bigint {
  const text = raw.trim();
  if (!AMOUNT.test(text)) fail(`${where}: "${raw}" is not a yen amount`);
  try {
    return parseYenAmountExact(text.replace(/,/g, '')); // a bigint has no negative zero
  } catch (error) {
    fail(`${where}: ${(error as Error).message}`);
  }
}

const WHOLE_NUMBER = /^(\d{1,3}(,\d{3})+|\d{1,15})$/;

function wholeNumberText(text: string, where: string): number {
  if (!WHOLE_NUMBER.test(text)) fail(`${where}: "${text}" is not a whole number`);
  return parseDigits(text.replace(/,/g, ''));
}

function wholeNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${where} is not a whole number`);
  return value;
}

function subscriberNumber(raw: string, where: string): string {
  const number = normaliseSubscriberNumber(raw);
  if (number === null) fail(`${where}: "${raw}" is not an 11-digit 050 number`);
  return number;
}

function checkContractAndMonth(contract: string, month: string): void {
  if (!/^N\d{9}$/.test(contract)) fail(`contract "${contract}" is not N followed by 9 digits`);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) fail(`month "${month}" is not YYYY-MM`);
}

/** A CSV cell as a spreadsheet-safe export may write it: trimmed, without the `'` that neutralises a formula. */
function cellText(raw: string): string {
  const text = raw.trim();
  return text.startsWith("'") ? text.slice(1) : text;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} is not an object`);
  return value as Record<string, unknown>;
}

function requiredText(value: unknown, where: string): string {
  const text = optionalText(value, where);
  if (text === undefined) fail(`${where} is missing`);
  return text;
}

function optionalText(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(`${where} is not a string`);
  return value;
}

class StatementShapeError extends Error {}

function fail(message: string): never {
  throw new StatementShapeError(message);
}

function capture(read: () => StatementFigures): StatementFileResult {
  try {
    return { ok: true, figures: read() };
  } catch (error) {
    if (error instanceof StatementShapeError) return { ok: false, message: error.message };
    throw error;
  }
}
