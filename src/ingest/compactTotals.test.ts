import fc from 'fast-check';
import { MonthlyTotals, TotalledCall } from '../aggregate/monthlyTotals';
import { CALL_TYPES } from '../numbering/callType';
import { CompactTotals } from './compactTotals';
import { readTotals, StreamReader, StreamWriter } from './packedBatch';

/** Calls over few numbers, contracts and months, so that slots and rows are shared and numbers move between contracts. */
const call: fc.Arbitrary<TotalledCall> = fc.record({
  contractId: fc.constantFrom('N000000001', 'N000000002'),
  month: fc.constantFrom('2011-03', '2011-04'),
  number: fc.constantFrom('05012345678', '05012345679', '05099999999'),
  direction: fc.constantFrom('out' as const, 'in' as const),
  peerClass: fc.constantFrom(...CALL_TYPES),
  durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7_200_000 })),
  chargeScaled: fc.integer({ min: 0, max: 10_000_000 }),
  chargeRemainderParts: fc.integer({ min: 0, max: 3599 }),
  chakuwariEligible: fc.boolean(),
});

describe('CompactTotals', () => {
  test('gives the rows of MonthlyTotals, in the same order, directly and through the streams in chunks', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (calls, rowsPerChunk) => {
        const expected = new MonthlyTotals();
        const compact = new CompactTotals();
        for (const each of calls) {
          expected.add(each);
          compact.add(each);
        }
        expect(compact.numberTypeTotals()).toEqual(expected.numberTypeTotals());
        expect(compact.numberChakuwariTotals()).toEqual(expected.numberChakuwariTotals());
        const writer = new StreamWriter(4);
        const reader = new StreamReader();
        const read = { typeTotals: [], chakuwariTotals: [] };
        for (const _ of compact.writeChunks(writer, rowsPerChunk)) readTotals(reader, writer.take(), read);
        expect(read).toEqual({ typeTotals: expected.numberTypeTotals(), chakuwariTotals: expected.numberChakuwariTotals() });
      }),
      { numRuns: 200 },
    );
  });

  test('grows past its first columns (thousands of slots and rows)', () => {
    const expected = new MonthlyTotals();
    const compact = new CompactTotals();
    for (let index = 0; index < 5000; index += 1) {
      const each: TotalledCall = {
        contractId: `N${String(index % 7).padStart(9, '0')}`,
        month: '2011-04',
        number: `050${String(index % 2500).padStart(8, '0')}`,
        direction: index % 3 === 0 ? 'in' : 'out',
        peerClass: CALL_TYPES[index % CALL_TYPES.length]!,
        durationMs: 1000 + index,
        chargeScaled: index,
        chargeRemainderParts: 0,
        chakuwariEligible: true,
      };
      expected.add(each);
      compact.add(each);
    }
    expect(compact.numberTypeTotals()).toEqual(expected.numberTypeTotals());
    expect(compact.numberChakuwariTotals()).toEqual(expected.numberChakuwariTotals());
  });
});
