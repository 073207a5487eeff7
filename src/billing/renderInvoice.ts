import Decimal from 'decimal.js';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../export/csvOutput';
import { displayWidth, formatMoney, formatStatementMonth } from '../statement/renderText';
import { StoredInvoice } from '../store/types';
import { Invoice, TaxCategory } from './invoice';

const KIND_TITLES: Record<Invoice['kind'], string> = {
  invoice: '請求書 (適格請求書)',
  'credit-note': '返還インボイス (適格返還請求書)',
  'debit-note': '修正インボイス',
};
const TAX_LABELS: Record<TaxCategory, string> = { '10': '10%', '8': '8%', '5': '5%', exempt: '免税' };

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** The invoice as plain text: the qualified invoice's items in order, every figure the document's own. */
export function renderInvoiceText(invoice: Invoice): string {
  const out: string[] = [];
  out.push(KIND_TITLES[invoice.kind]);
  out.push(
    `請求書番号: ${invoice.invoiceNumber}${invoice.corrects === null ? '' : `  (訂正対象: ${invoice.corrects})`}`,
  );
  out.push(`発行日: ${invoice.issuedOn}`);
  out.push(`発行者: ${invoice.issuer.name}  登録番号 ${invoice.issuer.registrationNumber}`);
  out.push(`        ${invoice.issuer.address}`);
  out.push(`請求先: ${invoice.recipient.name} 様  (契約 ${invoice.contract})`);
  out.push(`対象期間: ${formatStatementMonth(invoice.month)} ご利用分`);
  out.push('');
  const labelWidth = Math.max(20, ...invoice.lines.map((line) => displayWidth(line.label)));
  out.push(`${padEnd('項目', labelWidth)}  ${padStart('数量', 8)}  ${padStart('金額', 12)}  税区分`);
  for (const line of invoice.lines) {
    out.push(
      `${padEnd(line.label, labelWidth)}  ${padStart(line.quantity, 8)}  ${padStart(formatMoney(line.amount), 12)}  ${TAX_LABELS[line.tax]}`,
    );
  }
  out.push('');
  for (const tax of invoice.taxes) {
    out.push(
      `${padEnd(`${tax.rate}%対象`, labelWidth)}  ${padStart('', 8)}  ${padStart(formatMoney(tax.base), 12)}  消費税 ${formatMoney(tax.tax)}`,
    );
  }
  if (new Decimal(invoice.exempt).isZero() === false || invoice.lines.some((line) => line.tax === 'exempt')) {
    out.push(`${padEnd('免税対象', labelWidth)}  ${padStart('', 8)}  ${padStart(formatMoney(invoice.exempt), 12)}`);
  }
  out.push(`${padEnd('小計 (税抜)', labelWidth)}  ${padStart('', 8)}  ${padStart(formatMoney(invoice.subtotal), 12)}`);
  out.push(`${padEnd('消費税額', labelWidth)}  ${padStart('', 8)}  ${padStart(formatMoney(invoice.taxTotal), 12)}`);
  out.push(
    `${padEnd(invoice.kind === 'credit-note' ? '返還額 (税込)' : 'ご請求金額 (税込)', labelWidth)}  ${padStart('', 8)}  ${padStart(formatMoney(invoice.total), 12)}`,
  );
  out.push('');
  for (const note of invoice.notes) out.push(`※ ${note}`);
  return `${out.join('\n')}\n`;
}

/** One invoice as CSV, one line per line of it (no totals lines: the totals are the JSON's). */
export function renderInvoiceCsv(invoice: Invoice): string {
  const header = [
    'invoice_number',
    'kind',
    'contract',
    'month',
    'line_kind',
    'label',
    'number',
    'quantity',
    'amount',
    'tax',
  ];
  const rows = invoice.lines.map((line) => [
    invoice.invoiceNumber,
    invoice.kind,
    invoice.contract,
    invoice.month,
    line.kind,
    line.label,
    line.number ?? '',
    line.quantity,
    line.amount,
    line.tax,
  ]);
  return stringify(
    [header, ...rows].map((row) => row.map(neutraliseFormula)),
    { record_delimiter: '\r\n' },
  );
}

const RATES = ['10', '8', '5'] as const;

/**
 * The accounting list of a month: one line per invoice and note with each rate's base and tax,
 * the exempt total, the subtotal, the tax and the total, and a last line `total` that foots.
 */
export function renderInvoicesCsv(documents: readonly { stored: StoredInvoice; invoice: Invoice }[]): string {
  const header = [
    'invoice_number',
    'kind',
    'contract',
    'month',
    'corrects',
    'issued_on',
    ...RATES.flatMap((rate) => [`base_${rate}`, `tax_${rate}`]),
    'exempt',
    'subtotal',
    'tax_total',
    'total',
  ];
  const sums = new Map<string, Decimal>();
  const add = (column: string, amount: string): string => {
    sums.set(column, (sums.get(column) ?? new Decimal(0)).plus(amount));
    return amount;
  };
  const rows = documents.map(({ invoice }) => {
    const byRate = RATES.flatMap((rate) => {
      const tax = invoice.taxes.find((candidate) => candidate.rate === rate);
      return [add(`base_${rate}`, tax?.base ?? '0'), add(`tax_${rate}`, tax?.tax ?? '0')];
    });
    return [
      invoice.invoiceNumber,
      invoice.kind,
      invoice.contract,
      invoice.month,
      invoice.corrects ?? '',
      invoice.issuedOn,
      ...byRate,
      add('exempt', invoice.exempt),
      add('subtotal', invoice.subtotal),
      add('tax_total', invoice.taxTotal),
      add('total', invoice.total),
    ];
  });
  const total = (column: string): string => {
    const sum = sums.get(column) ?? new Decimal(0);
    return sum.isZero() ? '0' : sum.toFixed();
  };
  const last = [
    'total',
    '',
    '',
    '',
    '',
    '',
    ...RATES.flatMap((rate) => [total(`base_${rate}`), total(`tax_${rate}`)]),
    total('exempt'),
    total('subtotal'),
    total('tax_total'),
    total('total'),
  ];
  return stringify(
    [header, ...rows, last].map((row) => row.map(neutraliseFormula)),
    { record_delimiter: '\r\n' },
  );
}
