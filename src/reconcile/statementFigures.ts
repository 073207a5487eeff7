import Decimal from 'decimal.js';
import { CALL_TYPE_LABELS, CALL_TYPES, CallType } from '../numbering/callType';
import { SECTION_LABELS } from '../statement/renderText';
import { YEN_SCALE } from '../money/scaledYen';
import { formatTenths } from '../time/duration';

/**
 * The figures of a statement, whoever printed it, in exact integers: what reconciliation compares
 * and checks for footing. A statement read from elsewhere may lack rows or tables, so every row
 * and table is optional here; meisai's own statements always have all of them.
 */

/** The rows of one statement table: the five call types, the total row, the 無料通話分 row (plans with allowances), the 着割 row. */
export type RowKey = CallType | 'total' | 'allowance' | 'chakuwari';
export const ROW_KEYS: readonly RowKey[] = [...CALL_TYPES, 'total', 'allowance', 'chakuwari'];

export interface RowFigures {
  count: number;
  durationTenths: number;
  /** The duration as printed (`H:MM:SS.s`); must read as `durationTenths`. */
  durationText: string;
  /** Call and total rows: the charge; 無料通話分 and 着割 rows: the discount (zero or below). Scaled yen, exact at any size. */
  amountScaled: bigint;
}

export type TableFigures = Partial<Record<RowKey, RowFigures>>;

export interface StatementFigures {
  contract: string;
  month: string;
  revision?: number;
  /** The all-number table (全番号合計), when the statement gives one. */
  allNumbers?: TableFigures;
  /** Each number's table, by 11-digit number; empty when the statement gives none. */
  numbers: Map<string, TableFigures>;
}

/** The figures a row comparison looks at. */
export type FigureField = 'count' | 'duration' | 'amount';
export const FIGURE_FIELDS: readonly FigureField[] = ['count', 'duration', 'amount'];

/** A table's place in a statement: `null` for all numbers, else the number. */
export type TableName = string | null;

/** A row's figure, as a bigint: sums of them across rows and numbers stay exact at any size. */
export function fieldValue(row: RowFigures, field: FigureField): bigint {
  switch (field) {
    case 'count':
      return BigInt(row.count);
    case 'duration':
      return BigInt(row.durationTenths);
    case 'amount':
      return row.amountScaled;
    default: {
      const unknown: never = field;
      throw new Error(`unknown figure field ${String(unknown)}`);
    }
  }
}

/** A figure as the statement prints it: counts plain, durations `H:MM:SS.s`, yen with thousands separators. */
export function displayFigure(field: FigureField, value: bigint): string {
  switch (field) {
    case 'count':
      return String(value);
    case 'duration':
      return formatTenths(Number(value));
    case 'amount':
      return displayYen(value);
    default: {
      const unknown: never = field;
      throw new Error(`unknown figure field ${String(unknown)}`);
    }
  }
}

/** Scaled yen as `130,090`, `-1,174` or `0.5`: exact, fraction digits only where there are some. */
export function displayYen(scaledYen: number | bigint): string {
  const text = new Decimal(String(scaledYen)).dividedBy(YEN_SCALE).toFixed();
  const [wholePart, fractionPart] = text.split('.') as [string, string | undefined];
  const negative = wholePart.startsWith('-');
  const digits = negative ? wholePart.slice(1) : wholePart;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fractionPart === undefined ? '' : `.${fractionPart}`}`;
}

export function fieldName(field: FigureField, row: RowKey): string {
  if (field === 'amount') return row === 'chakuwari' || row === 'allowance' ? 'discount' : 'charge';
  return field;
}

export function rowName(row: RowKey): string {
  if (row === 'total') return `${SECTION_LABELS.total} (total)`;
  if (row === 'chakuwari') return `${SECTION_LABELS.chakuwari} (chakuwari)`;
  if (row === 'allowance') return `${SECTION_LABELS.allowance} (allowance)`;
  return `${CALL_TYPE_LABELS[row]} (${row})`;
}

export function tableName(table: TableName): string {
  return table === null ? 'all numbers' : `number ${table}`;
}

/** `count 3016, 109:54:23.5, 130,090`: a row's figures in one phrase. */
export function describeRow(row: RowFigures): string {
  return `count ${row.count}, duration ${formatTenths(row.durationTenths)}, amount ${displayYen(row.amountScaled)}`;
}
