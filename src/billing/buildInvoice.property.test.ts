import Decimal from 'decimal.js';
import fc from 'fast-check';
import { CALL_TYPE_LABELS, CALL_TYPES } from '../numbering/callType';
import { NumberStatement, Statement, StatementTable } from '../statement/statement';
import { buildCorrection, buildInvoice, taxOf } from './buildInvoice';
import { MonthCharges } from './chargeTables';
import { CustomerLine } from '../store/listingTypes';
import { Invoice } from './invoice';

const ISSUER = { name: '発行者', registrationNumber: 'T1234567890123', address: '東京都' };

function table(charges: number[], discount: number): StatementTable {
  const calls = CALL_TYPES.map((type, index) => ({
    type,
    label: CALL_TYPE_LABELS[type],
    count: charges[index]! > 0 ? 1 : 0,
    durationTenths: 0,
    duration: '0:00:00.0',
    charge: String(charges[index]!),
  }));
  const total = charges.reduce((sum, charge) => sum + charge, 0);
  return {
    calls,
    total: {
      count: calls.reduce((sum, row) => sum + row.count, 0),
      durationTenths: 0,
      duration: '0:00:00.0',
      charge: String(total),
    },
    chakuwari: { count: 0, durationTenths: 0, duration: '0:00:00.0', discount: String(-Math.min(discount, total)) },
  };
}

const numberArbitrary = fc
  .integer({ min: 0, max: 99_999_999 })
  .map((digits) => `050${String(digits).padStart(8, '0')}`);
const chargesArbitrary = fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 5, maxLength: 5 });

const statementArbitrary = fc
  .uniqueArray(
    fc.record({ number: numberArbitrary, charges: chargesArbitrary, discount: fc.integer({ min: 0, max: 300_000 }) }),
    {
      selector: (entry) => entry.number,
      minLength: 0,
      maxLength: 4,
    },
  )
  .map((entries): Statement => {
    const numbers: NumberStatement[] = entries
      .map((entry) => ({ number: entry.number, ...table(entry.charges, entry.discount) }))
      .sort((left, right) => (left.number < right.number ? -1 : 1));
    return {
      contract: 'N000000001',
      month: '2019-10',
      currency: 'JPY',
      taxIncluded: false,
      revision: 1,
      allNumbers: table([0, 0, 0, 0, 0], 0),
      numbers,
    };
  });

const dayArbitrary = fc.integer({ min: 1, max: 31 }).map((day) => `2019-10-${String(day).padStart(2, '0')}`);
const customersArbitrary = fc.array(
  fc
    .record({ number: numberArbitrary, from: dayArbitrary, to: fc.option(dayArbitrary) })
    .map((entry): CustomerLine => ({
      contractId: 'N000000001',
      name: '顧客',
      number: entry.number,
      activeFrom: entry.to !== null && entry.to < entry.from ? entry.to : entry.from,
      activeTo: entry.to !== null && entry.to < entry.from ? entry.from : entry.to,
    })),
  { maxLength: 4 },
);

const chargesTableArbitrary = fc
  .record({
    amount: fc.integer({ min: 0, max: 5000 }).map(String),
    per: fc.constantFrom('number' as const, 'contract' as const),
    proration: fc.constantFrom('none' as const, 'daily' as const),
    chakuwariOrder: fc.constantFrom(
      ['taxable', 'exempt'] as ('taxable' | 'exempt')[],
      ['exempt', 'taxable'] as ('taxable' | 'exempt')[],
    ),
    universalService: fc.integer({ min: 0, max: 9 }).map(String),
    relayService: fc.integer({ min: 0, max: 2 }).map(String),
    taxRate: fc.constantFrom('5' as const, '8' as const, '10' as const),
    taxRounding: fc.constantFrom('down' as const, 'up' as const, 'half-up' as const, 'half-even' as const),
  })
  .map((drawn): MonthCharges => ({
    basicFee: {
      plan: 'REFERENCE',
      from: '2006-12',
      to: null,
      source: 'test',
      amount: drawn.amount,
      per: drawn.per,
      proration: drawn.proration,
      chakuwariOrder: drawn.chakuwariOrder,
    },
    universalService: drawn.universalService,
    relayService: drawn.relayService,
    taxRate: drawn.taxRate,
    taxRounding: drawn.taxRounding,
  }));

const sum = (amounts: readonly string[]): Decimal =>
  amounts.reduce((total, amount) => total.plus(amount), new Decimal(0));

