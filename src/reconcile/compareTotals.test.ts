import { RatedCall } from '../rate/rateRecord';
import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { compareTotals, MonthTotals, recomputeTotals } from './compareTotals';

function monthTotals(totals: MonthlyTotals): MonthTotals {
  return { typeTotals: totals.numberTypeTotals(), chakuwariTotals: totals.numberChakuwariTotals() };
}

function call(overrides: Partial<RatedCall>): RatedCall {
  return {
    recordId: 'R1',
    contractId: 'N000000001',
    number: '05012345678',
    direction: 'out',
    peer: '0312345678',
    peerIsNumber: true,
    startMs: 0,
    durationMs: 180_000,
    month: '2011-04',
    peerClass: 'general',
    planId: 'REFERENCE',
    tariffId: 'REF-2006-12',
    numberingPlanId: 'JP',
    rateId: 'general',
    ratePrefix: null,
    units: 1,
    chargeScaled: 80_000,
    chargeRemainderParts: 0,
    chakuwariEligible: false,
    ...overrides,
  };
}

const CALLS = [
  call({ recordId: 'R1' }),
  call({ recordId: 'R2', durationMs: 180_001, units: 2, chargeScaled: 160_000 }),
  call({ recordId: 'R3', durationMs: 0, units: 0, chargeScaled: 0 }), // zero duration: counted nowhere
  call({
    recordId: 'R4',
    direction: 'in',
    peer: '09011112222',
    peerClass: 'mobile',
    rateId: null,
    units: 0,
    chargeScaled: 0,
    chakuwariEligible: true,
    durationMs: 60_050,
  }),
];

describe('recomputeTotals and compareTotals', () => {
  test('recomputes with the ingest rule: outbound with duration > 0 per number and type, eligible inbound for 着割', () => {
    const totals = monthTotals(recomputeTotals(CALLS));
    // 180 s + 180.001 s truncated to tenths: 1800 + 1800 = 3600; 8 + 16 = 24 yen
    expect(totals.typeTotals).toEqual([
      {
        contractId: 'N000000001',
        month: '2011-04',
        number: '05012345678',
        type: 'general',
        calls: 2,
        durationTenths: 3600,
        chargeScaled: 240_000,
        chargeRemainderParts: 0,
      },
    ]);
    expect(totals.chakuwariTotals).toEqual([
      {
        contractId: 'N000000001',
        month: '2011-04',
        number: '05012345678',
        calls: 1,
        durationTenths: 600,
        durationMs: 60_050,
      },
    ]);
  });

  test('the same totals compare equal', () => {
    expect(compareTotals(recomputeTotals(CALLS), monthTotals(recomputeTotals(CALLS)))).toEqual([]);
  });

  test('a different, a missing and an extra row are each named', () => {
    const fromCalls = recomputeTotals(CALLS);
    const stored = monthTotals(recomputeTotals(CALLS));
    stored.typeTotals[0]!.chargeScaled += 10_000;
    stored.typeTotals.push({
      ...stored.typeTotals[0]!,
      type: 'mobile',
      calls: 1,
      durationTenths: 10,
      chargeScaled: 160_000,
    });
    stored.chakuwariTotals = [];
    expect(compareTotals(fromCalls, stored).map((detail) => detail.message)).toEqual([
      'number_type_totals N000000001 2011-04 05012345678 general: charge_scaled stored 250000 (25 yen), from the calls 240000 (24 yen)',
      'number_type_totals N000000001 2011-04 05012345678 mobile: stored (calls 1, duration_tenths 10 (0:00:01.0), charge_scaled 160000 (16 yen)) but no call of the month makes it',
      'chakuwari_totals N000000001 2011-04 05012345678: missing; the calls give calls 1, duration_tenths 600 (0:01:00.0), duration_ms 60050',
    ]);
  });
});
