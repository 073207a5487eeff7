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

export const INVOICE_STYLE = `
@page { size: A4; margin: 15mm 15mm 18mm; }
* { box-sizing: border-box; }
body { font-family: ${FONT_STACK}; color: #222; font-size: 10pt; line-height: 1.5; margin: 0; }
main.invoice { width: 180mm; margin: 0 auto; }
h1 { font-size: 18pt; text-align: center; letter-spacing: 0.2em; border-bottom: 2px solid #2a5caa; padding-bottom: 0.2em; margin: 0 0 1em; }
h2 { font-size: 11pt; margin: 1.2em 0 0.4em; }
div.parties { display: flex; justify-content: space-between; align-items: flex-start; gap: 2em; }
p.recipient { font-size: 14pt; border-bottom: 1px solid #222; margin: 0; padding: 0 2em 0.2em 0; }
address.issuer { font-style: normal; text-align: right; }
address.issuer .issuer-name { font-weight: bold; }
dl.fields { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; margin: 1em 0; }
dl.fields dt { font-weight: bold; }
dl.fields dd { margin: 0; }
p.amount-due { font-size: 14pt; border: 2px solid #2a5caa; padding: 0.3em 0.8em; display: inline-block; margin: 0.5em 0 1em; }
p.amount-due .heading { margin-right: 1.5em; }
p.amount-due .value { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 0.3em 0; }
table.taxes, table.totals { width: 60%; margin-left: auto; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; overflow-wrap: anywhere; }
thead th { background: #e8eef7; }
tbody th { background: #f4f6fa; font-weight: normal; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.tax { text-align: center; white-space: nowrap; }
tr.amount-due th, tr.amount-due td { font-weight: bold; }
.footnotes { margin-top: 1.5em; font-size: 8.5pt; }
.footnotes p, section.notes p { margin: 0.2em 0; }
@media print {
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  table.taxes, table.totals, section.notes { break-inside: avoid; }
}
@media screen {
  body { background: #eee; }
  main.invoice { background: #fff; padding: 15mm; margin: 1em auto; box-shadow: 0 0 4px #999; width: 210mm; }
}
`;

export function renderInvoiceHtml(invoice: Invoice): string {
  const layout = invoiceLayout(invoice);
  const issuer = layout.issuer;
  const lines: string[] = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(`${layout.title} ${invoice.invoiceNumber}`)}</title>`,
    `<style>${INVOICE_STYLE}</style>`,
    '</head>',
    '<body>',
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
    lines.push('<section class="notes">', '<h2>備考</h2>', ...layout.notes.map((note) => `<p>${escapeHtml(note)}</p>`), '</section>');
  }
  lines.push('<div class="footnotes">', ...layout.footnotes.map((footnote) => `<p>${escapeHtml(footnote)}</p>`), '</div>');
  lines.push('</main>', '</body>', '</html>');
  return `${lines.join('\n')}\n`;
}

function headingRow(headings: string[]): string {
  return `<thead><tr>${headings.map((heading) => `<th scope="col">${escapeHtml(heading)}</th>`).join('')}</tr></thead>`;
}
