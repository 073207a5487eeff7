import Decimal from 'decimal.js';
import fc from 'fast-check';
import {
  formatScaledYen,
  parseYenAmount,
  parseYenAmountExact,
  roundScaledQuotient,
  roundScaledYen,
  RoundingRule,
  YEN_SCALE,
} from './scaledYen';

/** The reference: decimal.js with room for every digit. */
const Exact = Decimal.clone({ precision: 40 });

describe('parseYenAmount', () => {
  it('reads every amount of up to 12 whole and 4 fraction digits as decimal.js does, or refuses it when not exact', () => {
    const amount = fc
      .tuple(
        fc.boolean(),
        fc.oneof(fc.stringMatching(/^\d{1,12}$/), fc.constantFrom('900719925474', '900719925475', '999999999999', '0')),
        fc.option(fc.oneof(fc.stringMatching(/^\d{1,4}$/), fc.constantFrom('0991', '0992', '099', '9999'))),
      )
      .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`);
    fc.assert(
      fc.property(amount, (text) => {
        const exact = new Exact(text).times(YEN_SCALE);
        if (exact.abs().gt(Number.MAX_SAFE_INTEGER)) {
          expect(() => parseYenAmount(text)).toThrow(RangeError);
        } else {
          expect(parseYenAmount(text)).toBe(exact.toNumber());
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('takes 900,719,925,474.0991 yen (Number.MAX_SAFE_INTEGER scaled) and refuses one ten-thousandth more', () => {
    expect(parseYenAmount('900719925474.0991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseYenAmount('900719925474.0992')).toThrow(RangeError);
  });
});

describe('formatScaledYen', () => {
  it('prints every exact amount with 0 to 6 fraction digits as decimal.js cuts it toward zero', () => {
    const scaled = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.maxSafeInteger(),
      fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -1, -9_999, -10_000, 10_001),
    );
    fc.assert(
      fc.property(scaled, fc.integer({ min: 0, max: 6 }), (value, decimals) => {
        expect(formatScaledYen(value, decimals)).toBe(
          new Exact(value).dividedBy(YEN_SCALE).toFixed(decimals, Exact.ROUND_DOWN),
        );
      }),
      { numRuns: 5000 },
    );
  });
});

describe('formatScaledYen and parseYenAmountExact on bigint sums of any size', () => {
  const big = fc.oneof(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    fc.bigInt({ min: -1_000_000n, max: 1_000_000n }),
    fc.constantFrom(0n, -1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 10_000_000_000_160_001n),
  );

  it('prints a bigint with 0 to 6 fraction digits as decimal.js cuts it toward zero', () => {
    fc.assert(
      fc.property(big, fc.integer({ min: 0, max: 6 }), (value, decimals) => {
        expect(formatScaledYen(value, decimals)).toBe(
          new Exact(value.toString()).dividedBy(YEN_SCALE).toFixed(decimals, Exact.ROUND_DOWN),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('prints a safe integer the same as a number and as a bigint', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 6 }), (value, decimals) => {
        expect(formatScaledYen(BigInt(value), decimals)).toBe(formatScaledYen(value, decimals));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back what it printed with 4 fraction digits, exactly', () => {
    fc.assert(
      fc.property(big, (value) => {
        expect(parseYenAmountExact(formatScaledYen(value, 4))).toBe(value);
      }),
      { numRuns: 3000 },
    );
  });

  it('a BigInt sum of many rows, each a safe amount, prints as decimal.js adds them, past 2^53 too', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger(), { minLength: 1, maxLength: 50 }), (rows) => {
        const sum = rows.reduce((total, row) => total + BigInt(row), 0n);
        const exact = rows.reduce((total, row) => total.plus(row), new Exact(0));
        expect(formatScaledYen(sum, 4)).toBe(exact.dividedBy(YEN_SCALE).toFixed(4, Exact.ROUND_DOWN));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses text that is not a yen amount of at most 4 fraction digits', () => {
    for (const text of ['', '1.', '.5', '1.23456', '1e3', '+1', '1,000', ' 1'])
      expect(() => parseYenAmountExact(text)).toThrow(RangeError);
  });
});

describe('rounding to decimals or to a step', () => {
  const MODES: Record<RoundingRule['mode'], Decimal.Rounding> = {
    down: Exact.ROUND_DOWN,
    up: Exact.ROUND_UP,
    'half-up': Exact.ROUND_HALF_UP,
    'half-even': Exact.ROUND_HALF_EVEN,
  };
  const rule: fc.Arbitrary<RoundingRule> = fc.oneof(
    fc.record({
      mode: fc.constantFrom('down' as const, 'up' as const, 'half-up' as const, 'half-even' as const),
      decimals: fc.integer({ min: -4, max: 4 }),
    }),
    fc.record({
      mode: fc.constantFrom('down' as const, 'up' as const, 'half-up' as const, 'half-even' as const),
      decimals: fc.constant(4),
      step: fc.constantFrom('0.5', '0.25', '0.05', '5', '10', '3', '1.5', '0.0003', '1000'),
    }),
  );
  /** decimal.js: the amount counted in steps, rounded to a whole count by the mode, times the step. */
  const reference = (yen: Decimal, roundingRule: RoundingRule): Decimal => {
    const step =
      roundingRule.step === undefined ? new Exact(10).pow(-roundingRule.decimals) : new Exact(roundingRule.step);
    return yen.dividedBy(step).toDecimalPlaces(0, MODES[roundingRule.mode]).times(step);
  };

  it('roundScaledYen agrees with decimal.js for any sign, decimals from -4 to 4 and any step', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), rule, (scaled, roundingRule) => {
        expect(roundScaledYen(scaled, roundingRule)).toBe(
          reference(new Exact(scaled).dividedBy(YEN_SCALE), roundingRule).times(YEN_SCALE).toNumber(),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('roundScaledQuotient agrees with decimal.js on exact quotients', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        rule,
        (numerator, denominator, roundingRule) => {
          const exact = new Exact(numerator.toString()).dividedBy(denominator.toString()).dividedBy(YEN_SCALE);
          expect(roundScaledQuotient(numerator, denominator, roundingRule)).toBe(
            reference(exact, roundingRule).times(YEN_SCALE).toNumber(),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });
});
