import fc from 'fast-check';
import { join } from 'node:path';
import { loadTariffFile, PROJECT_ROOT } from '../reference/referenceData';
import { Tariff } from '../tariff/tariff';
import { AllowanceBalance, AllowanceCall, AllowanceUse, applyAllowances, carriedInto, carryKey } from './allowance';

const fixture = loadTariffFile(join(PROJECT_ROOT, 'fixtures', 'tariffs', 'allowances.json'));
const NUMBERS = ['05011110001', '05011110002'];

const callArbitrary = fc.record({
  recordId: fc.stringMatching(/^r[0-9]{1,3}$/),
  number: fc.constantFrom(...NUMBERS),
  direction: fc.constantFrom<'out' | 'in'>('out', 'out', 'out', 'in'),
  peerClass: fc.constantFrom<AllowanceCall['peerClass']>('general', 'phs', 'mobile', 'international'),
  startMs: fc.integer({ min: 0, max: 10 }),
  durationMs: fc.integer({ min: 0, max: 3_600_000 }),
  chargeScaled: fc.integer({ min: 0, max: 5_000_000 }),
});
/** Calls with distinct record_ids (the store never holds one record_id twice in a month). */
const callsArbitrary = fc
  .uniqueArray(callArbitrary, { selector: (call) => call.recordId, maxLength: 40 })
  .map((calls) =>
    calls.map((call): AllowanceCall => ({ ...call, peer: call.peerClass === 'mobile' ? '09012345678' : '0312345678' })),
  );

/** A month's calls, and the same calls in the order they arrived in. */
const callsAndArrivalOrder = callsArbitrary.chain((calls) =>
  fc.tuple(fc.constant(calls), fc.shuffledSubarray(calls, { minLength: calls.length, maxLength: calls.length })),
);

describe('applyAllowances, for any month of calls', () => {
  test('a yen allowance per contract covers min(allowance, eligible charges)', () => {
    fc.assert(
      fc.property(callsArbitrary, fc.integer({ min: 0, max: 20_000_000 }), (calls, amountScaled) => {
        const yen = `${Math.floor(amountScaled / 10_000)}.${String(amountScaled % 10_000).padStart(4, '0')}`;
        const [allowance] = new Tariff({
          ...fixture,
          allowances: [{ id: 'D', per: 'contract', yen, callTypes: ['general', 'phs'] }],
        }).allowances;
        const eligible = calls
          .filter((call) => call.direction === 'out' && (call.peerClass === 'general' || call.peerClass === 'phs'))
          .reduce((sum, call) => sum + call.chargeScaled, 0);
        const use = applyAllowances(calls, [allowance!]);
        const used = use.covered.reduce((sum, covered) => sum + covered.coveredScaled, 0);
        expect(used).toBe(Math.min(amountScaled, eligible));
        expect([...use.byNumber.values()].reduce((sum, number) => sum + number.coveredScaled, 0)).toBe(used);
      }),
    );
  });

  test('what each call is covered by does not depend on the order the calls arrived in', () => {
    const allowances = new Tariff(fixture).allowances;
    fc.assert(
      fc.property(callsAndArrivalOrder, ([calls, arrived]) => {
        const covered = (list: AllowanceCall[]): Record<string, number> =>
          Object.fromEntries(
            applyAllowances(list, allowances).covered.map((entry) => [entry.recordId, entry.coveredScaled]),
          );
        expect(covered(arrived)).toEqual(covered(calls));
      }),
    );
  });

  test('no call is covered for more than its charge; each number has wholly covered calls within 30 minutes and at most one more in part', () => {
    const allowances = new Tariff({
      ...fixture,
      allowances: [{ id: 'M', per: 'number', minutes: 30, callTypes: ['mobile'] }],
    }).allowances;
    fc.assert(
      fc.property(callsArbitrary, (calls) => {
        const use = applyAllowances(calls, allowances);
        const byId = new Map(calls.map((call) => [call.recordId, call]));
        for (const covered of use.covered)
          expect(covered.coveredScaled).toBeLessThanOrEqual(byId.get(covered.recordId)!.chargeScaled);
        for (const number of NUMBERS) {
          // every call but the last one covered is covered wholly: their time is within 30 minutes
          const wholly = use.covered.filter(
            (covered) =>
              covered.number === number && covered.coveredScaled === byId.get(covered.recordId)!.chargeScaled,
          );
          const partly = use.covered.filter((covered) => covered.number === number).length - wholly.length;
          expect(partly).toBeLessThanOrEqual(1);
          expect(wholly.reduce((sum, covered) => sum + covered.durationMs, 0)).toBeLessThanOrEqual(30 * 60_000);
        }
      }),
    );
  });
});

