import { parse } from 'csv-parse/sync';
import { normaliseSubscriberNumber } from '../numbering/peer';
import { CustomerLine } from '../store/listingTypes';
import { quoteInput } from '../text/quoteInput';
import { japanDateStartMs } from '../time/japanTime';

export type CustomersRead = { ok: true; customers: CustomerLine[] } | { ok: false; problems: string[] };

const CONTRACT = /^N\d{9}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COLUMNS = ['contract_id', 'name', 'number', 'active_from', 'active_to'] as const;

/**
 * Reads a customers CSV `contract_id,name,number,active_from,active_to` (header row, any column
 * order, UTF-8 with or without BOM), whole: every bad line is named and one bad line refuses the
 * file. A contract has one name; a number is never active for two lines on the same day.
 */
export function readCustomersCsv(text: string): CustomersRead {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    return { ok: false, problems: [`not a readable CSV: ${(error as Error).message}`] };
  }
  if (rows.length === 0) return { ok: false, problems: [`the file is empty: a header ${COLUMNS.join(',')} is needed`] };
  const header = rows[0]!.map((name) => name.toLowerCase());
  const position = new Map(COLUMNS.map((column) => [column, header.indexOf(column)]));
  const missing = COLUMNS.filter((column) => position.get(column)! < 0);
  if (missing.length > 0)
    return { ok: false, problems: [`line 1: the header lacks ${missing.join(', ')} (expected ${COLUMNS.join(',')})`] };
  const problems: string[] = [];
  const customers: (CustomerLine & { line: number })[] = [];
  rows.slice(1).forEach((row, index) => {
    const line = index + 2;
    if (row.length !== header.length) {
      problems.push(`line ${line}: ${row.length} fields, the header has ${header.length}`);
      return;
    }
    const field = (column: (typeof COLUMNS)[number]): string => row[position.get(column)!] ?? '';
    const contractId = field('contract_id');
    const name = field('name');
    const rawNumber = field('number');
    const activeFrom = field('active_from');
    const rawActiveTo = field('active_to');
    const lineProblems: string[] = [];
    if (!CONTRACT.test(contractId)) lineProblems.push(`contract_id ${quoteInput(contractId)} is not N and 9 digits`);
    if (name === '') lineProblems.push('name is empty');
    const number = normaliseSubscriberNumber(rawNumber);
    if (number === null) lineProblems.push(`number ${quoteInput(rawNumber)} is not an 11-digit 050 number`);
    if (!isDate(activeFrom)) lineProblems.push(`active_from ${quoteInput(activeFrom)} is not a date YYYY-MM-DD`);
    if (rawActiveTo !== '' && !isDate(rawActiveTo))
      lineProblems.push(`active_to ${quoteInput(rawActiveTo)} is not a date YYYY-MM-DD (or empty while active)`);
    else if (rawActiveTo !== '' && isDate(activeFrom) && rawActiveTo < activeFrom)
      lineProblems.push(`active_to ${rawActiveTo} is before active_from ${activeFrom}`);
    if (lineProblems.length > 0) {
      problems.push(`line ${line}: ${lineProblems.join('; ')}`);
      return;
    }
    customers.push({
      contractId,
      name,
      number: number!,
      activeFrom,
      activeTo: rawActiveTo === '' ? null : rawActiveTo,
      line,
    });
  });
  problems.push(...crossLineProblems(customers));
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, customers: customers.map(({ line: _line, ...customer }) => customer) };
}

/** One name per contract; one line per number and day. */
function crossLineProblems(customers: readonly (CustomerLine & { line: number })[]): string[] {
  const problems: string[] = [];
  const names = new Map<string, { name: string; line: number }>();
  const byNumber = new Map<string, (CustomerLine & { line: number })[]>();
  for (const customer of customers) {
    const named = names.get(customer.contractId);
    if (named === undefined) names.set(customer.contractId, { name: customer.name, line: customer.line });
    else if (named.name !== customer.name) {
      problems.push(
        `line ${customer.line}: contract ${customer.contractId} is named ${quoteInput(customer.name)} here and ${quoteInput(named.name)} on line ${named.line}`,
      );
    }
    byNumber.set(customer.number, [...(byNumber.get(customer.number) ?? []), customer]);
  }
  for (const lines of byNumber.values()) {
    const sorted = [...lines].sort((left, right) =>
      left.activeFrom < right.activeFrom ? -1 : left.activeFrom > right.activeFrom ? 1 : left.line - right.line,
    );
    for (let at = 1; at < sorted.length; at += 1) {
      const previous = sorted[at - 1]!;
      const current = sorted[at]!;
      if (previous.activeTo === null || previous.activeTo >= current.activeFrom) {
        problems.push(
          `line ${current.line}: number ${current.number} is already active on ${current.activeFrom} (line ${previous.line})`,
        );
      }
    }
  }
  return problems;
}

function isDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  try {
    japanDateStartMs(date);
    return true;
  } catch {
    return false;
  }
}

/** Days in a `YYYY-MM` month. */
export function daysInMonth(month: string): number {
  const year = Number.parseInt(month.slice(0, 4), 10);
  const monthNumber = Number.parseInt(month.slice(5, 7), 10);
  return new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
}

/** The days of the month (1-based) a line is active: an empty set when it is not active in it. */
export function activeDays(line: Pick<CustomerLine, 'activeFrom' | 'activeTo'>, month: string): Set<number> {
  const days = new Set<number>();
  const last = daysInMonth(month);
  for (let day = 1; day <= last; day += 1) {
    const date = `${month}-${String(day).padStart(2, '0')}`;
    if (line.activeFrom <= date && (line.activeTo === null || date <= line.activeTo)) days.add(day);
  }
  return days;
}
