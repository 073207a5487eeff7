import { buildInvoice } from './buildInvoice';
import { footingProblems, issuedInvoiceProblems, usageProblems } from './invoiceChecks';
import { invoiceJson, sha256, toStored } from './issuedInvoices';
import { CALL_TYPE_LABELS, CALL_TYPES } from '../numbering/callType';
import { Statement } from '../statement/statement';
import { MonthCharges } from './chargeTables';

const CHARGES: MonthCharges = {
  basicFee: {
    plan: 'REFERENCE',
    from: '2006-12',
    to: null,
    source: 't',
    amount: '300',
    per: 'number',
    proration: 'none',
    chakuwariOrder: ['taxable', 'exempt'],
  },
  universalService: '3',
  relayService: '0',
  taxRate: '10',
  taxRounding: 'down',
};

function statement(general: string, discount: string, revision = 1): Statement {
  const calls = CALL_TYPES.map((type) => ({
    type,
    label: CALL_TYPE_LABELS[type],
    count: type === 'general' ? 3 : 0,
    durationTenths: 0,
    duration: '0:00:00.0',
    charge: type === 'general' ? general : '0',
  }));
  const table = {
    calls,
    total: { count: 3, durationTenths: 0, duration: '0:00:00.0', charge: general },
    chakuwari: { count: 1, durationTenths: 0, duration: '0:00:00.0', discount },
  };
  return {
    contract: 'N000000001',
    month: '2019-10',
    currency: 'JPY',
    taxIncluded: false,
    revision,
    allNumbers: table,
    numbers: [{ number: '05012345678', ...table }],
  };
}

const invoice = buildInvoice({
  invoiceNumber: 'T1234567890123-00000001',
  issuedOn: '2019-11-05',
  issuer: { name: 'i', registrationNumber: 'T1234567890123', address: 'a' },
  contractId: 'N000000001',
  month: '2019-10',
  statement: statement('1000', '-15'),
  charges: CHARGES,
  customers: [
    { contractId: 'N000000001', name: '顧客', number: '05012345678', activeFrom: '2019-01-01', activeTo: null },
  ],
});

describe('reconcile of issued invoices', () => {
  test('an invoice as built foots and carries its statement: 1000 − 15 + 300 + 3 = 1288, 10% → 128.8 → 128', () => {
    expect([invoice.subtotal, invoice.taxes, invoice.total]).toEqual([
      '1288',
      [{ rate: '10', base: '1288', tax: '128' }],
      '1416',
    ]);
    expect(footingProblems(invoice, 'down')).toEqual([]);
    expect(usageProblems(invoice, statement('1000', '-15'))).toEqual([]);
  });

  test('a tax not rounded once per invoice, and usage that is not the statement, are named', () => {
    expect(footingProblems({ ...invoice, taxes: [{ rate: '10', base: '1288', tax: '129' }] }, 'down')).toEqual([
      'invoice T1234567890123-00000001: 10% of 1288 rounded down is 128, not 129',
      'invoice T1234567890123-00000001: its taxes do not add up to 128',
    ]);
    expect(usageProblems(invoice, statement('1001', '-15', 2))).toEqual([
      'invoice T1234567890123-00000001: usage 05012345678 一般通話 is 1000 on the invoice, 1001 in statement revision 2',
    ]);
  });

  test('a stored invoice whose JSON was altered is named; one whose statement was revised since asks for a note', () => {
    const stored = toStored(invoice, 1, 1, '2019-11-05T00:00:00Z');
    const altered = { ...stored, invoiceJson: invoiceJson({ ...invoice, total: '1' }) };
    expect(sha256(stored.invoiceJson)).toBe(stored.sha256);
    expect(
      issuedInvoiceProblems(
        { rows: [altered], revisions: new Map([[1, statement('1000', '-15')]]), latestRevision: 1 },
        'down',
      ),
    ).toEqual([
      'invoice T1234567890123-00000001 of N000000001 2019-10 was altered after it was issued (sha256 mismatch)',
    ]);
    expect(
      issuedInvoiceProblems(
        { rows: [stored], revisions: new Map([[1, statement('1000', '-15')]]), latestRevision: 2 },
        'down',
      ),
    ).toEqual([
      'N000000001 2019-10: statement revision 2 was issued after the invoice (built from revision 1): meisai bill --month 2019-10 issues the note',
    ]);
  });
});