describe('carryOver next-month, for any two months of calls', () => {
  const carrying = new Tariff({
    ...fixture,
    allowances: (fixture.allowances ?? []).map((allowance) => ({ ...allowance, carryOver: 'next-month' as const })),
  }).allowances;
  const sameId = (balances: AllowanceBalance[], id: string): AllowanceBalance[] =>
    balances.filter((balance) => balance.allowanceId === id);

  test('a carry is within what M-1 had of its own, and what both months use is within their own amounts', () => {
    fc.assert(
      fc.property(callsArbitrary, callsArbitrary, (before, after) => {
        const previous = applyAllowances(before, carrying);
        const carriedIn = carriedInto(
          { plan: 'P', allowances: carrying, use: previous },
          { plan: 'P', allowances: carrying },
        );
        const use = applyAllowances(after, carrying, carriedIn);
        for (const allowance of carrying) {
          for (const balance of sameId(previous.balances, allowance.id)) {
            const carried = carriedIn.get(carryKey(allowance.id, balance.number))!;
            expect(carried).toBeGreaterThanOrEqual(0);
            expect(carried).toBeLessThanOrEqual(allowance.amount);
          }
          // per contract and per number alike: the two months use at most the own amounts of both
          const owners = new Set([...previous.balances, ...use.balances].map((balance) => balance.number));
          for (const owner of owners) {
            const used = [...sameId(previous.balances, allowance.id), ...sameId(use.balances, allowance.id)]
              .filter((balance) => balance.number === owner)
              .reduce((sum, balance) => sum + balance.carriedUsed + balance.ownUsed, 0);
            expect(used).toBeLessThanOrEqual(2 * allowance.amount);
          }
        }
      }),
    );
  });

  test('a yen allowance carried in covers min(own + carried, eligible charges), the carried part first', () => {
    fc.assert(
      fc.property(
        callsArbitrary,
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        (calls, ownScaled, carriedScaled) => {
          const yen = `${Math.floor(ownScaled / 10_000)}.${String(ownScaled % 10_000).padStart(4, '0')}`;
          const allowances = new Tariff({
            ...fixture,
            allowances: [{ id: 'D', per: 'contract', yen, callTypes: ['general', 'phs'], carryOver: 'next-month' }],
          }).allowances;
          const eligible = calls
            .filter((call) => call.direction === 'out' && (call.peerClass === 'general' || call.peerClass === 'phs'))
            .reduce((sum, call) => sum + call.chargeScaled, 0);
          const use = applyAllowances(calls, allowances, new Map([['D', carriedScaled]]));
          const used = Math.min(ownScaled + carriedScaled, eligible);
          expect(use.covered.reduce((sum, covered) => sum + covered.coveredScaled, 0)).toBe(used);
          expect(use.balances).toEqual([
            {
              allowanceId: 'D',
              number: null,
              carriedIn: carriedScaled,
              carriedUsed: Math.min(carriedScaled, used),
              own: ownScaled,
              ownUsed: used - Math.min(carriedScaled, used),
            },
          ]);
        },
      ),
    );
  });

  test('what each call is covered by, and what is carried on, do not depend on the order the calls arrived in', () => {
    fc.assert(
      fc.property(callsAndArrivalOrder, fc.integer({ min: 0, max: 10_000_000 }), ([calls, arrived], carriedScaled) => {
        const carriedIn = new Map([[carrying[0]!.id, carriedScaled]]);
        const inOrder = applyAllowances(calls, carrying, carriedIn);
        const shuffled = applyAllowances(arrived, carrying, carriedIn);
        const byRecord = (use: AllowanceUse): Record<string, number> =>
          Object.fromEntries(use.covered.map((entry) => [entry.recordId, entry.coveredScaled]));
        expect(byRecord(shuffled)).toEqual(byRecord(inOrder));
        expect(shuffled.balances).toEqual(inOrder.balances);
      }),
    );
  });
});
