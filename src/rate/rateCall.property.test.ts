import Decimal from 'decimal.js';
import fc from 'fast-check';
import { Tariff } from '../tariff/tariff';
import { CallRoundingRule, RateFile, StepFile, TariffFile } from '../tariff/tariffFile';
import { rateCall } from './rateCall';

/** An independent reference: decimal.js with room for every digit, straight from the file's strings. */
const Exact = Decimal.clone({ precision: 200 });

const DIVISORS_OF_3600 = [1, 2, 3, 5, 6, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600];
const ROUNDING: Record<string, Decimal.Rounding> = {
  down: Exact.ROUND_DOWN,
  up: Exact.ROUND_UP,
  'half-up': Exact.ROUND_HALF_UP,
  'half-even': Exact.ROUND_HALF_EVEN,
};

const amount = fc
  .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 4 }))
  .map(([whole, fraction, digits]) =>
    digits === 0 ? String(whole) : `${whole}.${String(fraction).padStart(4, '0').slice(0, digits)}`,
  );

/** A rate unit or increment: whole seconds (divisors of an hour or not) or milliseconds (tenths of a second, any). */
const rateUnit = fc.oneof(
  fc.constantFrom(...DIVISORS_OF_3600).map((seconds) => ({ rateUnitSeconds: seconds })),
  fc.integer({ min: 1, max: 3600 }).map((seconds) => ({ rateUnitSeconds: seconds })),
  fc.integer({ min: 500, max: 600_000 }).map((milliseconds) => ({ rateUnitMilliseconds: milliseconds })),
);
const increment = fc.oneof(
  fc.integer({ min: 1, max: 300 }).map((seconds) => ({ incrementSeconds: seconds })),
  fc.constantFrom(100, 500, 1, 2_500).map((milliseconds) => ({ incrementMilliseconds: milliseconds })),
  fc.integer({ min: 1, max: 300_000 }).map((milliseconds) => ({ incrementMilliseconds: milliseconds })),
);

