import { readFileSync } from 'node:fs';
import { Invoice } from '../billing/invoice';
import { INVOICE_DOCUMENT_STYLE, renderInvoiceHtml } from '../billing/renderInvoiceHtml';
import { InvoiceListRow, renderInvoiceInquiry, renderInvoiceList } from './invoiceTabs';

const invoice = JSON.parse(readFileSync('fixtures/invoices/ten-percent-chakuwari-levies.json', 'utf8')) as Invoice;

const rows: InvoiceListRow[] = [
  {
    month: '2026-04',
    invoiceNumber: '2026-000187',
    kind: 'credit-note',
    total: '-440',
    status: 'issued',
    href: '/i/2026-000187',
  },
  {
    month: '2026-04',
    invoiceNumber: '2026-000101',
    kind: 'invoice',
    total: '35917',
    status: 'corrected',
    href: '/i/2026-000101',
  },
  {
    month: '2026-03',
    invoiceNumber: '2026-000034',
    kind: 'invoice',
    total: '1234567',
    status: 'issued',
    href: '/i/2026-000034',
  },
];

describe('renderInvoiceList (請求情報一覧)', () => {
  it('gives one row per invoice or note: month, linked number, kind, amount with separators, status', () => {
    const html = renderInvoiceList(rows);
    const body = html.split('\n').filter((line) => line.startsWith('<tr data-status'));
    expect(body).toEqual([
      '<tr data-status="issued"><td data-label="ご利用月">2026年4月分</td><td data-label="請求書番号"><a href="/i/2026-000187">2026-000187</a></td><td data-label="種別">適格返還請求書（返還インボイス）</td><td class="number" data-label="ご請求金額(税込)">-440円</td><td data-label="状態">発行済</td></tr>',
      '<tr data-status="corrected"><td data-label="ご利用月">2026年4月分</td><td data-label="請求書番号"><a href="/i/2026-000101">2026-000101</a></td><td data-label="種別">適格請求書</td><td class="number" data-label="ご請求金額(税込)">35,917円</td><td data-label="状態">訂正あり</td></tr>',
      '<tr data-status="issued"><td data-label="ご利用月">2026年3月分</td><td data-label="請求書番号"><a href="/i/2026-000034">2026-000034</a></td><td data-label="種別">適格請求書</td><td class="number" data-label="ご請求金額(税込)">1,234,567円</td><td data-label="状態">発行済</td></tr>',
    ]);
    expect(html).toContain('<th scope="col">ご利用月</th><th scope="col">請求書番号</th>');
  });

  it('says so when the window has no invoice', () => {
    expect(renderInvoiceList([])).toContain('<p class="empty">請求情報はありません。</p>');
  });

  it('escapes what it prints and refuses a link off this server', () => {
    const html = renderInvoiceList([{ ...rows[0]!, invoiceNumber: '<b>x</b>', href: '/i/"><script>' }]);
    expect(html).not.toContain('<script');
    expect(html).toContain('<a href="/i/&quot;&gt;&lt;script&gt;">&lt;b&gt;x&lt;/b&gt;</a>');
    expect(() => renderInvoiceList([{ ...rows[0]!, href: 'http://elsewhere/' }])).toThrow(RangeError);
  });
});

describe('renderInvoiceInquiry (請求情報照会)', () => {
  it('links the PDF, then shows the invoice exactly as its printable page does', () => {
    const html = renderInvoiceInquiry(invoice, '/contracts/N000000001/invoices/2026-04.pdf?token=t');
    expect(html).toContain(
      '<p class="invoice-pdf"><a href="/contracts/N000000001/invoices/2026-04.pdf?token=t" download>PDFで表示・保存（2026-000101）</a></p>',
    );
    const page = renderInvoiceHtml(invoice);
    const main = page.slice(page.indexOf('<main'), page.indexOf('</main>') + '</main>'.length);
    expect(html).toContain(main);
  });

  it('scopes every rule of the invoice style to main.invoice, so the statement page keeps its own look', () => {
    const selectors = INVOICE_DOCUMENT_STYLE.split('\n')
      .map((line) => line.trim())
      .filter((line) => line.endsWith('}') && line.includes('{'))
      .map((line) => line.slice(0, line.indexOf('{')).trim());
    expect(selectors.length).toBeGreaterThan(20);
    for (const selector of selectors) {
      for (const part of selector.split(',')) expect(part.trim().startsWith('main.invoice')).toBe(true);
    }
  });
});
