import { callDetailRow } from '../export/callDetails';
import { escapeHtml, PAGE_TITLE, statementSections, STYLE } from '../statement/renderHtml';
import {
  formatMoney,
  formatStatementMonth,
  formatSubscriberNumber,
  STATEMENT_FOOTNOTES,
} from '../statement/renderText';
import { Statement } from '../statement/statement';
import { StoredCallDetail } from '../store/types';
import { Invoice } from '../billing/invoice';
import { InvoiceKind } from '../store/listingTypes';
import { TITLES } from '../billing/invoiceLayout';
import { INVOICE_TAB_STYLE, InvoiceListRow, renderInvoiceInquiry, renderInvoiceList } from './invoiceTabs';
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

export interface CallsPageInput {
  contract: string;
  month: string;
  window: string[];
  token: string;
  /** This page's calls (undefined: the month has none). */
  calls: StoredCallDetail[] | undefined;
  /** 1-based page, the number of pages and the month's number of calls. */
  page: number;
  pageCount: number;
  callCount: number;
  /** The first call's position on this page, 1-based. */
  firstIndex: number;
}

/** The calls one page of 通話明細 lists; the CSV download has them all. */
export const CALLS_PER_PAGE = 100;

/**
 * The tabs of 料金・ご利用明細, as on the carrier's screen, in its order: 請求情報一覧 (the window's
 * invoices and notes), 請求情報照会 (one invoice and its PDF) and 利用状況照会 (the statement). The
 * one definition of the tab bar: every page draws it with `tabBar`. A tab's link keeps the token
 * and, where the tab has one, the month on show.
 */
export type TabId = 'list' | 'inquiry' | 'usage';

export interface Tab {
  id: TabId;
  label: string;
  href: (contract: string, token: string, month: string | undefined) => string;
}

export const TABS: Tab[] = [
  { id: 'list', label: '請求情報一覧', href: (contract, token) => invoicesHref(contract, token) },
  { id: 'inquiry', label: '請求情報照会', href: (contract, token, month) => invoiceHref(contract, { month }, token) },
  { id: 'usage', label: '利用状況照会', href: (contract, token, month) => pageHref(contract, month, token) },
];

export interface InvoiceListPageInput {
  contract: string;
  token: string;
  /** The window's months, newest first. */
  window: string[];
  /** The window's invoices and notes, newest month first (hrefs are made here). */
  documents: Omit<InvoiceListRow, 'href'>[];
}

export interface InvoiceInquiryPageInput {
  contract: string;
  /** The month on show (the ご確認月 selected). */
  month: string;
  window: string[];
  token: string;
  /** The invoice or note shown; undefined: the month has none. */
  invoice: Invoice | undefined;
  /** The month's documents in issue order, linked when there are more than one (an invoice and its notes). */
  monthDocuments: { invoiceNumber: string; kind: InvoiceKind }[];
}

/** Within 利用状況照会: the statement (ご利用明細) and its calls (通話明細). */
type UsageView = 'statement' | 'calls';

/** The note line above the tables on the carrier's screen; こちら leads to the notes under them. */
export const NOTE_LINE_BEFORE = '※ご利用明細をご覧いただく前に、';
export const NOTE_LINE_LINK = 'こちら';
export const NOTE_LINE_AFTER = 'で注意事項や明細の見方等を必ずご確認ください。';

/**
 * The page's own style after the statement's (which `statement --format html` keeps byte for byte):
 * it fits a 360 px phone without sideways scrolling. Tables take the width they are given, cells
 * break between words, never between the characters of a word (明細種別, 2011年4月分); the scope
 * column, which repeats the table's heading, gives its room to the figures on a phone; the chart
 * scales to the width; the summary figures and the call list scroll inside their own box.
 */
