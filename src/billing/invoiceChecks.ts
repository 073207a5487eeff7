import Decimal from 'decimal.js';
import { RoundingMode } from '../money/scaledYen';
import { Statement } from '../statement/statement';
import { StoredInvoice } from '../store/types';
import { taxOf } from './buildInvoice';
import { Invoice } from './invoice';
import { sha256 } from './issuedInvoices';

const sum = (amounts: readonly string[]): Decimal =>
  amounts.reduce((total, amount) => total.plus(amount), new Decimal(0));
const same = (left: Decimal | string, right: Decimal | string): boolean => new Decimal(left).equals(right);

/** What is wrong with an issued document's own figures: lines = subtotal, each rate's base and tax, exempt, total. */
export function footingProblems(invoice: Invoice, rounding: RoundingMode): string[] {
  const problems: string[] = [];
  const name = `${invoice.kind} ${invoice.invoiceNumber}`;
  if (!same(sum(invoice.lines.map((line) => line.amount)), invoice.subtotal))
    problems.push(`${name}: its lines do not add up to its subtotal ${invoice.subtotal}`);
  for (const tax of invoice.taxes) {
    const base = sum(invoice.lines.filter((line) => line.tax === tax.rate).map((line) => line.amount));
    if (!same(base, tax.base))
      problems.push(`${name}: the ${tax.rate}% lines add up to ${base.toFixed()}, not its base ${tax.base}`);
    const expected = taxOf(new Decimal(tax.base), tax.rate, rounding);
    if (!same(expected, tax.tax))
      problems.push(
        `${name}: ${tax.rate}% of ${tax.base} rounded ${rounding} is ${expected.toFixed()}, not ${tax.tax}`,
      );
  }
  if (!same(sum(invoice.lines.filter((line) => line.tax === 'exempt').map((line) => line.amount)), invoice.exempt))
    problems.push(`${name}: its exempt lines do not add up to ${invoice.exempt}`);
  if (!same(sum(invoice.taxes.map((tax) => tax.tax)), invoice.taxTotal))
    problems.push(`${name}: its taxes do not add up to ${invoice.taxTotal}`);
  if (!same(new Decimal(invoice.subtotal).plus(invoice.taxTotal), invoice.total))
    problems.push(`${name}: subtotal + tax is not its total ${invoice.total}`);
  return problems;
}

/** Where an invoice's usage, 無料通話分 and 着割 lines are not the statement's rows, figure for figure. */
export function usageProblems(invoice: Invoice, statement: Statement): string[] {
  const problems: string[] = [];
  const name = `invoice ${invoice.invoiceNumber}`;
  const expected = new Map<string, string>();
  for (const table of statement.numbers) {
    for (const row of table.calls)
      if (row.count > 0 || !same(row.charge, '0')) expected.set(`usage ${table.number} ${row.label}`, row.charge);
    expected.set(`chakuwari ${table.number}`, table.chakuwari.discount);
    if (table.allowance !== undefined) expected.set(`allowance ${table.number}`, table.allowance.discount);
  }
  const found = new Map<string, Decimal>();
  for (const line of invoice.lines) {
    if (line.kind !== 'usage' && line.kind !== 'chakuwari' && line.kind !== 'allowance') continue;
    const label = line.kind === 'usage' ? line.label.slice(line.label.indexOf(' ') + 1) : '';
    const key = line.kind === 'usage' ? `usage ${line.number} ${label}` : `${line.kind} ${line.number}`;
    found.set(key, (found.get(key) ?? new Decimal(0)).plus(line.amount));
  }
  for (const [key, amount] of expected) {
    const got = found.get(key) ?? new Decimal(0);
    if (!got.equals(amount))
      problems.push(
        `${name}: ${key} is ${got.toFixed()} on the invoice, ${amount} in statement revision ${statement.revision}`,
      );
  }
  for (const key of found.keys())
    if (!expected.has(key)) problems.push(`${name}: ${key} is not a row of statement revision ${statement.revision}`);
  return problems;
}

export interface IssuedContractMonth {
  /** The contract-month's invoice and notes as stored, in issue order. */
  rows: readonly StoredInvoice[];
  /** The statement revisions they name, by number. */
  revisions: ReadonlyMap<number, Statement>;
  /** The latest issued statement revision, if any. */
  latestRevision: number | null;
}

/**
 * Checks one contract-month's issued documents against the store and the statements: each is
 * byte for byte as issued (sha256), its columns are its JSON's, it foots, the invoice's usage
 * lines are the rows of the statement revision it was built from, and no statement revision was
 * issued after the last document (else a note is due: meisai bill).
 */
export function issuedInvoiceProblems(issued: IssuedContractMonth, rounding: RoundingMode): string[] {
  const problems: string[] = [];
  for (const row of issued.rows) {
    if (sha256(row.invoiceJson) !== row.sha256) {
      problems.push(
        `${row.kind} ${row.invoiceNumber} of ${row.contractId} ${row.month} was altered after it was issued (sha256 mismatch)`,
      );
      continue;
    }
    const invoice = JSON.parse(row.invoiceJson) as Invoice;
    const columns: [string, unknown, unknown][] = [
      ['invoice number', row.invoiceNumber, invoice.invoiceNumber],
      ['kind', row.kind, invoice.kind],
      ['contract', row.contractId, invoice.contract],
      ['month', row.month, invoice.month],
      ['total', row.total, invoice.total],
      ['corrects', row.corrects, invoice.corrects],
    ];
    for (const [what, stored, inJson] of columns)
      if (stored !== inJson)
        problems.push(
          `${row.invoiceNumber}: its ${what} is ${String(stored)} in the store, ${String(inJson)} in its JSON`,
        );
    problems.push(...footingProblems(invoice, rounding));
    if (row.kind === 'invoice' && row.statementRevision !== null) {
      const statement = issued.revisions.get(row.statementRevision);
      if (statement === undefined)
        problems.push(
          `invoice ${row.invoiceNumber}: statement revision ${row.statementRevision} it was built from is not in the store`,
        );
      else problems.push(...usageProblems(invoice, statement));
    }
  }
  const billed = Math.max(0, ...issued.rows.map((row) => row.statementRevision ?? 0));
  if (issued.rows.length > 0 && issued.latestRevision !== null && issued.latestRevision > billed) {
    const first = issued.rows[0]!;
    problems.push(
      `${first.contractId} ${first.month}: statement revision ${issued.latestRevision} was issued after the invoice (built from revision ${billed}): meisai bill --month ${first.month} issues the note`,
    );
  }
  return problems;
}