/** lines = subtotal; each rate's base = its lines; tax = the rounding of base × rate; total = subtotal + tax. */
function expectFoots(document: Invoice, rounding: MonthCharges['taxRounding']): void {
  expect(sum(document.lines.map((line) => line.amount)).toFixed()).toBe(new Decimal(document.subtotal).toFixed());
  for (const tax of document.taxes) {
    expect(sum(document.lines.filter((line) => line.tax === tax.rate).map((line) => line.amount)).toFixed()).toBe(
      new Decimal(tax.base).toFixed(),
    );
    expect(taxOf(new Decimal(tax.base), tax.rate, rounding).toFixed()).toBe(new Decimal(tax.tax).toFixed());
  }
  const rates = new Set(document.lines.map((line) => line.tax).filter((tax) => tax !== 'exempt'));
  expect(document.taxes.map((tax) => tax.rate).sort()).toEqual([...rates].sort());
  expect(sum(document.lines.filter((line) => line.tax === 'exempt').map((line) => line.amount)).toFixed()).toBe(
    new Decimal(document.exempt).toFixed(),
  );
  expect(sum(document.taxes.map((tax) => tax.tax)).toFixed()).toBe(new Decimal(document.taxTotal).toFixed());
  expect(new Decimal(document.subtotal).plus(document.taxTotal).toFixed()).toBe(new Decimal(document.total).toFixed());
}

describe('every invoice foots and carries the statement figure for figure', () => {
  test("lines = subtotal, each rate's base = its lines, tax = rounding of base × rate, total = subtotal + tax; usage and 着割 = the statement", () => {
    fc.assert(
      fc.property(statementArbitrary, customersArbitrary, chargesTableArbitrary, (statement, customers, charges) => {
        const invoice = buildInvoice({
          invoiceNumber: 'T1234567890123-00000001',
          issuedOn: '2019-11-05',
          issuer: ISSUER,
          contractId: 'N000000001',
          month: '2019-10',
          statement,
          customers,
          charges,
        });
        expectFoots(invoice, charges.taxRounding);
        for (const table of statement.numbers) {
          const usage = invoice.lines.filter((line) => line.kind === 'usage' && line.number === table.number);
          for (const row of table.calls) {
            const line = usage.find((candidate) => candidate.label.endsWith(row.label));
            expect(line?.amount ?? '0').toBe(row.charge);
            if (line !== undefined) expect(line.tax).toBe(row.type === 'international' ? 'exempt' : charges.taxRate);
          }
          const chakuwari = invoice.lines.filter((line) => line.kind === 'chakuwari' && line.number === table.number);
          expect(sum(chakuwari.map((line) => line.amount)).toFixed()).toBe(
            new Decimal(table.chakuwari.discount).toFixed(),
          );
        }
        expect(
          invoice.lines
            .filter((line) => line.kind === 'usage')
            .every((line) => statement.numbers.some((table) => table.number === line.number)),
        ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test('a note after changed figures foots, and the invoice plus the note carry the figures of today', () => {
    fc.assert(
      fc.property(
        statementArbitrary,
        statementArbitrary,
        customersArbitrary,
        chargesTableArbitrary,
        (before, after, customers, charges) => {
          const build = (statement: Statement): Invoice =>
            buildInvoice({
              invoiceNumber: 'X-1',
              issuedOn: '2019-11-05',
              issuer: ISSUER,
              contractId: 'N000000001',
              month: '2019-10',
              statement,
              customers,
              charges,
            });
          const issued = build(before);
          const current = build(after);
          const note = buildCorrection({
            issued: [issued],
            current,
            invoiceNumber: 'X-2',
            issuedOn: '2019-12-05',
            rounding: charges.taxRounding,
          });
          const byLine = (documents: Invoice[]): Map<string, string> => {
            const amounts = new Map<string, Decimal>();
            for (const line of documents.flatMap((document) => document.lines)) {
              const key = `${line.kind}|${line.label}|${line.tax}`;
              amounts.set(key, (amounts.get(key) ?? new Decimal(0)).plus(line.amount));
            }
            return new Map(
              [...amounts].filter(([, amount]) => !amount.isZero()).map(([key, amount]) => [key, amount.toFixed()]),
            );
          };
          if (note === null) {
            expect(byLine([issued])).toEqual(byLine([current]));
            return;
          }
          expectFoots(note, charges.taxRounding);
          expect(note.corrects).toBe('X-1');
          expect(note.kind).toBe(new Decimal(note.subtotal).isNegative() ? 'credit-note' : 'debit-note');
          expect(byLine([issued, note])).toEqual(byLine([current]));
        },
      ),
      { numRuns: 200 },
    );
  });
});