const PAGE_STYLE = `
body { margin: 1em; }
form.selection { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; margin: 1em 0; }
form.selection .field, form.selection .value, form.selection label, form.selection select { white-space: nowrap; }
form.selection .field { font-weight: bold; }
form.selection .value { margin-right: 1.5em; }
nav.tabs ul, nav.views ul, ul.legend { list-style: none; padding: 0; margin: 0.5em 0; display: flex; flex-wrap: wrap; gap: 0.3em 1em; }
nav.tabs ul { flex-wrap: nowrap; gap: 0.2em; border-bottom: 1px solid #999; }
nav.tabs li { flex: 0 1 auto; min-width: 0; text-align: center; border-bottom: 3px solid transparent; padding: 0.2em 0.6em; white-space: nowrap; }
nav.tabs li.current { border-bottom-color: #2a5caa; font-weight: bold; }
nav.views li { white-space: nowrap; }
nav.views li.current { font-weight: bold; }
.caution { font-size: 0.9em; }
.empty { margin: 2em 0; }
div.glance { margin: 1em 0 2em; }
svg.summary { display: block; width: 100%; max-width: 600px; height: auto; }
ul.legend { font-size: 0.85em; }
ul.legend .swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; vertical-align: baseline; }
ul.legend .swatch.line { height: 0.2em; vertical-align: middle; }
div.scroll { max-width: 100%; overflow-x: auto; }
table { width: auto; max-width: 48em; }
section > table { width: 100%; }
th, td { overflow-wrap: normal; word-break: keep-all; }
table.summary-figures, table.calls { font-size: 0.85em; margin-top: 0.5em; }
table.summary-figures th, table.summary-figures td, table.calls th, table.calls td { white-space: nowrap; }
p.paging { display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; }
@media (max-width: 40em) {
  body { margin: 0.5em; }
  h1 { font-size: 1.2em; }
  nav.tabs li { flex: 1 1 0; padding: 0.2em 0.1em; font-size: 0.9em; }
  section > table { font-size: 0.8em; table-layout: auto; }
  section > table col { width: auto; }
  section > table th, section > table td { padding: 0.25em 0.3em; }
  section > table thead th:first-child, section > table tbody tr:first-child > th:first-child { display: none; }
}
`;

/** The 050IP電話利用明細 page: ご契約番号, the ご確認月 selector and 表示 (a GET form), then the tables. No script. */
export function renderStatementPage(input: PageInput): string {
  const body = [
    ...(input.summary === undefined ? [] : ['<div class="glance">', renderSummary(input.summary), '</div>']),
    ...(input.statement === undefined
      ? [
          `<p class="empty">${escapeHtml(`${formatStatementMonth(input.month)}のご利用明細はありません。`)}</p>`,
          ...notesWithoutStatement(),
        ]
      : statementSections(input.statement, { footnotesId: 'notes' })),
  ];
  return usagePage(input, 'statement', body);
}

