import {
  ALL_NUMBERS_SCOPE,
  COLUMN_HEADINGS,
  DisplayRow,
  displayRows,
  formatMoney,
  formatStatementMonth,
  formatSubscriberNumber,
  RenderOptions,
  revisionLabel,
  SECTION_LABELS,
  startsSection,
  STATEMENT_FOOTNOTES,
  STATEMENT_NOTES,
} from './renderText';
import { carriedInLines } from './carriedIn';
import { Statement, StatementTable } from './statement';

/**
 * The statement as one self-contained HTML5 page laid out like the carrier's 050IP電話利用明細
 * screen: inline CSS only, no scripts, no links or other external resources. Every string taken
 * from the statement is escaped, figures included.
 */

export const PAGE_TITLE = '050IP電話利用明細';

/**
 * A Japanese font stack (macOS, Windows, Linux/Android), so that a machine whose default
 * sans-serif has no kanji does not draw boxes; then the generic family.
 */
export const FONT_STACK =
  '"Hiragino Kaku Gothic ProN", "Hiragino Sans", "Yu Gothic", Meiryo, "Noto Sans CJK JP", "Noto Sans JP", sans-serif';

/** The six columns of every table (scope, 明細種別, 通話種別, 通話数, 通話時間, 通話料金) and their share of the one table width. */
const COLUMNS: { name: string; percent: number }[] = [
  { name: 'scope', percent: 20 },
  { name: 'section', percent: 8 },
  { name: 'type', percent: 18 },
  { name: 'count', percent: 12 },
  { name: 'duration', percent: 22 },
  { name: 'amount', percent: 20 },
];

export const STYLE = `
body { font-family: ${FONT_STACK}; color: #222; margin: 2em; }
h1 { font-size: 1.4em; border-bottom: 2px solid #2a5caa; padding-bottom: 0.2em; }
h2 { font-size: 1.1em; margin-top: 2em; }
.selection .field { font-weight: bold; margin-right: 0.5em; }
.selection .value { margin-right: 2em; }
.notes { margin: 0.5em 0; }
table { border-collapse: collapse; margin: 0.5em 0; width: 48em; table-layout: fixed; }
${COLUMNS.map((column) => `col.${column.name} { width: ${column.percent}%; }`).join('\n')}
th, td { border: 1px solid #999; padding: 0.3em 0.8em; overflow-wrap: anywhere; }
thead th { background: #e8eef7; }
tbody th { background: #f4f6fa; font-weight: normal; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.footnotes { margin-top: 2em; font-size: 0.9em; }
`;

export function renderHtml(statement: Statement, options: RenderOptions = {}): string {
  const lines: string[] = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(PAGE_TITLE)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(PAGE_TITLE)}</h1>`,
    selectionLine(statement, options),
    ...statementSections(statement, options),
    '</body>',
    '</html>',
  ];
  return `${lines.join('\n')}\n`;
}

/** The tables (all numbers, then each number's) with the notes and footnotes: the page's body below the selection line. */
export function statementSections(
  statement: Statement,
  options: RenderOptions & { footnotesId?: string } = {},
): string[] {
  const single = options.singleNumber === true;
  const lines: string[] = single ? [] : tableSection(ALL_NUMBERS_SCOPE, statement.allNumbers, true);
  statement.numbers.forEach((numberTable, index) => {
    lines.push(...tableSection(formatSubscriberNumber(numberTable.number), numberTable, single && index === 0));
  });
  lines.push(
    options.footnotesId === undefined
      ? '<div class="footnotes">'
      : `<div class="footnotes" id="${escapeHtml(options.footnotesId)}">`,
  );
  for (const footnote of STATEMENT_FOOTNOTES) lines.push(`<p>${escapeHtml(footnote)}</p>`);
  lines.push('</div>');
  return lines;
}

/** Replaces the five characters that could end a text node or an attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function selectionLine(statement: Statement, options: RenderOptions): string {
  const contract = escapeHtml(statement.contract);
  const month = escapeHtml(formatStatementMonth(statement.month));
  return (
    '<p class="selection">' +
    `<span class="field">ご契約番号</span><span class="value">${contract}</span>` +
    `<span class="field">ご確認月</span><span class="value">${month}</span>` +
    (options.issue ? `<span class="value revision">${escapeHtml(revisionLabel(options.issue))}</span>` : '') +
    '</p>'
  );
}

/** The heading ご利用明細(scope), the notes under the first table only, and the table. */
function tableSection(scope: string, table: StatementTable, withNotes: boolean): string[] {
  const lines = ['<section>', `<h2>${escapeHtml(`ご利用明細(${scope})`)}</h2>`];
  if (withNotes) {
    lines.push('<div class="notes">');
    for (const note of STATEMENT_NOTES) lines.push(`<p>${escapeHtml(note)}</p>`);
    lines.push('</div>');
  }
  lines.push('<table>', columnGroup(), headingRow(), '<tbody>');
  const rows = displayRows(table);
  rows.forEach((_, index) => lines.push(bodyRow(scope, rows, index)));
  lines.push('</tbody>', '</table>');
  for (const carried of carriedInLines(table, formatMoney)) lines.push(`<p class="carried">${escapeHtml(carried)}</p>`);
  lines.push('</section>');
  return lines;
}

/** The same fixed columns in every table, so all sections line up under each other. */
function columnGroup(): string {
  return `<colgroup>${COLUMNS.map((column) => `<col class="${column.name}">`).join('')}</colgroup>`;
}

/** The first heading cell is empty: the column below it holds the scope, as on the seed. */
function headingRow(): string {
  const cells = [
    '<th scope="col"></th>',
    ...COLUMN_HEADINGS.map((heading) => `<th scope="col">${escapeHtml(heading)}</th>`),
  ];
  return `<thead><tr>${cells.join('')}</tr></thead>`;
}

/**
 * One table row. The scope cell spans the whole table and the 明細種別 cell spans its section
 * (通話 over the five call rows), so they are written on the first row they cover only.
 */
function bodyRow(scope: string, rows: DisplayRow[], index: number): string {
  const row = rows[index]!;
  const cells: string[] = [];
  if (index === 0) cells.push(spanningHeadingCell(scope, rows.length));
  if (startsSection(rows, index)) {
    const sectionLength = rows.filter((other) => other.section === row.section).length;
    cells.push(spanningHeadingCell(SECTION_LABELS[row.section], sectionLength));
  }
  cells.push(`<td>${escapeHtml(row.label)}</td>`);
  cells.push(`<td class="number">${escapeHtml(row.count)}</td>`);
  cells.push(`<td class="number">${escapeHtml(row.duration)}</td>`);
  cells.push(`<td class="number">${escapeHtml(row.amount)}</td>`);
  return `<tr>${cells.join('')}</tr>`;
}

/** A row heading over `rowCount` rows: a row group with a rowspan, or a plain row heading. */
function spanningHeadingCell(text: string, rowCount: number): string {
  const attributes = rowCount > 1 ? `scope="rowgroup" rowspan="${rowCount}"` : 'scope="row"';
  return `<th ${attributes}>${escapeHtml(text)}</th>`;
}
