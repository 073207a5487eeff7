import { escapeHtml, FONT_STACK } from '../statement/renderHtml';
import { Invoice } from './invoice';
import { invoiceLayout } from './invoiceLayout';

/**
 * The invoice as one self-contained A4 HTML page a customer can print: inline CSS with an A4
 * `@page` and print rules, no script, no link, no external resource. Every string from the
 * document is escaped. The structure is fixed for tests and scrapers: one `<dl class="fields">`,
 * `<table class="lines">` with a `data-kind` and `data-tax` on each row, `<table class="taxes">`
 * with one row per rate (and 免税), `<table class="totals">`, then 備考 and the footnotes.
 */

/** The invoice's own rules, all under `main.invoice`, so the 請求情報照会 tab can carry them into the statement page. */
export const INVOICE_DOCUMENT_STYLE = `
main.invoice { font-family: ${FONT_STACK}; color: #222; font-size: 10pt; line-height: 1.5; width: 180mm; margin: 0 auto; box-sizing: border-box; }
main.invoice h1 { font-size: 18pt; text-align: center; letter-spacing: 0.2em; border-bottom: 2px solid #2a5caa; padding-bottom: 0.2em; margin: 0 0 1em; }
main.invoice h2 { font-size: 11pt; margin: 1.2em 0 0.4em; }
main.invoice div.parties { display: flex; justify-content: space-between; align-items: flex-start; gap: 2em; }
main.invoice p.recipient { font-size: 14pt; border-bottom: 1px solid #222; margin: 0; padding: 0 2em 0.2em 0; }
main.invoice address.issuer { font-style: normal; text-align: right; }
main.invoice address.issuer .issuer-name { font-weight: bold; }
main.invoice dl.fields { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; margin: 1em 0; }
main.invoice dl.fields dt { font-weight: bold; }
main.invoice dl.fields dd { margin: 0; }
main.invoice p.amount-due { font-size: 14pt; border: 2px solid #2a5caa; padding: 0.3em 0.8em; display: inline-block; margin: 0.5em 0 1em; }
main.invoice p.amount-due .heading { margin-right: 1.5em; }
main.invoice p.amount-due .value { font-weight: bold; }
main.invoice table { border-collapse: collapse; width: 100%; margin: 0.3em 0; table-layout: auto; }
main.invoice table.taxes, main.invoice table.totals { width: 60%; margin-left: auto; }
main.invoice th, main.invoice td { border: 1px solid #999; padding: 0.2em 0.5em; overflow-wrap: anywhere; }
main.invoice thead th { background: #e8eef7; }
main.invoice tbody th { background: #f4f6fa; font-weight: normal; text-align: left; }
main.invoice td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
main.invoice td.tax { text-align: center; white-space: nowrap; }
main.invoice tr.amount-due th, main.invoice tr.amount-due td { font-weight: bold; }
main.invoice .footnotes { margin-top: 1.5em; font-size: 8.5pt; }
main.invoice .footnotes p, main.invoice section.notes p { margin: 0.2em 0; }
@media print {
  main.invoice thead { display: table-header-group; }
  main.invoice tr { break-inside: avoid; }
  main.invoice table.taxes, main.invoice table.totals, main.invoice section.notes { break-inside: avoid; }
}
`;

/** The printable page around it: A4 with its margins; on screen, a sheet on grey. */
export const INVOICE_STYLE = `${INVOICE_DOCUMENT_STYLE}
@page { size: A4; margin: 15mm 15mm 18mm; }
body { margin: 0; }
@media screen {
  body { background: #eee; }
  main.invoice { background: #fff; padding: 15mm; margin: 1em auto; box-shadow: 0 0 4px #999; width: 210mm; }
}
`;

