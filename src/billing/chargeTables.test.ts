import { loadChargeTables, loadIssuer } from './billingData';
import { allocateChakuwari, taxOf } from './buildInvoice';
import { checkDatedRows, monthCharges } from './chargeTables';
import { activeDays } from './customers';
import Decimal from 'decimal.js';
import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULT_DATA_DIR } from '../reference/referenceData';
import { ConfigurationError } from '../errors';

describe('the shipped monthly charges and tax table', () => {
  const tables = loadChargeTables(DEFAULT_DATA_DIR);

  test.each([
    // month, plan, universal service, relay service, tax rate
    ['2011-04', 'REFERENCE', '7', '0', '5'],
    ['2014-03', 'REFERENCE', '3', '0', '5'],
    ['2014-04', 'REFERENCE', '3', '0', '8'],
    ['2019-09', 'REFERENCE', '3', '0', '8'],
    ['2019-10', 'REFERENCE', '3', '0', '10'],
    ['2021-07', 'BUSINESS', '3', '1', '10'],
    ['2022-02', 'BUSINESS', '2', '0', '10'],
    ['2025-07', 'REFERENCE', '3', '1', '10'],
    ['2026-01', 'REFERENCE', '2', '1', '10'],
  ])('%s (%s): universal service %s, relay %s, tax %s%%', (month, plan, universal, relay, rate) => {
    const charges = monthCharges(tables, plan, month);
    expect([charges.universalService, charges.relayService, charges.taxRate, charges.taxRounding]).toEqual([
      universal,
      relay,
      rate,
      'down',
    ]);
  });

  test('a month no row covers stops the bill, naming the month and the table', () => {
    expect(() => monthCharges(tables, 'REFERENCE', '2026-04')).toThrow(
      /電話リレーサービス料 table does not cover the month of use 2026-04/,
    );
    expect(() => monthCharges(tables, 'NOPLAN', '2011-04')).toThrow(
      /basic fees \(基本料\) of plan NOPLAN does not cover the month of use 2011-04/,
    );
  });

  test('the issuer carries a registration number T and 13 digits', () => {
    expect(loadIssuer(DEFAULT_DATA_DIR).registrationNumber).toMatch(/^T\d{13}$/);
  });

  test('a data folder without issuer.json, or with a bad one, is bad configuration (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meisai-issuer-'));
    expect(() => loadIssuer(dir)).toThrow(ConfigurationError);
    writeFileSync(join(dir, 'issuer.json'), JSON.stringify({ name: 'x', registrationNumber: 'T123', address: 'y' }));
    expect(() => loadIssuer(dir)).toThrow(/registrationNumber/);
  });

  test('a table covering a month twice is refused when loaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meisai-charges-'));
    mkdirSync(join(dir, 'charges'));
    cpSync(join(DEFAULT_DATA_DIR, 'charges'), join(dir, 'charges'), { recursive: true });
    writeFileSync(
      join(dir, 'charges', 'relay-service.json'),
      JSON.stringify({
        kind: 'relay-service',
        label: 'r',
        unit: 'u',
        rows: [
          { from: '2021-01', to: '2021-12', amount: '1', source: 's' },
          { from: '2021-06', to: null, amount: '1', source: 's' },
        ],
      }),
    );
    expect(() => loadChargeTables(dir)).toThrow(/rows 0 and 1 both cover 2021-06/);
    expect(checkDatedRows([{ from: '2021-05', to: '2021-04', source: '' }])).toEqual([
      'row 0: to 2021-04 is before from 2021-05',
    ]);
  });
});

describe('the rules of an invoice, at their edges', () => {
  test.each([
    // discount, taxable charges, exempt charges → on taxable, on exempt
    ['100', '150', '50', '100', '0'],
    ['100', '60', '50', '60', '40'],
    ['100', '0', '300', '0', '100'], // an international-only number: 着割 reaches the exempt charges
    ['100', '30', '50', '30', '70'], // past both: the rest stays on the last target, the lines still sum to the discount
  ])(
    '着割 %s on taxable %s and exempt %s, taxable first: %s and %s',
    (discount, taxable, exempt, onTaxable, onExempt) => {
      const allocated = allocateChakuwari(new Decimal(discount), new Decimal(taxable), new Decimal(exempt), [
        'taxable',
        'exempt',
      ]);
      expect([allocated.taxable.toFixed(), allocated.exempt.toFixed()]).toEqual([onTaxable, onExempt]);
    },
  );

  test.each([
    // base, rate, mode → tax
    ['1999', '10', 'down', '199'], // 199.9 → 199
    ['1999', '8', 'half-up', '160'], // 159.92 → 160
    ['1999', '5', 'up', '100'], // 99.95 → 100
    ['-1999', '10', 'down', '-199'], // a credit: toward zero
    ['25', '10', 'half-even', '2'], // 2.5 → 2
  ])('tax of %s at %s%% rounded %s: %s', (base, rate, mode, tax) => {
    expect(taxOf(new Decimal(base), rate, mode as 'down').toFixed()).toBe(tax);
  });

  test('active days: from and to inclusive, clipped to the month', () => {
    expect(activeDays({ activeFrom: '2011-04-15', activeTo: null }, '2011-04').size).toBe(16);
    expect(activeDays({ activeFrom: '2011-01-01', activeTo: '2011-04-10' }, '2011-04').size).toBe(10);
    expect(activeDays({ activeFrom: '2011-05-01', activeTo: null }, '2011-04').size).toBe(0);
    expect(activeDays({ activeFrom: '2012-02-01', activeTo: null }, '2012-02').size).toBe(29);
  });
});
