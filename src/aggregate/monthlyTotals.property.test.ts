import fc from 'fast-check';
import { CALL_TYPES } from '../numbering/callType';
import { PeerClass } from '../rate/rateRecord';
import { monthTotalsDiff, totalsDiff } from '../store/rows';
import { truncateToTenths } from '../time/duration';
import { ChakuwariTotal, MonthlyTotals, NumberTypeTotal, TotalledCall } from './monthlyTotals';

/** The reference: one string key per row, an object per row, nothing clever. */
function referenceTotals(calls: TotalledCall[]): { typeTotals: NumberTypeTotal[]; chakuwariTotals: ChakuwariTotal[] } {
  const types = new Map<string, NumberTypeTotal>();
  const chakuwari = new Map<string, ChakuwariTotal>();
  for (const call of calls) {
    if (call.durationMs <= 0) continue;
    const { contractId, month, number } = call;
    if (call.direction === 'out') {
      const type = call.peerClass as NumberTypeTotal['type'];
      const key = `${contractId}|${month}|${number}|${type}`;
      const total = types.get(key) ?? {
        contractId,
        month,
        number,
        type,
        calls: 0,
        durationTenths: 0,
        chargeScaled: 0,
        chargeRemainderParts: 0,
      };
      total.calls += 1;
      total.durationTenths += truncateToTenths(call.durationMs);
      total.chargeScaled += call.chargeScaled;
      total.chargeRemainderParts += call.chargeRemainderParts;
      types.set(key, total);
    } else if (call.chakuwariEligible) {
      const key = `${contractId}|${month}|${number}`;
      const total = chakuwari.get(key) ?? { contractId, month, number, calls: 0, durationTenths: 0, durationMs: 0 };
      total.calls += 1;
      total.durationTenths += truncateToTenths(call.durationMs);
      total.durationMs += call.durationMs;
      chakuwari.set(key, total);
    }
  }
  return { typeTotals: [...types.values()], chakuwariTotals: [...chakuwari.values()] };
}

function byKey<Row extends { contractId: string; month: string; number: string; type?: string }>(rows: Row[]): Row[] {
  const keyOf = (row: Row): string => `${row.contractId}|${row.month}|${row.number}|${row.type ?? ''}`;
  return [...rows].sort((left, right) => (keyOf(left) < keyOf(right) ? -1 : keyOf(left) > keyOf(right) ? 1 : 0));
}

const INBOUND_CLASSES: PeerClass[] = [...CALL_TYPES, 'withheld', 'not-callable', 'unknown'];

/**
 * Few contracts, numbers and months, so that rows collect many calls and a number shows up under
 * several contracts and months; with texts of other forms too (as a damaged store row may hold),
 * which MonthlyTotals compares as text rather than by the codes of their digits.
 */
const contracts = ['N000000001', 'N000000002', 'N000000003', 'N00000000x', 'n000000001', 'N0000000010'];
const months = ['2011-03', '2011-04', '2011-4', '2011/04'];
const numbers = [
  '05011111111',
  '05022222222',
  '05033333333',
  '05044444444',
  '0501111111',
  '0601111111x',
  '05011111111 ',
];
const call: fc.Arbitrary<TotalledCall> = fc.oneof(
  fc.record({
    contractId: fc.constantFrom(...contracts),
    month: fc.constantFrom(...months),
    number: fc.constantFrom(...numbers),
    direction: fc.constant('out' as const),
    peerClass: fc.constantFrom(...CALL_TYPES),
    durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 86_400_000 })),
    chargeScaled: fc.integer({ min: 0, max: 100_000_000 }),
    chargeRemainderParts: fc.integer({ min: 0, max: 3599 }),
    chakuwariEligible: fc.constant(false),
  }),
  fc.record({
    contractId: fc.constantFrom(...contracts),
    month: fc.constantFrom(...months),
    number: fc.constantFrom(...numbers),
    direction: fc.constant('in' as const),
    peerClass: fc.constantFrom(...INBOUND_CLASSES),
    durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 86_400_000 })),
    chargeScaled: fc.constant(0),
    chargeRemainderParts: fc.constant(0),
    chakuwariEligible: fc.boolean(),
  }),
);

