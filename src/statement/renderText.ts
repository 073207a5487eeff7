import { escapeControls } from '../export/csvOutput';
import { carriedInLines } from './carriedIn';
import { Statement, StatementTable } from './statement';

/**
 * The statement as terminal text, laid out like the carrier's ご利用明細 table: one table for
 * all numbers, then one per number, with the same columns and rows as the seed's screen.
 * The labels, notes and formatting helpers are exported so the HTML page prints the same words.
 */

export const ALL_NUMBERS_SCOPE = '全番号合計';
export const STATEMENT_NOTES = [
  'ご利用になった合計通話数と合計通話時間です。',
  '通話料金に消費税は含まれておりません。',
];
export const STATEMENT_FOOTNOTES = [
  '*着割対象通話: 着割の割引額の計算対象となった着信通話です。',
  '*着割の最大割引額: 通話料金を上限として割引を適用します。',
];
export const COLUMN_HEADINGS = ['明細種別', '通話種別', '通話数', '通話時間 (時-分-秒)', '通話料金 (円)'];

export type RowSection = 'call' | 'total' | 'allowance' | 'chakuwari';

export const SECTION_LABELS: Record<RowSection, string> = {
  call: '通話',
  total: '合計',
  allowance: '無料通話',
  chakuwari: '着割',
};

export const CHAKUWARI_LABEL = '着割対象通話';
/** The allowance row's 通話種別 cell: the calls the allowance covered. */
export const ALLOWANCE_LABEL = '無料通話分';

/** One printed row of a statement table, every figure already formatted for display. */
export interface DisplayRow {
  section: RowSection;
  /** The 通話種別 cell: the call type's label, empty on the total row. */
  label: string;
  count: string;
  duration: string;
  /** The charge, or the (negative) discount on the 着割 row, with thousands separators. */
  amount: string;
}

type Alignment = 'left' | 'right';
const COLUMN_ALIGNMENTS: Alignment[] = ['left', 'left', 'right', 'right', 'right'];

/** How a statement is printed: `singleNumber` for the statement of one number (`--number`). */
export interface RenderOptions {
  /** The statement is one number's: its table is printed once, titled with the number, not 全番号合計. */
  singleNumber?: boolean;
  /** The issued revision shown and why it was issued: the header says `第2版` and the reason (absent: figures never issued, no such line). */
  issue?: { revision: number; reason: string } | null;
}

/** `第2版 (発行理由: mobile rate corrected)`: which issued revision, and why; control characters in the reason escaped. */
export function revisionLabel(issue: { revision: number; reason: string }): string {
  return `第${issue.revision}版 (発行理由: ${escapeControls(issue.reason)})`;
}

export function renderText(statement: Statement, options: RenderOptions = {}): string {
  const sections = tableSections(statement, options);
  const cellsOfAllTables = sections.flatMap((section) => section.rows.map((_, index) => rowCells(section.rows, index)));
  const widths = columnWidths([COLUMN_HEADINGS, ...cellsOfAllTables]);

  const lines: string[] = [];
  lines.push(`ご契約番号 ${statement.contract}  ご確認月 ${formatStatementMonth(statement.month)}`);
  if (options.issue) lines.push(revisionLabel(options.issue));
  sections.forEach((section, index) => {
    lines.push('');
    lines.push(`ご利用明細(${section.scope})`);
    if (index === 0) lines.push(...STATEMENT_NOTES);
    lines.push(...tableLines(section.rows, widths));
    lines.push(...carriedInLines(section.table, formatMoney));
  });
  lines.push('');
  lines.push(...STATEMENT_FOOTNOTES);
  return `${lines.join('\n')}\n`;
}

interface TableSection {
  /** 全番号合計 or the formatted number, as shown in the heading. */
  scope: string;
  rows: DisplayRow[];
  table: StatementTable;
}

function tableSections(statement: Statement, options: RenderOptions): TableSection[] {
  const perNumber = statement.numbers.map((numberTable) => ({
    scope: formatSubscriberNumber(numberTable.number),
    rows: displayRows(numberTable),
    table: numberTable,
  }));
  if (options.singleNumber === true) return perNumber;
  const allNumbers: TableSection = {
    scope: ALL_NUMBERS_SCOPE,
    rows: displayRows(statement.allNumbers),
    table: statement.allNumbers,
  };
  return [allNumbers, ...perNumber];
}

