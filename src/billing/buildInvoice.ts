import Decimal from 'decimal.js';
import { RoundingMode } from '../money/scaledYen';
import { CallRow, Statement } from '../statement/statement';
import { formatSubscriberNumber } from '../statement/renderText';
import { ChakuwariTarget, Issuer, MonthCharges } from './chargeTables';
import { CustomerLine, InvoiceKind } from '../store/listingTypes';
import { activeDays, daysInMonth } from './customers';
import { Invoice, InvoiceLine, InvoiceTax } from './invoice';

/** Everything one contract's invoice for a closed month is made of; building it reads nothing else. */
export interface InvoiceInput {
  invoiceNumber: string;
  issuedOn: string;
  issuer: Issuer;
  contractId: string;
  month: string;
  /** The closed month's statement (its usage rows are the invoice's usage lines); null: no calls. */
  statement: Statement | null;
  /** The contract's customer lines (any months: those active in `month` are billed). */
  customers: readonly CustomerLine[];
  charges: MonthCharges;
}

const ROUNDING: Record<RoundingMode, Decimal.Rounding> = {
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
};

const ROUNDING_WORDS: Record<RoundingMode, string> = {
  down: '切り捨てて',
  up: '切り上げて',
  'half-up': '四捨五入して',
  'half-even': '偶数丸めして',
};

/** Money as a decimal string, never `-0` nor an exponent. */
export function money(amount: Decimal): string {
  return amount.isZero() ? '0' : amount.toFixed();
}

/** The tax of one rate's base: base × rate / 100, rounded once (toward zero for `down`, so a credit's tax is never larger than its base's share). */
export function taxOf(base: Decimal, rate: string, mode: RoundingMode): Decimal {
  return base.times(rate).dividedBy(100).toDecimalPlaces(0, ROUNDING[mode]);
}

/**
 * The qualified invoice (適格請求書) of one contract and month of use:
 * - usage: the statement's per-number rows, figure for figure (international: 免税, the rest at
 *   the month's rate);
 * - 無料通話分 (a plan with allowances): each number's allowance used, on its taxable charges
 *   (allowances cover domestic calls only);
 * - 着割: each number's discount, split across the taxable and the exempt charges in the plan's
 *   order (first target up to its charges, the rest on the second), the taxable charges being
 *   what the allowance left of them;
 * - per active number: the basic fee (per-number plans), ユニバーサルサービス料, 電話リレーサービス料
 *   (a number active any day of the month pays the month's levies; lines of 0 are left out);
 * - per contract: the basic fee (per-contract plans);
 * - for each rate: its base (the sum of its lines) and its tax, rounded once for the invoice.
 */
export function buildInvoice(input: InvoiceInput): Invoice {
  const { charges, month } = input;
  const rate = charges.taxRate;
  const active = input.customers
    .filter((line) => line.contractId === input.contractId)
    .map((line) => ({ line, days: activeDays(line, month) }))
    .filter((entry) => entry.days.size > 0);
  const numbers = [
    ...new Set([
      ...(input.statement?.numbers ?? []).map((table) => table.number),
      ...active.map((entry) => entry.line.number),
    ]),
  ].sort();
  const lines: InvoiceLine[] = [];
  for (const number of numbers) {
    const table = input.statement?.numbers.find((candidate) => candidate.number === number);
    if (table !== undefined) {
      const allowance = new Decimal(table.allowance?.discount ?? 0).negated();
      lines.push(...usageLines(number, table.calls, rate));
      if (!allowance.isZero()) lines.push(allowanceLine(number, table.allowance!.count, allowance, rate));
      lines.push(
        ...chakuwariLines(
          number,
          table.calls,
          allowance,
          new Decimal(table.chakuwari.discount).negated(),
          rate,
          charges.basicFee.chakuwariOrder,
        ),
      );
    }
    const days = unionOfDays(active.filter((entry) => entry.line.number === number).map((entry) => entry.days));
    if (days.size === 0) continue;
    const label = formatSubscriberNumber(number);
    if (charges.basicFee.per === 'number')
      lines.push(basicFeeLine(`${label} 基本料`, number, charges, days.size, month));
    lines.push(
      levyLine('universal-service', `${label} ユニバーサルサービス料`, number, charges.universalService, rate),
    );
    lines.push(levyLine('relay-service', `${label} 電話リレーサービス料`, number, charges.relayService, rate));
  }
  if (charges.basicFee.per === 'contract') {
    const days = unionOfDays(active.map((entry) => entry.days));
    if (days.size > 0) lines.push(basicFeeLine('基本料', null, charges, days.size, month));
  }
  const kept = lines.filter((line) => !new Decimal(line.amount).isZero() || line.kind === 'usage');
  return finishDocument(
    {
      invoiceNumber: input.invoiceNumber,
      kind: 'invoice',
      contract: input.contractId,
      month,
      issuedOn: input.issuedOn,
      issuer: { ...input.issuer },
      recipient: { name: recipientName(input) },
      corrects: null,
      notes: invoiceNotes(charges, kept),
    },
    kept,
    charges.taxRounding,
  );
}

