import { Invoice } from '../billing/invoice';
import { InvoiceKind } from '../store/listingTypes';
import { formatYen, TITLES } from '../billing/invoiceLayout';
import { INVOICE_DOCUMENT_STYLE, invoiceDocument } from '../billing/renderInvoiceHtml';
import { escapeHtml } from '../statement/renderHtml';
import { formatStatementMonth } from '../statement/renderText';

/**
 * The statement page's two billing tabs as HTML fragments, pure functions of the data the route
 * reads (server.ts wires the routes): 請求情報一覧, the window's invoices and notes, and
 * 請求情報照会, one invoice with a link to its PDF; page.ts frames them with the tab bar. Links are
 * given by the caller, which knows the routes and the token; each must be a path on this server
 * (`/…`), never another site. No script.
 */

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

/**
 * The two tabs' own rules, after the page's (`shell` adds them). The list scrolls inside its box on
 * a phone; the invoice, printed 180 mm wide, takes the page's width instead and its parties stack.
 * The tab bar is the page's (page.ts), not drawn here.
 */
export const INVOICE_TAB_STYLE = `${INVOICE_DOCUMENT_STYLE}
table.invoice-list { width: 100%; max-width: 48em; table-layout: auto; }
table.invoice-list th, table.invoice-list td { white-space: nowrap; }
p.invoice-pdf { margin: 1em 0; }
nav.documents ul { list-style: none; padding: 0; margin: 0.5em 0; display: flex; flex-wrap: wrap; gap: 0.3em 1em; }
nav.documents li.current { font-weight: bold; }
section.invoice-inquiry main.invoice { width: auto; max-width: 180mm; margin: 0; }
@media (max-width: 40em) {
  /* on a phone each invoice is a card: its cells one under the other, each after its heading */
  table.invoice-list, table.invoice-list tbody { display: block; }
  table.invoice-list thead { display: none; }
  table.invoice-list tr { display: block; border: 1px solid #999; margin: 0.5em 0; padding: 0.3em 0.5em; }
  table.invoice-list td { display: flex; justify-content: space-between; gap: 1em; border: none; padding: 0.1em 0; white-space: normal; }
  table.invoice-list td::before { content: attr(data-label); font-weight: bold; white-space: nowrap; }
  section.invoice-inquiry main.invoice { font-size: 9pt; }
  section.invoice-inquiry main.invoice h1 { font-size: 14pt; letter-spacing: 0.05em; }
  section.invoice-inquiry main.invoice div.parties { flex-direction: column; gap: 0.5em; }
  section.invoice-inquiry main.invoice address.issuer { text-align: left; }
  section.invoice-inquiry main.invoice table.taxes, section.invoice-inquiry main.invoice table.totals { width: 100%; }
  section.invoice-inquiry main.invoice th, section.invoice-inquiry main.invoice td { padding: 0.2em 0.25em; }
  /* the page hides a statement table's scope column on a phone; the invoice's first column is its own */
  main.invoice section > table thead th:first-child, main.invoice section > table tbody tr:first-child > th:first-child { display: table-cell; }
}
`;

/** Only a path on this server may be linked: a bug that built another URL stops here. */
function checkedHref(href: string): string {
  if (!href.startsWith('/') || href.startsWith('//')) throw new RangeError(`"${href}" is not a path on this server`);
  return escapeHtml(href);
}

/** 請求情報一覧: one row per invoice or note, newest month first as given; a sentence when there is none. */
export function renderInvoiceList(rows: InvoiceListRow[]): string {
  if (rows.length === 0)
    return '<section class="invoice-list">\n<h2>請求情報一覧</h2>\n<p class="empty">請求情報はありません。</p>\n</section>';
  const lines = [
    '<section class="invoice-list">',
    '<h2>請求情報一覧</h2>',
    '<div class="scroll">',
    '<table class="invoice-list">',
    '<thead><tr><th scope="col">ご利用月</th><th scope="col">請求書番号</th><th scope="col">種別</th><th scope="col">ご請求金額(税込)</th><th scope="col">状態</th></tr></thead>',
    '<tbody>',
    ...rows.map(
      (row) =>
        `<tr data-status="${escapeHtml(row.status)}">` +
        `<td data-label="ご利用月">${escapeHtml(formatStatementMonth(row.month))}</td>` +
        `<td data-label="請求書番号"><a href="${checkedHref(row.href)}">${escapeHtml(row.invoiceNumber)}</a></td>` +
        `<td data-label="種別">${escapeHtml(TITLES[row.kind])}</td>` +
        `<td class="number" data-label="ご請求金額(税込)">${escapeHtml(formatYen(row.total))}</td>` +
        `<td data-label="状態">${escapeHtml(STATUS_LABELS[row.status])}</td>` +
        '</tr>',
    ),
    '</tbody>',
    '</table>',
    '</div>',
    '</section>',
  ];
  return lines.join('\n');
}

/** 請求情報照会: the PDF link, then the invoice as printed (its style is the invoice page's INVOICE_STYLE). */
export function renderInvoiceInquiry(invoice: Invoice, pdfHref: string): string {
  const lines = [
    '<section class="invoice-inquiry">',
    `<p class="invoice-pdf"><a href="${checkedHref(pdfHref)}" download>${escapeHtml(`PDFで表示・保存（${invoice.invoiceNumber}）`)}</a></p>`,
    '<div class="scroll">',
    ...invoiceDocument(invoice),
    '</div>',
    '</section>',
  ];
  return lines.join('\n');
}