/** 通話明細: the month's calls, peers masked as `meisai calls --mask` prints them, a page at a time, and the CSV of them all. */
export function renderCallsPage(input: CallsPageInput): string {
  const month = formatStatementMonth(input.month);
  const body = [`<h2>${escapeHtml(`通話明細(${month})`)}</h2>`];
  if (input.calls === undefined) {
    body.push(`<p class="empty">${escapeHtml(`${month}の通話明細はありません。`)}</p>`, ...notesWithoutStatement());
    return usagePage(input, 'calls', body);
  }
  const last = input.firstIndex + input.calls.length - 1;
  body.push(
    `<p class="count">${escapeHtml(`${formatMoney(String(input.callCount))}件中 ${formatMoney(String(input.firstIndex))}〜${formatMoney(String(last))}件目`)}</p>`,
    `<p class="download"><a href="${escapeHtml(callsCsvHref(input.contract, input.month, input.token))}" download="calls-${escapeHtml(input.contract)}-${escapeHtml(input.month)}.csv">通話明細をダウンロード (CSV)</a></p>`,
    '<p class="caution">相手先番号は下4桁を伏せて表示しています。</p>',
    '<div class="scroll">',
    '<table class="calls">',
    `<thead><tr>${CALL_COLUMNS.map((heading) => `<th scope="col">${escapeHtml(heading)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...input.calls.map(callRow),
    '</tbody>',
    '</table>',
    '</div>',
    pagingLinks(input),
    ...notesWithoutStatement(),
  );
  return usagePage(input, 'calls', body);
}

/** A page for a refused or failed request: the status and a message in Japanese, never the path or a stack trace. `subject`: what the route shows. */
export function renderErrorPage(status: number, message: string, subject = 'ご利用明細'): string {
  const title = errorTitle(status, subject);
  return shell(`${title} - ${PAGE_TITLE}`, [
    `<h1>${escapeHtml(PAGE_TITLE)}</h1>`,
    `<h2>${escapeHtml(title)}</h2>`,
    `<p class="error">${escapeHtml(message)}</p>`,
    `<p class="status">(${status})</p>`,
  ]);
}

function errorTitle(status: number, subject: string): string {
  switch (status) {
    case 400:
    case 414:
    case 431:
      return 'ご指定の内容に誤りがあります';
    case 401:
    case 403:
      return `${subject}を表示できません`;
    case 404:
      return `${subject}が見つかりません`;
    case 503:
      return 'ただいまご利用いただけません';
    default:
      return 'エラー';
  }
}

const CALL_COLUMNS = [
  'ご利用番号',
  '発着信',
  '通話開始日時',
  '相手先番号',
  '通話種別',
  '通話時間 (時-分-秒)',
  '通話料金 (円)',
  '備考',
];

function callRow(call: StoredCallDetail): string {
  const row = callDetailRow(call, { mask: true });
  const remark = row.status === 'billed' ? '' : row.status === 'late' ? '月の締め後に到着' : '料金未確定';
  const cells = [
    `<td>${escapeHtml(formatSubscriberNumber(row.number))}</td>`,
    `<td>${row.direction === 'out' ? '発信' : '着信'}</td>`,
    `<td>${escapeHtml(row.start.slice(0, 19))}</td>`,
    `<td>${escapeHtml(row.peer)}</td>`,
    `<td>${escapeHtml(row.label)}</td>`,
    `<td class="number">${escapeHtml(row.duration)}</td>`,
    `<td class="number">${escapeHtml(formatMoney(row.charge))}</td>`,
    `<td>${escapeHtml(remark)}</td>`,
  ];
  return `<tr>${cells.join('')}</tr>`;
}

function pagingLinks(input: CallsPageInput): string {
  const links: string[] = [];
  if (input.page > 1)
    links.push(
      `<a rel="prev" href="${escapeHtml(callsHref(input.contract, input.month, input.token, input.page - 1))}">前の${CALLS_PER_PAGE}件</a>`,
    );
  links.push(`<span>${escapeHtml(`${input.page} / ${input.pageCount}ページ`)}</span>`);
  if (input.page < input.pageCount)
    links.push(
      `<a rel="next" href="${escapeHtml(callsHref(input.contract, input.month, input.token, input.page + 1))}">次の${CALLS_PER_PAGE}件</a>`,
    );
  return `<p class="paging">${links.join('')}</p>`;
}

/** The notes the note line points to, when no statement brings them. */
function notesWithoutStatement(): string[] {
  return [
    '<div class="footnotes" id="notes">',
    ...STATEMENT_FOOTNOTES.map((footnote) => `<p>${escapeHtml(footnote)}</p>`),
    '</div>',
  ];
}

/** The frame of 利用状況照会: the tabs, the heading, the ご確認月 form, the note line, ご利用明細 | 通話明細, then the body. */
function usagePage(
  input: { contract: string; month: string; window: string[]; token: string },
  view: UsageView,
  body: string[],
): string {
  const action = view === 'statement' ? `/contracts/${input.contract}` : `/contracts/${input.contract}/calls`;
  const views: [UsageView, string, string][] = [
    ['statement', 'ご利用明細', pageHref(input.contract, input.month, input.token)],
    ['calls', '通話明細', callsHref(input.contract, input.month, input.token, 1)],
  ];
  return shell(PAGE_TITLE, [
    tabBar(input.contract, input.token, 'usage', input.month),
    `<h1>${escapeHtml(PAGE_TITLE)}</h1>`,
    ...selectionForm(action, input),
    `<p class="caution">${escapeHtml(NOTE_LINE_BEFORE)}<a href="#notes">${escapeHtml(NOTE_LINE_LINK)}</a>${escapeHtml(NOTE_LINE_AFTER)}</p>`,
    `<nav class="views"><ul>${views
      .map(([id, label, href]) =>
        id === view
          ? `<li class="current"><span aria-current="page">${escapeHtml(label)}</span></li>`
          : `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a></li>`,
      )
      .join('')}</ul></nav>`,
    ...body,
  ]);
}

/** ご契約番号, the ご確認月 `<select>` of the window and 表示: a GET form keeping the token in a hidden field (no script needed). */
function selectionForm(
  action: string,
  input: { contract: string; month: string; window: string[]; token: string },
): string[] {
  const options = input.window.map(
    (month) =>
      `<option value="${escapeHtml(month)}"${month === input.month ? ' selected' : ''}>${escapeHtml(formatStatementMonth(month))}</option>`,
  );
  return [
    `<form class="selection" method="get" action="${escapeHtml(action)}">`,
    `<span class="field">ご契約番号</span><span class="value" id="contract">${escapeHtml(input.contract)}</span>`,
    '<label class="field" for="month">ご確認月</label>',
    `<select id="month" name="month">${options.join('')}</select>`,
    `<input type="hidden" name="token" value="${escapeHtml(input.token)}">`,
    '<button type="submit">表示</button>',
    '</form>',
  ];
}

/** 請求情報一覧: the tabs, ご契約番号 and the months shown, then one row per invoice or note of the window. */
export function renderInvoiceListPage(input: InvoiceListPageInput): string {
  const rows = input.documents.map((document) => ({
    ...document,
    href: invoiceHref(input.contract, { number: document.invoiceNumber }, input.token),
  }));
  const first = input.window.at(-1);
  const last = input.window[0];
  return shell(
    `${TAB_LABELS.list} - ${PAGE_TITLE}`,
    [
      tabBar(input.contract, input.token, 'list', undefined),
      `<h1>${escapeHtml(PAGE_TITLE)}</h1>`,
      `<p class="selection"><span class="field">ご契約番号</span><span class="value" id="contract">${escapeHtml(input.contract)}</span></p>`,
      ...(first === undefined || last === undefined
        ? []
        : [
            `<p class="caution">${escapeHtml(`${formatStatementMonth(first)}から${formatStatementMonth(last)}までの請求情報です。`)}</p>`,
          ]),
      renderInvoiceList(rows),
    ],
    INVOICE_TAB_STYLE,
  );
}

/** 請求情報照会: the tabs, the ご確認月 form, the month's other documents, then the invoice with its PDF link. */
export function renderInvoiceInquiryPage(input: InvoiceInquiryPageInput): string {
  const body = [
    tabBar(input.contract, input.token, 'inquiry', input.month),
    `<h1>${escapeHtml(PAGE_TITLE)}</h1>`,
    ...selectionForm(`/contracts/${input.contract}/invoice`, input),
  ];
  if (input.monthDocuments.length > 1) {
    const items = input.monthDocuments.map((document) => {
      const label = `${TITLES[document.kind]} ${document.invoiceNumber}`;
      return document.invoiceNumber === input.invoice?.invoiceNumber
        ? `<li class="current"><span aria-current="page">${escapeHtml(label)}</span></li>`
        : `<li><a href="${escapeHtml(invoiceHref(input.contract, { number: document.invoiceNumber }, input.token))}">${escapeHtml(label)}</a></li>`;
    });
    body.push(`<nav class="documents" aria-label="この月の請求書"><ul>${items.join('')}</ul></nav>`);
  }
  body.push(
    input.invoice === undefined
      ? `<p class="empty">${escapeHtml(`${formatStatementMonth(input.month)}の請求情報はありません。`)}</p>`
      : renderInvoiceInquiry(input.invoice, invoicePdfHref(input.contract, input.invoice.invoiceNumber, input.token)),
  );
  return shell(`${TAB_LABELS.inquiry} - ${PAGE_TITLE}`, body, INVOICE_TAB_STYLE);
}

const TAB_LABELS = Object.fromEntries(TABS.map((tab) => [tab.id, tab.label])) as Record<TabId, string>;

/** The tab bar, the current tab marked (aria-current), the others links keeping the token (and the month on show). */
export function tabBar(contract: string, token: string, current: TabId, month: string | undefined): string {
  const items = TABS.map((tab) =>
    tab.id === current
      ? `<li class="current"><span aria-current="page">${escapeHtml(tab.label)}</span></li>`
      : `<li><a href="${escapeHtml(tab.href(contract, token, month))}">${escapeHtml(tab.label)}</a></li>`,
  );
  return `<nav class="tabs" aria-label="料金・ご利用明細"><ul>${items.join('')}</ul></nav>`;
}

/** A whole document: the statement's style and the page's, the viewport of a phone, no script. */
export function shell(title: string, body: string[], extraStyle = ''): string {
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}${PAGE_STYLE}${extraStyle}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
  ];
  return `${lines.join('\n')}\n`;
}

