import { CALL_TYPES } from '../numbering/callType';
import { formatTenths } from '../time/duration';
import { parseDurationText } from './readStatementFile';
import {
  displayFigure,
  displayYen,
  FIGURE_FIELDS,
  FigureField,
  fieldValue,
  ROW_KEYS,
  RowFigures,
  RowKey,
  rowName,
  StatementFigures,
  TableFigures,
  TableName,
} from './statementFigures';

/**
 * Whether a statement foots: in each table the total row is the sum of the five call rows (down),
 * each all-number row is the sum of the per-number rows (across), each printed duration reads as
 * its tenths, and each 着割 discount is zero or below and no larger than the table's charges.
 */
export type FootingKind = 'down' | 'across' | 'duration-text' | 'discount';

export interface FootingProblem {
  table: TableName;
  row: RowKey;
  field: FigureField;
  kind: FootingKind;
  /** Told from the statement's side: "its call rows add up to 109:54:23.5, its total row says 119:54:23.5". */
  message: string;
}

export interface FootingOptions {
  /**
   * meisai's own statements print every duration exactly as formatTenths does. A statement from
   * elsewhere only has to print the same time (`01:02:03.0` reads as `1:02:03.0`).
   */
  strictDurationText: boolean;
}

export function footingProblems(figures: StatementFigures, options: FootingOptions): FootingProblem[] {
  const problems: FootingProblem[] = [];
  const tables: [TableName, TableFigures][] = [];
  if (figures.allNumbers !== undefined) tables.push([null, figures.allNumbers]);
  for (const number of [...figures.numbers.keys()].sort()) tables.push([number, figures.numbers.get(number)!]);
  for (const [table, rows] of tables) {
    problems.push(
      ...downProblems(table, rows),
      ...durationTextProblems(table, rows, options),
      ...discountProblems(table, rows),
    );
  }
  if (figures.allNumbers !== undefined && figures.numbers.size > 0)
    problems.push(...acrossProblems(figures.allNumbers, figures.numbers));
  return problems;
}

/** The total row against the sum of the call rows given. */
function downProblems(table: TableName, rows: TableFigures): FootingProblem[] {
  const total = rows.total;
  if (total === undefined) return [];
  const callRows = CALL_TYPES.map((type) => rows[type]).filter((row): row is RowFigures => row !== undefined);
  const partial = callRows.length < CALL_TYPES.length ? ` (only ${callRows.length} of the 5 call rows are given)` : '';
  return FIGURE_FIELDS.flatMap((field) => {
    const sum = callRows.reduce((accumulated, row) => accumulated + fieldValue(row, field), 0n);
    const stated = fieldValue(total, field);
    if (sum === stated) return [];
    const message = `its call rows add up to ${displayFigure(field, sum)}${partial}, its total row says ${displayFigure(field, stated)}`;
    return [{ table, row: 'total' as const, field, kind: 'down' as const, message }];
  });
}

/** Each all-number row against the sum of the per-number rows of the same kind. */
function acrossProblems(allNumbers: TableFigures, numbers: Map<string, TableFigures>): FootingProblem[] {
  const problems: FootingProblem[] = [];
  for (const row of ROW_KEYS) {
    const allNumbersRow = allNumbers[row];
    if (allNumbersRow === undefined) continue;
    for (const field of FIGURE_FIELDS) {
      let sum = 0n;
      for (const table of numbers.values()) {
        const numberRow = table[row];
        if (numberRow !== undefined) sum += fieldValue(numberRow, field);
      }
      const stated = fieldValue(allNumbersRow, field);
      if (sum === stated) continue;
      problems.push({
        table: null,
        row,
        field,
        kind: 'across',
        message: `its per-number ${rowName(row)} rows add up to ${displayFigure(field, sum)}, its all-number row says ${displayFigure(field, stated)}`,
      });
    }
  }
  return problems;
}

function durationTextProblems(table: TableName, rows: TableFigures, options: FootingOptions): FootingProblem[] {
  return ROW_KEYS.flatMap((row) => {
    const figures = rows[row];
    if (figures === undefined) return [];
    const canonical = formatTenths(figures.durationTenths);
    const agrees = options.strictDurationText
      ? figures.durationText === canonical
      : readsAs(figures.durationText, figures.durationTenths);
    if (agrees) return [];
    const message = `its ${rowName(row)} row prints duration ${figures.durationText} for ${figures.durationTenths} tenths (${canonical})`;
    return [{ table, row, field: 'duration' as const, kind: 'duration-text' as const, message }];
  });
}

function readsAs(text: string, durationTenths: number): boolean {
  try {
    return parseDurationText(text) === durationTenths;
  } catch {
    return false;
  }
}

/**
 * 無料通話分 and 着割 are discounts (zero or below), each capped at the table's charges
 * (通話料金を上限): the allowance at the call charges, 着割 at what the allowance left of them.
 */
function discountProblems(table: TableName, rows: TableFigures): FootingProblem[] {
  const charge =
    rows.total?.amountScaled ?? CALL_TYPES.reduce((sum, type) => sum + (rows[type]?.amountScaled ?? 0n), 0n);
  const allowance = rows.allowance?.amountScaled ?? 0n;
  const problems: FootingProblem[] = [];
  for (const [row, name, cap, capName] of [
    ['allowance', '無料通話分', charge, 'its call charges'],
    [
      'chakuwari',
      '着割',
      charge + (allowance < 0n ? allowance : 0n),
      allowance < 0n ? 'its call charges after 無料通話分' : 'its call charges',
    ],
  ] as const) {
    const discount = rows[row]?.amountScaled;
    if (discount === undefined) continue;
    if (discount > 0n) {
      problems.push({
        table,
        row,
        field: 'amount',
        kind: 'discount',
        message: `its ${name} discount ${displayYen(discount)} is not a discount (above zero)`,
      });
    } else if (-discount > cap) {
      problems.push({
        table,
        row,
        field: 'amount',
        kind: 'discount',
        message: `its ${name} discount ${displayYen(discount)} exceeds ${capName} ${displayYen(cap)} (the cap)`,
      });
    }
  }
  return problems;
}
