import { readFileSync } from 'node:fs';
import { pageTexts, parsePdf } from '../test-support/pdfReader';
import { Invoice, InvoiceLine } from './invoice';
import { renderInvoicePdf } from './renderInvoicePdf';

const base = JSON.parse(readFileSync('fixtures/invoices/ten-percent-chakuwari-levies.json', 'utf8')) as Invoice;

/** 120 numbers × one 一般通話 line of 100 yen: 12000, 10% 1200, due 13200 — more lines than a page holds. */
function manyNumbersInvoice(): Invoice {
  const lines: InvoiceLine[] = Array.from({ length: 120 }, (_, index) => ({
    kind: 'usage',
    label: '一般通話',
    number: `0501000${String(index).padStart(4, '0')}`,
    quantity: '10',
    amount: '100',
    tax: '10',
  }));
  return {
    ...base,
    lines,
    taxes: [{ rate: '10', base: '12000', tax: '1200' }],
    subtotal: '12000',
    taxTotal: '1200',
    total: '13200',
    notes: [],
  };
}

describe('renderInvoicePdf on more lines than a page holds', () => {
  it('runs onto further pages, with the table heading again and 請求書番号 n / N at the foot of each', async () => {
    const pages = pageTexts(parsePdf(await renderInvoicePdf(manyNumbersInvoice())));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((texts, index) => {
      expect(texts).toContain(`2026-000101  ${index + 1} / ${pages.length}`);
      expect(texts).toContain('金額(円・税抜)');
    });
    const numbers = pages.flat().filter((text) => /^050-1000-\d{4}$/.test(text));
    expect(numbers).toHaveLength(120);
    expect(numbers[119]).toBe('050-1000-0119');
    expect(pages[pages.length - 1]).toContain('13,200円');
  });

  it('prints a label too long for its cell on several lines, keeping every character', async () => {
    const label = 'ご利用期間の途中で開始した番号の基本料（日割：2026年4月11日〜30日、20日分）';
    const invoice: Invoice = { ...base, lines: [{ ...base.lines[0]!, label }, ...base.lines.slice(1)] };
    const texts = pageTexts(parsePdf(await renderInvoicePdf(invoice)))[0]!;
    const start = texts.findIndex((text) => label.startsWith(text) && text.length > 0 && text !== '基本料');
    expect(start).toBeGreaterThan(0);
    let joined = '';
    for (let index = start; joined.length < label.length; index += 1) joined += texts[index]!;
    expect(joined).toBe(label);
  });
});