const steps = fc
  .array(
    fc.record({
      gapSeconds: fc.integer({ min: 1, max: 900 }),
      price: amount,
      unit: rateUnit,
      increment,
      flatFee: fc.option(amount, { nil: undefined }),
    }),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((drawn) => {
    let fromSeconds = 0;
    return drawn.map(({ gapSeconds, unit, increment: stepIncrement, flatFee, price }, index): StepFile => {
      if (index > 0) fromSeconds += gapSeconds;
      return { fromSeconds, price, ...unit, ...stepIncrement, ...(flatFee === undefined ? {} : { flatFee }) };
    });
  });

/** A step's unit and increment in seconds, as decimals. */
const unitSeconds = (step: StepFile): Decimal =>
  step.rateUnitSeconds !== undefined
    ? new Exact(step.rateUnitSeconds)
    : new Exact(step.rateUnitMilliseconds!).dividedBy(1000);
const incrementSeconds = (step: StepFile): Decimal =>
  step.incrementSeconds !== undefined
    ? new Exact(step.incrementSeconds)
    : new Exact(step.incrementMilliseconds!).dividedBy(1000);

/** Whether every increment of the rate costs a whole number of parts (1/36,000,000 yen); else call rounding none is refused. */
function wholeParts(rate: Omit<RateFile, 'id' | 'type'>): boolean {
  return rate.steps.every((step) =>
    incrementSeconds(step).times(step.price).times(36_000_000).dividedBy(unitSeconds(step)).isInteger(),
  );
}

const roundingMode = fc.constantFrom('down' as const, 'up' as const, 'half-up' as const, 'half-even' as const);
/** Steps coarser and finer than a yen, each with the fraction digits that show it. */
const ROUNDING_STEPS: [string, number][] = [
  ['0.5', 1],
  ['0.25', 2],
  ['0.05', 2],
  ['5', 0],
  ['10', 0],
  ['0.0002', 4],
  ['3', 0],
  ['1.5', 1],
];
const rounding: fc.Arbitrary<CallRoundingRule> = fc.oneof(
  fc.constant({ mode: 'none' as const }),
  fc.record({ mode: roundingMode, decimals: fc.integer({ min: -3, max: 4 }) }),
  fc
    .tuple(roundingMode, fc.constantFrom(...ROUNDING_STEPS))
    .map(([mode, [step, decimals]]) => ({ mode, decimals, step })),
);

const rateFile = fc
  .record(
    {
      steps,
      connectFee: amount,
      minimumCharge: amount,
      maximumCharge: amount,
      pricing: fc.constantFrom('graduated' as const, 'volume' as const),
    },
    { requiredKeys: ['steps'] },
  )
  .filter(
    (rate) =>
      rate.minimumCharge === undefined ||
      rate.maximumCharge === undefined ||
      new Exact(rate.minimumCharge).lte(rate.maximumCharge),
  );

function compiled(rate: Omit<RateFile, 'id' | 'type'>, callRounding: CallRoundingRule): Tariff {
  const others: RateFile[] = (['general', 'international', 'ip', 'phs'] as const).map((type) => ({
    id: type,
    type,
    steps: [{ fromSeconds: 0, price: '8', rateUnitSeconds: 180, incrementSeconds: 180 }],
  }));
  const file: TariffFile = {
    format: 2,
    id: 'PROPERTY',
    plan: 'PROPERTY',
    currency: 'JPY',
    taxIncluded: false,
    effectiveFrom: '2006-12-01',
    rounding: { call: callRounding, statementRow: { mode: 'down', decimals: 0 } },
    rates: [{ id: 'MOBILE', type: 'mobile', ...rate }, ...others],
    chakuwari: {
      eligibleCallerTypes: ['mobile'],
      unitSeconds: 60,
      discountPerUnit: '0.5',
      rounding: { mode: 'half-up', decimals: 0 },
      cap: 'outbound-call-charges',
    },
  };
  return new Tariff(file);
}

/** The charge in parts (36,000,000 to the yen) by the rules as the README words them, in decimal arithmetic. */
function referenceCharge(
  rate: Omit<RateFile, 'id' | 'type'>,
  durationMs: number,
  callRounding: CallRoundingRule,
): Decimal {
  if (durationMs === 0) return new Exact(0);
  const inParts = (yen: string): Decimal => new Exact(yen).times(36_000_000);
  const duration = new Exact(durationMs).dividedBy(1000);
  const PARTS_PER_YEN = 36_000_000;
  let total = new Exact(rate.connectFee ?? '0').times(PARTS_PER_YEN);
  if (rate.pricing === 'volume') {
    // The whole call at the last step that starts before it ends, plus that step's flat amount.
    const reached = [...rate.steps].reverse().find((step) => duration.gt(step.fromSeconds))!;
    const increments = duration.dividedBy(incrementSeconds(reached)).ceil();
    total = total
      .plus(increments.times(incrementSeconds(reached)).times(inParts(reached.price)).dividedBy(unitSeconds(reached)))
      .plus(inParts(reached.flatFee ?? '0'));
  } else {
    rate.steps.forEach((step, index) => {
      const next = rate.steps[index + 1];
      const end = next === undefined ? duration : Exact.min(duration, next.fromSeconds);
      const inStep = end.minus(step.fromSeconds);
      if (inStep.lte(0)) return;
      const increments = inStep.dividedBy(incrementSeconds(step)).ceil();
      total = total
        .plus(increments.times(incrementSeconds(step)).times(inParts(step.price)).dividedBy(unitSeconds(step)))
        .plus(inParts(step.flatFee ?? '0'));
    });
  }
  if (rate.minimumCharge !== undefined) total = Exact.max(total, inParts(rate.minimumCharge));
  if (rate.maximumCharge !== undefined) total = Exact.min(total, inParts(rate.maximumCharge));
  if (callRounding.mode === 'none') return total;
  // A multiple of the step (the rule's step, or 10^-decimals yen), counted in steps and rounded to a whole count.
  const step =
    callRounding.step !== undefined ? new Exact(callRounding.step) : new Exact(10).pow(-callRounding.decimals);
  // A fraction such as 16/7 has no exact decimal: at 200 digits it is snapped to 60 places first
  // (a true value is either on a boundary or at least 1/denominator, far above 10^-60, away from it).
  const steps = total.dividedBy(PARTS_PER_YEN).dividedBy(step).toDecimalPlaces(60, Exact.ROUND_HALF_EVEN);
  return steps.toDecimalPlaces(0, ROUNDING[callRounding.mode]!).times(step).times(PARTS_PER_YEN);
}

describe('rateCall agrees with a decimal.js implementation of the same rules', () => {
  test('graduated and volume steps, any rate unit and increment (ms too), step fees, connect fee, minimum, maximum and every call rounding (steps and negative decimals too), to the last part', () => {
    fc.assert(
      fc.property(rateFile, rounding, fc.integer({ min: 0, max: 86_400_000 }), (rate, callRounding, durationMs) => {
        if (callRounding.mode === 'none' && !wholeParts(rate)) {
          // An increment costing a fraction of a part cannot be kept unrounded: the tariff is refused.
          expect(() => compiled(rate, callRounding)).toThrow('call rounding none cannot keep it');
          return;
        }
        const tariff = compiled(rate, callRounding);
        const charge = rateCall(durationMs, tariff.rateFor('mobile', '09012345678'), tariff.callRounding);
        // Compared as whole parts (36,000,000 to the yen): the decimal charge must be exactly our integer.
        const ourParts = BigInt(charge.chargeScaled) * 3600n + BigInt(charge.chargeRemainderParts);
        expect(referenceCharge(rate, durationMs, callRounding).toFixed()).toBe(ourParts.toString());
        if (callRounding.mode !== 'none') expect(charge.chargeRemainderParts).toBe(0);
        expect(charge.chargeRemainderParts).toBeGreaterThanOrEqual(0);
        expect(charge.chargeRemainderParts).toBeLessThan(3600);
      }),
      { numRuns: 3000 },
    );
  });
});
