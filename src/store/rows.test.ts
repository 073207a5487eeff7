import { StoreFailedError } from '../errors';
import { fileControlsOf, issuedRevisionsOf, monthTotalsOrFail, readableMonthTotals } from './rows';

/** The row decoders both engines share: a row as meisai writes it becomes a value, any other is named. */
const typeRow = {
  contractId: 'N000000001',
  month: '2011-04',
  number: '05012345678',
  type: 'mobile',
  calls: 3,
  durationTenths: 1_205,
  chargeScaled: 1_234_500,
  chargeRemainderParts: 0,
};
const chakuwariRow = {
  contractId: 'N000000001',
  month: '2011-04',
  number: '05012345678',
  calls: 2,
  durationTenths: 600,
  durationMs: 60_000,
};

describe('stored totals rows', () => {
  test('rows as meisai writes them become the same values on a statement and in reconcile', () => {
    const wanted = { typeTotals: [typeRow], chakuwariTotals: [chakuwariRow] };
    expect(monthTotalsOrFail('/tmp/store.sqlite', [{ ...typeRow }], [{ ...chakuwariRow }])).toEqual(wanted);
    expect(readableMonthTotals([{ ...typeRow }], [{ ...chakuwariRow }])).toEqual({ values: wanted, unreadable: [] });
  });

  test('a row read for one contract-month that names another (a damaged key) stops the statement, naming it', () => {
    const asked = { contractId: typeRow.contractId, month: typeRow.month };
    expect(monthTotalsOrFail('/tmp/store.sqlite', [typeRow], [chakuwariRow], asked)).toEqual({
      typeTotals: [typeRow],
      chakuwariTotals: [chakuwariRow],
    });
    const strayContract = { ...chakuwariRow, contractId: '\u0014000000001' };
    expect(() => monthTotalsOrFail('/tmp/store.sqlite', [typeRow], [strayContract], asked)).toThrow(StoreFailedError);
    const strayMonth = { ...typeRow, month: '2011-03' };
    expect(() => monthTotalsOrFail('/tmp/store.sqlite', [strayMonth], [], asked)).toThrow(
      /number_type_totals .*2011-03.* is damaged/,
    );
  });

  test('a statement stops at a damaged totals row, naming it; reconcile lists it and sums the rest', () => {
    const damaged = { ...typeRow, number: '05087654321', chargeScaled: '12.5' };
    expect(() => monthTotalsOrFail('/tmp/store.sqlite', [typeRow, damaged], [])).toThrow(StoreFailedError);
    expect(() => monthTotalsOrFail('/tmp/store.sqlite', [typeRow, damaged], [])).toThrow(
      /number_type_totals .*05087654321.* is damaged/,
    );
    const { values, unreadable } = readableMonthTotals([typeRow, damaged], [{ ...chakuwariRow, durationMs: null }]);
    expect(values).toEqual({ typeTotals: [typeRow], chakuwariTotals: [] });
    expect(unreadable).toHaveLength(2);
    expect(unreadable[0]).toMatch(/05087654321.*cannot be read/);
  });
});

describe('stored totals rows, contract ids', () => {
  test('a totals row whose contract id is not N and 9 digits (a flipped byte) is damage, in both readers', () => {
    const flipped = { ...typeRow, contractId: '000000001' };
    expect(() => monthTotalsOrFail('/tmp/store.sqlite', [flipped], [])).toThrow(
      /number_type_totals .*000000001.* is damaged/,
    );
    const { values, unreadable } = readableMonthTotals(
      [typeRow, flipped],
      [{ ...chakuwariRow, contractId: 'N00000000x' }],
    );
    expect(values).toEqual({ typeTotals: [typeRow], chakuwariTotals: [] });
    expect(unreadable).toHaveLength(2);
    expect(unreadable[1]).toMatch(/N00000000x/);
  });
});

describe('issued revisions and file controls', () => {
  test('an issued revision keeps only its stored fields; a damaged one is named by contract, month and revision', () => {
    const rows = [
      { revision: 1, statementJson: '{"a":1}', sha256: 'ab', extra: 'x' },
      { revision: 0, statementJson: '{}', sha256: 'cd' },
    ];
    const { values, unreadable } = issuedRevisionsOf(rows, 'N000000001', '2011-04');
    expect(values).toEqual([{ revision: 1, statementJson: '{"a":1}', sha256: 'ab' }]);
    expect(unreadable).toEqual([
      expect.stringMatching(
        /^N000000001 2011-04, issued revision the number 0: cannot be read: revision is the number 0, below 1/,
      ),
    ]);
  });

  test("a file's control totals and its counted rows become numbers; absent counts are none; a negative count is damage", () => {
    const file = {
      fileId: 7,
      name: 'a.csv',
      recordsRead: 5,
      accepted: 3,
      rejected: 1,
      duplicates: 1,
      recycled: 0,
      skipped: 0,
    };
    const { values, unreadable } = fileControlsOf([
      { ...file, callRows: 3, rejectRows: 1, duplicateRows: 1 },
      { ...file, fileId: 8, accepted: -1 },
    ]);
    expect(values).toEqual([{ ...file, callRows: 3, rejectRows: 1, duplicateRows: 1, recycledRows: 0, skipRows: 0 }]);
    expect(unreadable).toEqual([
      expect.stringMatching(/^file 8 \(a\.csv\): cannot be read: accepted is the number -1, below 0/),
    ]);
  });
});