export function renderInvoiceHtml(invoice: Invoice): string {
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(`${invoiceLayout(invoice).title} ${invoice.invoiceNumber}`)}</title>`,
    `<style>${INVOICE_STYLE}</style>`,
    '</head>',
    '<body>',
    ...invoiceDocument(invoice),
    '</body>',
    '</html>',
  ];
  return `${lines.join('\n')}\n`;
}

/** The invoice itself, `<main class="invoice">` … `</main>`: the page's body, and the 請求情報照会 tab's. */
export function invoiceDocument(invoice: Invoice): string[] {
  const layout = invoiceLayout(invoice);
  const issuer = layout.issuer;
  const lines: string[] = [
    `<main class="invoice" data-kind="${escapeHtml(invoice.kind)}">`,
    `<h1>${escapeHtml(layout.title)}</h1>`,
    '<div class="parties">',
    `<p class="recipient">${escapeHtml(layout.recipient)}</p>`,
    '<address class="issuer">' +
      `<span class="issuer-name">${escapeHtml(issuer.name)}</span><br>` +
      `<span class="registration">登録番号 ${escapeHtml(issuer.registrationNumber)}</span><br>` +
      `<span class="issuer-address">${escapeHtml(issuer.address)}</span>` +
      '</address>',
    '</div>',
    '<dl class="fields">',
    ...layout.fields.map((field) => `<dt>${escapeHtml(field.heading)}</dt><dd>${escapeHtml(field.value)}</dd>`),
    '</dl>',
    `<p class="amount-due"><span class="heading">${escapeHtml(layout.amountDue.heading)}</span><span class="value">${escapeHtml(layout.amountDue.value)}</span></p>`,
    '<section>',
    '<h2>ご請求明細</h2>',
    '<table class="lines">',
    headingRow(layout.lineHeadings),
    '<tbody>',
    ...layout.lines.map(
      (line) =>
        `<tr data-kind="${escapeHtml(line.kind)}" data-tax="${escapeHtml(line.tax)}">` +
        `<td>${escapeHtml(line.kindLabel)}</td>` +
        `<td>${escapeHtml(line.label)}</td>` +
        `<td>${escapeHtml(line.number)}</td>` +
        `<td class="number">${escapeHtml(line.quantity)}</td>` +
        `<td class="number">${escapeHtml(line.amount)}</td>` +
        `<td class="tax">${escapeHtml(line.taxLabel)}${line.mark === '' ? '' : `<span class="mark">${escapeHtml(line.mark)}</span>`}</td>` +
        '</tr>',
    ),
    '</tbody>',
    '</table>',
    '</section>',
    '<section>',
    '<h2>税率ごとに区分した合計</h2>',
    '<table class="taxes">',
    headingRow(layout.taxHeadings),
    '<tbody>',
    ...layout.taxRows.map(
      (row) =>
        `<tr data-tax="${escapeHtml(row.category)}"><th scope="row">${escapeHtml(row.heading)}</th>` +
        `<td class="number">${escapeHtml(row.base)}</td><td class="number">${escapeHtml(row.tax)}</td></tr>`,
    ),
    '</tbody>',
    '</table>',
    '<table class="totals">',
    '<tbody>',
    ...layout.totals.map(
      (total, index) =>
        `<tr${index === layout.totals.length - 1 ? ' class="amount-due"' : ''}><th scope="row">${escapeHtml(total.heading)}</th>` +
        `<td class="number">${escapeHtml(total.value)}</td></tr>`,
    ),
    '</tbody>',
    '</table>',
    '</section>',
  ];
  if (layout.notes.length > 0) {
    lines.push(
      '<section class="notes">',
      '<h2>備考</h2>',
      ...layout.notes.map((note) => `<p>${escapeHtml(note)}</p>`),
      '</section>',
    );
  }
  lines.push(
    '<div class="footnotes">',
    ...layout.footnotes.map((footnote) => `<p>${escapeHtml(footnote)}</p>`),
    '</div>',
  );
  lines.push('</main>');
  return lines;
}

function headingRow(headings: string[]): string {
  return `<thead><tr>${headings.map((heading) => `<th scope="col">${escapeHtml(heading)}</th>`).join('')}</tr></thead>`;
}