const ZERO = { count: 0, durationTenths: 0, duration: '0:00:00.0' };

/** One number: 一般通話 1,000 yen, 国際通話 200 yen, 無料通話分 −800, 着割 −300. */
function allowanceStatement(): Statement {
  const charges: Record<string, string> = { general: '1000', international: '200' };
  const calls = CALL_TYPES.map((type) => ({
    type,
    label: CALL_TYPE_LABELS[type],
    ...ZERO,
    count: type in charges ? 1 : 0,
    charge: charges[type] ?? '0',
  }));
  const table = {
    calls,
    total: { ...ZERO, count: 2, charge: '1200' },
    allowance: { ...ZERO, count: 1, discount: '-800' },
    chakuwari: { ...ZERO, count: 1, discount: '-300' },
  };
  return {
    contract: 'N000000001',
    month: '2026-12',
    currency: 'JPY',
    taxIncluded: false,
    revision: 1,
    allNumbers: table,
    numbers: [{ number: '05012345678', ...table }],
  };
}

const allowanceInvoice = buildInvoice({
  invoiceNumber: 'T1234567890123-00000001',
  issuedOn: '2027-01-05',
  issuer: { name: 'i', registrationNumber: 'T1234567890123', address: 'a' },
  contractId: 'N000000001',
  month: '2026-12',
  statement: allowanceStatement(),
  charges: CHARGES,
  customers: [
    { contractId: 'N000000001', name: '顧客', number: '05012345678', activeFrom: '2026-01-01', activeTo: null },
  ],
});

describe('the invoice of a plan with allowances', () => {
  test('carries the allowance as its own taxable line, and 着割 goes on what it left of the taxable charges first', () => {
    expect(
      allowanceInvoice.lines
        .filter((line) => line.kind === 'allowance' || line.kind === 'chakuwari')
        .map((line) => [line.kind, line.label, line.quantity, line.amount, line.tax]),
    ).toEqual([
      ['allowance', '050-1234-5678 無料通話分', '1', '-800', '10'],
      // taxable 1,000 − 800 = 200 take 200 of the 300; the last 100 on the exempt 200
      ['chakuwari', '050-1234-5678 着信割引 (課税分)', '1', '-200', '10'],
      ['chakuwari', '050-1234-5678 着信割引 (免税分)', '1', '-100', 'exempt'],
    ]);
  });

  test('foots: taxable 1,000 − 800 − 200 + 300 + 3 = 303, 10% → 30; exempt 200 − 100 = 100; total 303 + 100 + 30 = 433', () => {
    expect([
      allowanceInvoice.taxes,
      allowanceInvoice.exempt,
      allowanceInvoice.subtotal,
      allowanceInvoice.total,
    ]).toEqual([[{ rate: '10', base: '303', tax: '30' }], '100', '403', '433']);
    expect(footingProblems(allowanceInvoice, 'down')).toEqual([]);
    expect(usageProblems(allowanceInvoice, allowanceStatement())).toEqual([]);
  });

  test("an allowance line that is not the statement's is named", () => {
    const edited = {
      ...allowanceInvoice,
      lines: allowanceInvoice.lines.map((line) => (line.kind === 'allowance' ? { ...line, amount: '-700' } : line)),
    };
    expect(usageProblems(edited, allowanceStatement())).toEqual([
      'invoice T1234567890123-00000001: allowance 05012345678 is -700 on the invoice, -800 in statement revision 1',
    ]);
  });
});