function recipientName(input: InvoiceInput): string {
  return input.customers.find((line) => line.contractId === input.contractId)?.name ?? input.contractId;
}

function usageLines(number: string, rows: readonly CallRow[], rate: InvoiceTax['rate']): InvoiceLine[] {
  return rows
    .filter((row) => row.count > 0 || !new Decimal(row.charge).isZero())
    .map((row) => ({
      kind: 'usage' as const,
      label: `${formatSubscriberNumber(number)} ${row.label}`,
      number,
      quantity: String(row.count),
      amount: money(new Decimal(row.charge)),
      tax: row.type === 'international' ? ('exempt' as const) : rate,
    }));
}

/** Splits a number's 着割 (a positive amount) across taxable and exempt charges in the plan's order. */
export function allocateChakuwari(
  discount: Decimal,
  taxable: Decimal,
  exempt: Decimal,
  order: readonly ChakuwariTarget[],
): Record<ChakuwariTarget, Decimal> {
  const capacity: Record<ChakuwariTarget, Decimal> = {
    taxable: Decimal.max(taxable, 0),
    exempt: Decimal.max(exempt, 0),
  };
  const [first, second] = order as [ChakuwariTarget, ChakuwariTarget];
  const onFirst = Decimal.min(discount, capacity[first]);
  // The rest goes on the second target even past its charges: the lines always sum to the statement's 着割.
  return { [first]: onFirst, [second]: discount.minus(onFirst) } as Record<ChakuwariTarget, Decimal>;
}

/** A number's 無料通話分 (a positive amount, shown negative): on the taxable charges, for the calls it covered. */
function allowanceLine(number: string, calls: number, allowance: Decimal, rate: InvoiceTax['rate']): InvoiceLine {
  return {
    kind: 'allowance',
    label: `${formatSubscriberNumber(number)} 無料通話分`,
    number,
    quantity: String(calls),
    amount: money(allowance.negated()),
    tax: rate,
  };
}

function chakuwariLines(
  number: string,
  rows: readonly CallRow[],
  allowance: Decimal,
  discount: Decimal,
  rate: InvoiceTax['rate'],
  order: readonly ChakuwariTarget[],
): InvoiceLine[] {
  if (discount.isZero()) return [];
  const exempt = rows
    .filter((row) => row.type === 'international')
    .reduce((sum, row) => sum.plus(row.charge), new Decimal(0));
  const taxable = rows
    .filter((row) => row.type !== 'international')
    .reduce((sum, row) => sum.plus(row.charge), new Decimal(0))
    .minus(allowance);
  const allocated = allocateChakuwari(discount, taxable, exempt, order);
  const label = formatSubscriberNumber(number);
  return order.map((target) => ({
    kind: 'chakuwari' as const,
    label: `${label} 着信割引 (${target === 'taxable' ? '課税分' : '免税分'})`,
    number,
    quantity: '1',
    amount: money(allocated[target].negated()),
    tax: target === 'taxable' ? rate : ('exempt' as const),
  }));
}

function basicFeeLine(
  label: string,
  number: string | null,
  charges: MonthCharges,
  days: number,
  month: string,
): InvoiceLine {
  const fee = new Decimal(charges.basicFee.amount);
  const monthDays = daysInMonth(month);
  if (charges.basicFee.proration === 'none' || days === monthDays) {
    return { kind: 'basic', label, number, quantity: '1', amount: money(fee), tax: charges.taxRate };
  }
  // Daily: the fee × active days / days of the month, rounded down to whole yen.
  const amount = fee.times(days).dividedBy(monthDays).toDecimalPlaces(0, Decimal.ROUND_DOWN);
  return {
    kind: 'basic',
    label: `${label} (日割 ${days}/${monthDays}日)`,
    number,
    quantity: String(days),
    amount: money(amount),
    tax: charges.taxRate,
  };
}

function levyLine(
  kind: 'universal-service' | 'relay-service',
  label: string,
  number: string,
  amount: string,
  rate: InvoiceTax['rate'],
): InvoiceLine {
  return { kind, label, number, quantity: '1', amount: money(new Decimal(amount)), tax: rate };
}

function unionOfDays(sets: readonly Set<number>[]): Set<number> {
  return new Set(sets.flatMap((set) => [...set]));
}