describe('MonthlyTotals', () => {
  it('refuses an outbound call of a class that is no call type, rather than dropping it from the statement', () => {
    const totals = new MonthlyTotals();
    const call: TotalledCall = {
      contractId: 'N000000001',
      month: '2011-04',
      number: '05011111111',
      direction: 'out',
      peerClass: 'unknown',
      durationMs: 1000,
      chargeScaled: 8,
      chargeRemainderParts: 0,
      chakuwariEligible: false,
    };
    expect(() => totals.add(call)).toThrow('an outbound call of class unknown has no call type');
    expect(totals.numberTypeTotals()).toEqual([]);
  });

  it('gives exactly the rows and sums of a one-key-per-row aggregation, whatever the calls and their order', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 3000 }), (calls) => {
        const totals = new MonthlyTotals();
        for (const each of calls) totals.add(each);
        const reference = referenceTotals(calls);
        expect(byKey(totals.numberTypeTotals())).toEqual(byKey(reference.typeTotals));
        expect(byKey(totals.numberChakuwariTotals())).toEqual(byKey(reference.chakuwariTotals));
      }),
      { numRuns: 200 },
    );
  });

  it('adds the exported totals of the later calls as if they had been added here: same rows, sums and order', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 2000 }), fc.nat(), (calls, cut) => {
        const at = calls.length === 0 ? 0 : cut % (calls.length + 1);
        const whole = new MonthlyTotals();
        for (const each of calls) whole.add(each);
        const earlier = new MonthlyTotals();
        for (const each of calls.slice(0, at)) earlier.add(each);
        const later = new MonthlyTotals();
        for (const each of calls.slice(at)) later.add(each);
        // Posted between threads: the exported data survives a structured clone.
        earlier.addExported(structuredClone(later.exported()));
        expect(earlier.numberTypeTotals()).toEqual(whole.numberTypeTotals());
        expect(earlier.numberChakuwariTotals()).toEqual(whole.numberChakuwariTotals());
        expect([...earlier.contracts()].sort()).toEqual([...whole.contracts()].sort());
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its sums when it outgrows its first arrays (thousands of numbers)', () => {
    const calls: TotalledCall[] = [];
    for (let index = 0; index < 5000; index += 1) {
      const number = `050${String(index).padStart(8, '0')}`;
      calls.push({
        contractId: 'N000000001',
        month: '2011-04',
        number,
        direction: 'out',
        peerClass: 'mobile',
        durationMs: 61_234,
        chargeScaled: 1_000 + index,
        chargeRemainderParts: 0,
        chakuwariEligible: false,
      });
      calls.push({
        contractId: 'N000000001',
        month: '2011-04',
        number,
        direction: 'in',
        peerClass: 'general',
        durationMs: 10_050,
        chargeScaled: 0,
        chargeRemainderParts: 0,
        chakuwariEligible: true,
      });
    }
    const totals = new MonthlyTotals();
    for (const each of calls) totals.add(each);
    const reference = referenceTotals(calls);
    expect(totals.numberTypeTotals()).toEqual(reference.typeTotals);
    expect(totals.numberChakuwariTotals()).toEqual(reference.chakuwariTotals);
  });

  it('lists the rows in the order their numbers first came, a number’s types in statement order', () => {
    const base = {
      month: '2011-04',
      durationMs: 1_000,
      chargeScaled: 10,
      chargeRemainderParts: 0,
      chakuwariEligible: false,
      direction: 'out' as const,
    };
    const totals = new MonthlyTotals();
    totals.add({ ...base, contractId: 'N000000002', number: '05022222222', peerClass: 'phs' });
    totals.add({ ...base, contractId: 'N000000001', number: '05011111111', peerClass: 'mobile' });
    totals.add({ ...base, contractId: 'N000000002', number: '05022222222', peerClass: 'general' });
    totals.add({ ...base, contractId: 'N000000003', number: '05022222222', peerClass: 'ip' });
    expect(totals.numberTypeTotals().map((row) => `${row.number} ${row.contractId} ${row.type}`)).toEqual([
      '05022222222 N000000002 general',
      '05022222222 N000000002 phs',
      '05022222222 N000000003 ip',
      '05011111111 N000000001 mobile',
    ]);
  });

  it('diffs against stored rows exactly as the one-key-per-row totalsDiff does: rows changed, added and gone', () => {
    /** The stored rows: the computed ones, some changed in one figure, some dropped, plus rows of other calls. */
    const edit = fc.constantFrom('same', 'same', 'calls', 'duration', 'charge', 'drop');
    fc.assert(
      fc.property(
        fc.array(call, { maxLength: 400 }),
        fc.array(call, { maxLength: 100 }),
        fc.infiniteStream(edit),
        (calls, otherCalls, edits) => {
          const month = (each: TotalledCall): TotalledCall => ({ ...each, month: '2011-04' });
          const totals = new MonthlyTotals();
          for (const each of calls) totals.add(month(each));
          const other = new MonthlyTotals();
          for (const each of otherCalls) other.add(month(each));
          const computedKeys = new Set(
            totals.numberTypeTotals().map((row) => `${row.contractId}|${row.number}|${row.type}`),
          );
          const computedChakuwariKeys = new Set(
            totals.numberChakuwariTotals().map((row) => `${row.contractId}|${row.number}`),
          );
          const stored = {
            typeTotals: [
              ...other
                .numberTypeTotals()
                .filter((row) => !computedKeys.has(`${row.contractId}|${row.number}|${row.type}`)),
              ...totals.numberTypeTotals().flatMap((row) => {
                const change = edits.next().value;
                if (change === 'drop') return [];
                if (change === 'calls') return [{ ...row, calls: row.calls + 1 }];
                if (change === 'duration') return [{ ...row, durationTenths: row.durationTenths + 1 }];
                if (change === 'charge') return [{ ...row, chargeRemainderParts: row.chargeRemainderParts + 1 }];
                return [row];
              }),
            ].reverse(),
            chakuwariTotals: [
              ...totals.numberChakuwariTotals().flatMap((row) => {
                const change = edits.next().value;
                if (change === 'drop') return [];
                if (change === 'same') return [row];
                return [{ ...row, durationMs: row.durationMs + 1 }];
              }),
              ...other
                .numberChakuwariTotals()
                .filter((row) => !computedChakuwariKeys.has(`${row.contractId}|${row.number}`)),
            ],
          };
          const computed = { typeTotals: totals.numberTypeTotals(), chakuwariTotals: totals.numberChakuwariTotals() };
          expect(monthTotalsDiff(stored, totals)).toEqual(totalsDiff(stored, computed));
        },
      ),
      { numRuns: 300 },
    );
  });
});
