import { Invoice, InvoiceKind } from '../billing/invoice';
import { formatYen, TITLES } from '../billing/invoiceLayout';
import { invoiceDocument } from '../billing/renderInvoiceHtml';
import { escapeHtml } from '../statement/renderHtml';
import { formatStatementMonth } from '../statement/renderText';

/**
 * The statement page's two billing tabs as HTML fragments, pure functions of the data the route
 * reads (the routes are not wired here): 請求情報一覧, the window's invoices and notes, and
 * 請求情報照会, one invoice with a link to its PDF. Links are given by the caller, which knows the
 * routes and the token; each must be a path on this server (`/…`), never another site. No script.
 */

export type BillingTab = 'list' | 'inquiry' | 'usage';

export const TAB_LABELS: Record<BillingTab, string> = {
  list: '請求情報一覧',
  inquiry: '請求情報照会',
  usage: '利用状況照会',
};

const TAB_ORDER: BillingTab[] = ['list', 'inquiry', 'usage'];

/** `issued`: as issued; `corrected`: a later credit or debit note refers to it. */
export type InvoiceStatus = 'issued' | 'corrected';

export const STATUS_LABELS: Record<InvoiceStatus, string> = { issued: '発行済', corrected: '訂正あり' };

export interface InvoiceListRow {
  month: string;
  invoiceNumber: string;
  kind: InvoiceKind;
  /** The amount due, a decimal string of whole yen (negative on a credit note). */
  total: string;
  status: InvoiceStatus;
  /** The row's 請求情報照会 link. */
  href: string;
}

export const TAB_STYLE = `
nav.tabs { display: flex; gap: 0.2em; border-bottom: 2px solid #2a5caa; margin: 1em 0; }
nav.tabs a, nav.tabs span { padding: 0.4em 1em; border: 1px solid #999; border-bottom: none; background: #f4f6fa; color: #222; text-decoration: none; }
nav.tabs [aria-current="page"] { background: #2a5caa; color: #fff; font-weight: bold; }
table.invoice-list { width: 48em; }
p.invoice-pdf { margin: 1em 0; }
`;

/** Only a path on this server may be linked: a bug that built another URL stops here. */
function checkedHref(href: string): string {
  if (!href.startsWith('/') || href.startsWith('//')) throw new RangeError(`"${href}" is not a path on this server`);
  return escapeHtml(href);
}

/** The three tabs of the seed's 料金・ご利用明細, the current one marked and not a link. */
export function renderTabs(current: BillingTab, hrefs: Record<BillingTab, string>): string {
  const tabs = TAB_ORDER.map((tab) =>
    tab === current
      ? `<span aria-current="page">${escapeHtml(TAB_LABELS[tab])}</span>`
      : `<a href="${checkedHref(hrefs[tab])}">${escapeHtml(TAB_LABELS[tab])}</a>`,
  );
  return `<nav class="tabs">${tabs.join('')}</nav>`;
}

/** 請求情報一覧: one row per invoice or note, newest month first as given; a sentence when there is none. */
export function renderInvoiceList(rows: InvoiceListRow[]): string {
  if (rows.length === 0) return '<section class="invoice-list">\n<h2>請求情報一覧</h2>\n<p class="empty">請求情報はありません。</p>\n</section>';
  const lines = [
    '<section class="invoice-list">',
    '<h2>請求情報一覧</h2>',
    '<table class="invoice-list">',
    '<thead><tr><th scope="col">ご利用月</th><th scope="col">請求書番号</th><th scope="col">種別</th><th scope="col">ご請求金額(税込)</th><th scope="col">状態</th></tr></thead>',
    '<tbody>',
    ...rows.map(
      (row) =>
        `<tr data-status="${escapeHtml(row.status)}">` +
        `<td>${escapeHtml(formatStatementMonth(row.month))}</td>` +
        `<td><a href="${checkedHref(row.href)}">${escapeHtml(row.invoiceNumber)}</a></td>` +
        `<td>${escapeHtml(TITLES[row.kind])}</td>` +
        `<td class="number">${escapeHtml(formatYen(row.total))}</td>` +
        `<td>${escapeHtml(STATUS_LABELS[row.status])}</td>` +
        '</tr>',
    ),
    '</tbody>',
    '</table>',
    '</section>',
  ];
  return lines.join('\n');
}

/** 請求情報照会: the PDF link, then the invoice as printed (its style is the invoice page's INVOICE_STYLE). */
export function renderInvoiceInquiry(invoice: Invoice, pdfHref: string): string {
  const lines = [
    '<section class="invoice-inquiry">',
    `<p class="invoice-pdf"><a href="${checkedHref(pdfHref)}" download>${escapeHtml(`PDFで表示・保存（${invoice.invoiceNumber}）`)}</a></p>`,
    ...invoiceDocument(invoice),
    '</section>',
  ];
  return lines.join('\n');
}