function invoiceNotes(charges: MonthCharges, lines: readonly InvoiceLine[]): string[] {
  const notes = [
    `消費税は税率ごとに合計した金額に対して請求書ごとに1回計算し、1円未満を${ROUNDING_WORDS[charges.taxRounding]}います。`,
  ];
  if (lines.some((line) => line.tax === 'exempt')) notes.push('国際通話料は輸出免税（免税）です。');
  if (lines.some((line) => line.kind === 'chakuwari')) {
    const [first, second] = charges.basicFee.chakuwariOrder.map((target) =>
      target === 'taxable' ? '課税対象の通話料' : '免税の国際通話料',
    );
    notes.push(`着信割引は${first}から先に差し引き、残りを${second}から差し引いています。`);
  }
  return notes;
}

type DocumentHead = Omit<Invoice, 'lines' | 'taxes' | 'exempt' | 'subtotal' | 'taxTotal' | 'total'>;

/** Adds the totals to a document's lines: each rate's base and tax (rounded once), the exempt total, the amount due. */
export function finishDocument(head: DocumentHead, lines: InvoiceLine[], rounding: RoundingMode): Invoice {
  const sumOf = (selected: readonly InvoiceLine[]): Decimal =>
    selected.reduce((sum, line) => sum.plus(line.amount), new Decimal(0));
  const rates = (['10', '8', '5'] as const).filter((rate) => lines.some((line) => line.tax === rate));
  const taxes: InvoiceTax[] = rates.map((rate) => {
    const base = sumOf(lines.filter((line) => line.tax === rate));
    return { rate, base: money(base), tax: money(taxOf(base, rate, rounding)) };
  });
  const subtotal = sumOf(lines);
  const taxTotal = taxes.reduce((sum, tax) => sum.plus(tax.tax), new Decimal(0));
  return {
    ...head,
    lines,
    taxes,
    exempt: money(sumOf(lines.filter((line) => line.tax === 'exempt'))),
    subtotal: money(subtotal),
    taxTotal: money(taxTotal),
    total: money(subtotal.plus(taxTotal)),
  };
}

/** The figures of a contract-month as issued so far: its invoice plus every note since, by line. */
function lineKey(line: Pick<InvoiceLine, 'kind' | 'label' | 'number' | 'tax'>): string {
  return `${line.kind}\u0000${line.label}\u0000${line.number ?? ''}\u0000${line.tax}`;
}

export interface CorrectionInput {
  /** The invoice and the notes issued for the contract-month, oldest first. */
  issued: readonly Invoice[];
  /** The invoice as it would be built today (its number is not used). */
  current: Invoice;
  invoiceNumber: string;
  issuedOn: string;
  rounding: RoundingMode;
}

/**
 * A credit or debit note (返還インボイス / 修正) for what changed since issue: one line per line
 * whose amount differs from the issued total of that line (the invoice and the notes since), its
 * tax rounded once per rate on the note's own base. null when nothing differs.
 */
export function buildCorrection(input: CorrectionInput): Invoice | null {
  const original = input.issued.find((document) => document.kind === 'invoice');
  if (original === undefined)
    throw new Error(`a correction needs the issued invoice of ${input.current.contract} ${input.current.month}`);
  const issued = new Map<string, { line: InvoiceLine; amount: Decimal; quantity: Decimal }>();
  for (const document of input.issued) {
    for (const line of document.lines) {
      const key = lineKey(line);
      const before = issued.get(key);
      issued.set(key, {
        line,
        amount: (before?.amount ?? new Decimal(0)).plus(line.amount),
        quantity: (before?.quantity ?? new Decimal(0)).plus(line.quantity),
      });
    }
  }
  const lines: InvoiceLine[] = [];
  const seen = new Set<string>();
  for (const line of input.current.lines) {
    const key = lineKey(line);
    seen.add(key);
    const before = issued.get(key);
    const amount = new Decimal(line.amount).minus(before?.amount ?? 0);
    if (!amount.isZero())
      lines.push({
        ...line,
        quantity: money(new Decimal(line.quantity).minus(before?.quantity ?? 0)),
        amount: money(amount),
      });
  }
  for (const [key, before] of issued) {
    if (seen.has(key) || before.amount.isZero()) continue;
    lines.push({ ...before.line, quantity: money(before.quantity.negated()), amount: money(before.amount.negated()) });
  }
  if (lines.length === 0) return null;
  const subtotal = lines.reduce((sum, line) => sum.plus(line.amount), new Decimal(0));
  const kind: InvoiceKind = subtotal.isNegative() ? 'credit-note' : 'debit-note';
  const what = kind === 'credit-note' ? '返還インボイス' : '修正インボイス';
  return finishDocument(
    {
      invoiceNumber: input.invoiceNumber,
      kind,
      contract: input.current.contract,
      month: input.current.month,
      issuedOn: input.issuedOn,
      issuer: input.current.issuer,
      recipient: input.current.recipient,
      corrects: original.invoiceNumber,
      notes: [
        `${what}: 請求書 ${original.invoiceNumber} (${original.month} ご利用分) の金額の訂正です。`,
        ...input.current.notes,
      ],
    },
    lines,
    input.rounding,
  );
}