/** The rows of one table, in the seed's order: five call types, 合計, 着割; a plan with allowances has 無料通話分 before 着割. */
export function displayRows(table: StatementTable): DisplayRow[] {
  const callRows: DisplayRow[] = table.calls.map((call) => ({
    section: 'call',
    label: call.label,
    count: String(call.count),
    duration: call.duration,
    amount: formatMoney(call.charge),
  }));
  const totalRow: DisplayRow = {
    section: 'total',
    label: '',
    count: String(table.total.count),
    duration: table.total.duration,
    amount: formatMoney(table.total.charge),
  };
  const chakuwariRow: DisplayRow = {
    section: 'chakuwari',
    label: CHAKUWARI_LABEL,
    count: String(table.chakuwari.count),
    duration: table.chakuwari.duration,
    amount: formatMoney(table.chakuwari.discount),
  };
  if (table.allowance === undefined) return [...callRows, totalRow, chakuwariRow];
  const allowanceRow: DisplayRow = {
    section: 'allowance',
    label: ALLOWANCE_LABEL,
    count: String(table.allowance.count),
    duration: table.allowance.duration,
    amount: formatMoney(table.allowance.discount),
  };
  return [...callRows, totalRow, allowanceRow, chakuwariRow];
}

/** The 明細種別 cell is printed on the first row of its section only, as on the seed's screen. */
function rowCells(rows: DisplayRow[], index: number): string[] {
  const row = rows[index]!;
  const sectionCell = startsSection(rows, index) ? SECTION_LABELS[row.section] : '';
  return [sectionCell, row.label, row.count, row.duration, row.amount];
}

export function startsSection(rows: DisplayRow[], index: number): boolean {
  const previous = rows[index - 1];
  return previous === undefined || previous.section !== rows[index]!.section;
}

/** Heading, then the rows with a rule before each section (通話, 合計, 無料通話, 着割) and at the end. */
function tableLines(rows: DisplayRow[], widths: number[]): string[] {
  const rule = ruleLine(widths);
  const lines = [rule, cellLine(COLUMN_HEADINGS, widths)];
  rows.forEach((_, index) => {
    if (startsSection(rows, index)) lines.push(rule);
    lines.push(cellLine(rowCells(rows, index), widths));
  });
  lines.push(rule);
  return lines;
}

function ruleLine(widths: number[]): string {
  const segments = widths.map((width) => '-'.repeat(width + 2));
  return `+${segments.join('+')}+`;
}

function cellLine(cells: string[], widths: number[]): string {
  const padded = cells.map((cell, column) => padToWidth(cell, widths[column]!, COLUMN_ALIGNMENTS[column]!));
  return `| ${padded.join(' | ')} |`;
}

function columnWidths(rows: string[][]): number[] {
  return COLUMN_HEADINGS.map((_, column) => {
    let widest = 0;
    for (const row of rows) widest = Math.max(widest, displayWidth(row[column] ?? ''));
    return widest;
  });
}

function padToWidth(text: string, width: number, alignment: Alignment): string {
  const padding = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return alignment === 'left' ? text + padding : padding + text;
}

/**
 * Code point ranges a terminal draws two columns wide (East Asian Wide and Fullwidth):
 * Hangul Jamo, CJK punctuation and kana, CJK ideographs, Hangul syllables, compatibility
 * ideographs, vertical and small forms, full-width ASCII and signs, and the supplementary
 * ideograph planes. Half-width katakana (U+FF61–U+FF9F) stays one column.
 */
const WIDE_RANGES: [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

export function isWideCodePoint(codePoint: number): boolean {
  return WIDE_RANGES.some(([first, last]) => codePoint >= first && codePoint <= last);
}

/** Terminal columns the text takes: two for each wide character, one for any other. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) {
    width += isWideCodePoint(character.codePointAt(0)!) ? 2 : 1;
  }
  return width;
}

const DECIMAL_STRING = /^(-?)(\d+)(\.\d+)?$/;

/** A decimal money string with thousands separators: "130090" → "130,090", "-1174" → "-1,174". */
export function formatMoney(amount: string): string {
  const parts = DECIMAL_STRING.exec(amount);
  if (parts === null) throw new RangeError(`"${amount}" is not a decimal money amount`);
  const sign = parts[1]!;
  const wholeDigits = parts[2]!;
  const fraction = parts[3] ?? '';
  return `${sign}${groupThousands(wholeDigits)}${fraction}`;
}

function groupThousands(digits: string): string {
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) {
    groups.unshift(digits.slice(Math.max(0, end - 3), end));
  }
  return groups.join(',');
}

const STATEMENT_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2011-04" → "2011年4月分", as the ご確認月 field shows it. */
export function formatStatementMonth(month: string): string {
  const parts = STATEMENT_MONTH.exec(month);
  if (parts === null) throw new RangeError(`"${month}" is not a statement month YYYY-MM`);
  return `${parts[1]!}年${Number(parts[2]!)}月分`;
}

const SUBSCRIBER_NUMBER = /^(050)(\d{4})(\d{4})$/;

/** "05012345678" → "050-1234-5678". Numbers are checked on ingest, so another shape is a bug. */
export function formatSubscriberNumber(number: string): string {
  const parts = SUBSCRIBER_NUMBER.exec(number);
  if (parts === null) throw new RangeError(`"${number}" is not an 11-digit 050 number`);
  return `${parts[1]!}-${parts[2]!}-${parts[3]!}`;
}
