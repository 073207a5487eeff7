import fc from 'fast-check';
import { join } from 'node:path';
import { loadTariffFile, PROJECT_ROOT } from '../reference/referenceData';
import { Tariff } from '../tariff/tariff';
import { AllowanceCall, applyAllowances } from './allowance';

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
      fc.property(
        callsArbitrary.chain((calls) =>
          fc.tuple(
            fc.constant(calls),
            fc.shuffledSubarray(calls, { minLength: calls.length, maxLength: calls.length }),
          ),
        ),
        ([calls, arrived]) => {
          const covered = (list: AllowanceCall[]): Record<string, number> =>
            Object.fromEntries(
              applyAllowances(list, allowances).covered.map((entry) => [entry.recordId, entry.coveredScaled]),
            );
          expect(covered(arrived)).toEqual(covered(calls));
        },
      ),
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
