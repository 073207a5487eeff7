import { formatMoney, formatStatementMonth, formatSubscriberNumber } from '../statement/renderText';
import { InvoiceKind } from '../store/listingTypes';
import { Invoice, InvoiceLineKind, TaxCategory } from './invoice';

/**
 * What a printed invoice shows, word for word, worked out once from the document so the HTML
 * page and the PDF print the same strings: the title for its kind (適格請求書, 返還インボイス,
 * 修正), the recipient with 御中 or 様, the issuer with its registration number, the lines with
 * their tax category and mark, the totals of each rate (税率ごとに区分した合計) and their tax,
 * the exempt total and the amount due. Pure: no clock, no file.
 */
export interface InvoiceLayout {
  title: string;
  /** `"株式会社サンプル 御中"` or `"山田 太郎 様"`. */
  recipient: string;
  issuer: { name: string; registrationNumber: string; address: string };
  /** Heading and value pairs under the title: 請求書番号, 発行日, ご利用月, ご契約番号, (修正対象). */
  fields: { heading: string; value: string }[];
  amountDue: { heading: string; value: string };
  lineHeadings: string[];
  lines: LayoutLine[];
  /** One row per rate present, then the exempt row when the invoice has exempt lines. */
  taxHeadings: string[];
  taxRows: { category: TaxCategory; heading: string; base: string; tax: string }[];
  totals: { heading: string; value: string }[];
  notes: string[];
  footnotes: string[];
}

export interface LayoutLine {
  kind: InvoiceLineKind;
  kindLabel: string;
  label: string;
  number: string;
  quantity: string;
  amount: string;
  tax: TaxCategory;
  taxLabel: string;
  /** `"※1"` (8%) or `"※2"` (免税), else empty. */
  mark: string;
}

export const TITLES: Record<InvoiceKind, string> = {
  invoice: '適格請求書',
  'credit-note': '適格返還請求書（返還インボイス）',
  'debit-note': '適格請求書（修正）',
};

export const KIND_LABELS: Record<InvoiceLineKind, string> = {
  usage: '通話料',
  chakuwari: '着割',
  allowance: '無料通話分',
  basic: '基本料',
  'universal-service': 'ユニバーサルサービス料',
  'relay-service': '電話リレーサービス料',
  adjustment: '調整額',
};

export const TAX_LABELS: Record<TaxCategory, string> = { '10': '10%', '8': '8%', '5': '5%', exempt: '免税' };

/** 8% and exempt lines carry a mark, explained in a footnote, as Japanese invoices mark the lines of another rate. */
const MARKS: Partial<Record<TaxCategory, { mark: string; footnote: string }>> = {
  '8': { mark: '※1', footnote: '※1 は消費税率8%の対象です。' },
  exempt: { mark: '※2', footnote: '※2 は免税（国際通話：輸出免税）で、消費税はかかりません。' },
};

const RATE_ORDER: TaxCategory[] = ['10', '8', '5'];

/**
 * Words in a name that make it an organisation's, addressed 御中; anyone else is 様. The document
 * carries only the name, so the honorific is read from it.
 */
const ORGANISATION_WORDS = [
  '株式会社',
  '有限会社',
  '合同会社',
  '合資会社',
  '合名会社',
  '(株)',
  '（株）',
  '㈱',
  '(有)',
  '（有）',
  '㈲',
  '社団法人',
  '財団法人',
  '特定非営利活動法人',
  'NPO法人',
  '医療法人',
  '学校法人',
  '社会福祉法人',
  '宗教法人',
  '協同組合',
  '事務所',
  '役所',
  '役場',
  '大学',
  '学校',
  '病院',
  '組合',
  '協会',
];

export function honorific(name: string): '御中' | '様' {
  return ORGANISATION_WORDS.some((word) => name.includes(word)) ? '御中' : '様';
}

const ISSUE_DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** "2011-05-10" → "2011年5月10日". */
export function formatIssueDate(date: string): string {
  const parts = ISSUE_DATE.exec(date);
  if (parts === null) throw new RangeError(`"${date}" is not an issue date YYYY-MM-DD`);
  return `${parts[1]!}年${Number(parts[2]!)}月${Number(parts[3]!)}日`;
}

/** Yen with thousands separators and the unit: "-1174" → "-1,174円". */
export function formatYen(amount: string): string {
  return `${formatMoney(amount)}円`;
}

export function invoiceLayout(invoice: Invoice): InvoiceLayout {
  const fields = [
    { heading: '請求書番号', value: invoice.invoiceNumber },
    { heading: '発行日', value: formatIssueDate(invoice.issuedOn) },
    { heading: 'ご利用月', value: formatStatementMonth(invoice.month) },
    { heading: 'ご契約番号', value: invoice.contract },
  ];
  if (invoice.corrects !== null) fields.push({ heading: '修正対象の請求書番号', value: invoice.corrects });
  const lines = invoice.lines.map((line): LayoutLine => ({
    kind: line.kind,
    kindLabel: KIND_LABELS[line.kind],
    label: line.label,
    number: line.number === null ? '' : formatSubscriberNumber(line.number),
    quantity: formatMoney(line.quantity),
    amount: formatMoney(line.amount),
    tax: line.tax,
    taxLabel: TAX_LABELS[line.tax],
    mark: MARKS[line.tax]?.mark ?? '',
  }));
  const taxes = [...invoice.taxes].sort((a, b) => RATE_ORDER.indexOf(a.rate) - RATE_ORDER.indexOf(b.rate));
  const taxRows = taxes.map((tax): InvoiceLayout['taxRows'][number] => ({
    category: tax.rate,
    heading: `${TAX_LABELS[tax.rate]}対象`,
    base: formatYen(tax.base),
    tax: formatYen(tax.tax),
  }));
  if (invoice.lines.some((line) => line.tax === 'exempt')) {
    taxRows.push({ category: 'exempt', heading: '免税対象', base: formatYen(invoice.exempt), tax: '-' });
  }
  const categories = new Set(invoice.lines.map((line) => line.tax));
  const footnotes = [
    ...(['8', 'exempt'] as const)
      .filter((category) => categories.has(category))
      .map((category) => MARKS[category]!.footnote),
    '消費税額は、税率ごとに区分した合計金額に対して請求書ごとに一度だけ端数処理をしています。',
  ];
  return {
    title: TITLES[invoice.kind],
    recipient: `${invoice.recipient.name} ${honorific(invoice.recipient.name)}`,
    issuer: { ...invoice.issuer },
    fields,
    amountDue: {
      heading: invoice.kind === 'credit-note' ? 'ご請求金額（税込・マイナスは返還額）' : 'ご請求金額（税込）',
      value: formatYen(invoice.total),
    },
    lineHeadings: ['区分', '内容', '電話番号', '数量', '金額(円・税抜)', '税率'],
    lines,
    taxHeadings: ['税率区分', '対象金額(税抜)', '消費税額'],
    taxRows,
    totals: [
      { heading: '小計(税抜)', value: formatYen(invoice.subtotal) },
      { heading: '消費税額合計', value: formatYen(invoice.taxTotal) },
      { heading: 'ご請求金額(税込)', value: formatYen(invoice.total) },
    ],
    notes: [...invoice.notes],
    footnotes,
  };
}