function query(parameters: [string, string | undefined][]): string {
  const search = new URLSearchParams();
  for (const [name, value] of parameters) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function pageHref(contract: string, month: string | undefined, token: string): string {
  return `/contracts/${contract}${query([
    ['month', month],
    ['token', token],
  ])}`;
}

function callsHref(contract: string, month: string, token: string, page: number): string {
  return `/contracts/${contract}/calls${query([
    ['month', month],
    ['page', page === 1 ? undefined : String(page)],
    ['token', token],
  ])}`;
}

/** The CSV of all the month's calls, masked: the API route, under the same token. */
function callsCsvHref(contract: string, month: string, token: string): string {
  return `/api/contracts/${contract}/statements/${month}/calls${query([['token', token]])}`;
}

/** 請求情報一覧. */
function invoicesHref(contract: string, token: string): string {
  return `/contracts/${contract}/invoices${query([['token', token]])}`;
}

/** 請求情報照会 of a month (its newest document) or of one invoice number; neither: the newest of the window. */
function invoiceHref(contract: string, which: { month?: string; number?: string }, token: string): string {
  return `/contracts/${contract}/invoice${query([
    ['month', which.month],
    ['number', which.number],
    ['token', token],
  ])}`;
}

/** The stored invoice as PDF: the API route, under the same token. */
function invoicePdfHref(contract: string, invoiceNumber: string, token: string): string {
  return `/api/contracts/${contract}/invoices/${invoiceNumber}.pdf${query([['token', token]])}`;
}
