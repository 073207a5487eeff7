import { escapeHtml, PAGE_TITLE, statementSections, STYLE } from '../statement/renderHtml';
import { formatStatementMonth } from '../statement/renderText';
import { Statement } from '../statement/statement';
import { MonthSummary, renderSummary } from './summary';

export interface PageInput {
  contract: string;
  month: string;
  /** The window's months, newest first: the options of ご確認月. */
  window: string[];
  /** Kept in the month form's hidden field, so 表示 works without JavaScript. */
  token: string;
  /** Undefined: no statement for the month. */
  statement: Statement | undefined;
  /** The window at a glance, drawn above the tables (absent: not drawn). */
  summary?: MonthSummary[];
}

const FORM_STYLE = `
form.selection { display: flex; align-items: center; gap: 0.5em; margin: 1em 0; }
form.selection .field { font-weight: bold; }
form.selection .value { margin-right: 1.5em; }
.empty { margin: 2em 0; }
div.glance { margin: 1em 0 2em; }
table.summary-figures { font-size: 0.85em; margin-top: 0.5em; }
`;

/** The 050IP電話利用明細 page: ご契約番号, the ご確認月 selector and 表示 (a GET form), then the tables. No script. */
export function renderStatementPage(input: PageInput): string {
  const options = input.window.map(
    (month) => `<option value="${escapeHtml(month)}"${month === input.month ? ' selected' : ''}>${escapeHtml(formatStatementMonth(month))}</option>`,
  );
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(PAGE_TITLE)}</title>`,
    `<style>${STYLE}${FORM_STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(PAGE_TITLE)}</h1>`,
    `<form class="selection" method="get" action="/contracts/${escapeHtml(input.contract)}">`,
    `<span class="field">ご契約番号</span><span class="value" id="contract">${escapeHtml(input.contract)}</span>`,
    '<label class="field" for="month">ご確認月</label>',
    `<select id="month" name="month">${options.join('')}</select>`,
    `<input type="hidden" name="token" value="${escapeHtml(input.token)}">`,
    '<button type="submit">表示</button>',
    '</form>',
    ...(input.summary === undefined ? [] : ['<div class="glance">', renderSummary(input.summary), '</div>']),
    ...(input.statement === undefined
      ? [`<p class="empty">${escapeHtml(`${formatStatementMonth(input.month)}のご利用明細はありません。`)}</p>`]
      : statementSections(input.statement)),
    '</body>',
    '</html>',
  ];
  return `${lines.join('\n')}\n`;
}
