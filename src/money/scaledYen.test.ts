import Decimal from 'decimal.js';
import fc from 'fast-check';
import {
  assertSafe,
  formatScaledYen,
  parseYenAmount,
  roundScaledQuotient,
  roundScaledYen,
  RoundingMode,
  RoundingRule,
  YEN_SCALE,
} from './scaledYen';

describe('parseYenAmount', () => {
  test.each([
    ['8', 80_000], // 8 × 10,000
    ['0', 0],
    ['0.5', 5_000], // 0.5 × 10,000
    ['10.25', 102_500],
    ['0.0001', 1], // the smallest amount: one ten-thousandth of a yen
    ['8.4', 84_000],
    ['0.35', 3_500],
    ['1.2345', 12_345],
    ['999999999', 9_999_999_990_000], // the schema's largest whole amount
    ['-16', -160_000],
  ])('reads %p yen as %p scaled yen', (text, scaled) => {
    expect(parseYenAmount(text)).toBe(scaled);
  });

  test.each([
    ['1.23456', 'five fraction digits'],
    ['-', 'a sign alone'],
    ['abc', 'not a number'],
    ['1e3', 'exponent notation'],
    ['', 'empty'],
    [' 8', 'a leading blank'],
    ['8.', 'a point without fraction digits'],
    ['.5', 'no whole part'],
    ['1,000', 'a thousands separator'],
    ['+8', 'an explicit plus'],
  ])('throws on %p (%s)', (text) => {
    expect(() => parseYenAmount(text)).toThrow(RangeError);
  });

  // BUG: parseYenAmount's pattern admits 12 whole digits, but 999,999,999,999.9999 yen is
  // 9,999,999,999,999,999 scaled yen, past Number.MAX_SAFE_INTEGER (9,007,199,254,740,991):
  // it comes back as 10,000,000,000,000,000 (off by one ten-thousandth) instead of throwing,
  // which is what assertSafe does everywhere else. (Tariff files are limited to 9 whole
  // digits by the schema, so this is latent.)
  test('refuses an amount whose scaled value is not an exact integer', () => {
    expect(() => parseYenAmount('999999999999.9999')).toThrow(RangeError);
  });
});

describe('roundScaledYen', () => {
  const whole = (mode: RoundingMode): RoundingRule => ({ mode, decimals: 0 });

  test.each([
    // [scaled in, mode, scaled out]: 1 yen = 10,000 scaled; rounded to whole yen
    [14_999, 'down', 10_000], // 1.4999 → 1 yen
    [15_000, 'down', 10_000], // 1.5 → 1 yen
    [19_999, 'down', 10_000], // 1.9999 → 1 yen (切り捨て: toward zero)
    [25_000, 'down', 20_000], // 2.5 → 2 yen
    [-15_000, 'down', -10_000], // -1.5 → -1 yen
    [0, 'down', 0], // 0 → 0 yen
    [14_999, 'up', 20_000], // 1.4999 → 2 yen
    [10_001, 'up', 20_000], // 1.0001 → 2 yen (切り上げ: any fraction goes up)
    [15_000, 'up', 20_000], // 1.5 → 2 yen
    [25_000, 'up', 30_000], // 2.5 → 3 yen
    [20_000, 'up', 20_000], // 2 → 2 yen (a whole amount stays)
    [-15_000, 'up', -20_000], // -1.5 → -2 yen (away from zero)
    [0, 'up', 0], // 0 → 0 yen
    [14_999, 'half-up', 10_000], // 1.4999 → 1 yen
    [15_000, 'half-up', 20_000], // 1.5 → 2 yen (四捨五入)
    [25_000, 'half-up', 30_000], // 2.5 → 3 yen
    [-15_000, 'half-up', -20_000], // -1.5 → -2 yen (a half goes away from zero)
    [-14_999, 'half-up', -10_000], // -1.4999 → -1 yen
    [0, 'half-up', 0], // 0 → 0 yen
    [14_999, 'half-even', 10_000], // 1.4999 → 1 yen
    [15_000, 'half-even', 20_000], // 1.5 → 2 yen (2 is the even neighbour)
    [25_000, 'half-even', 20_000], // 2.5 → 2 yen (2 is the even neighbour)
    [25_001, 'half-even', 30_000], // 2.5001 → 3 yen (past the half)
    [35_000, 'half-even', 40_000], // 3.5 → 4 yen
    [-15_000, 'half-even', -20_000], // -1.5 → -2 yen
    [-25_000, 'half-even', -20_000], // -2.5 → -2 yen
    [0, 'half-even', 0], // 0 → 0 yen
  ] as const)('%p scaled, %s, to whole yen: %p', (scaled, mode, expected) => {
    // + 0 turns a -0 (from rounding a small negative amount) into 0, the same money
    expect(roundScaledYen(scaled, whole(mode)) + 0).toBe(expected);
  });

  test.each([
    // [scaled in, mode, scaled out] at 2 decimals: steps of 0.01 yen = 100 scaled
    [12_345, 'down', 12_300], // 1.2345 → 1.23
    [12_345, 'up', 12_400], // 1.2345 → 1.24
    [12_345, 'half-up', 12_300], // 1.2345 → 1.23 (0.0045 < 0.005)
    [12_350, 'half-up', 12_400], // 1.2350 → 1.24
    [12_350, 'half-even', 12_400], // 1.2350 → 1.24 (4 is even)
    [12_250, 'half-even', 12_200], // 1.2250 → 1.22 (2 is even)
    [12_251, 'half-even', 12_300], // 1.2251 → 1.23
    [-12_350, 'half-up', -12_400],
    [12_300, 'up', 12_300], // already on a cent
  ] as const)('%p scaled, %s, to 2 decimals: %p', (scaled, mode, expected) => {
    expect(roundScaledYen(scaled, { mode, decimals: 2 })).toBe(expected);
  });

  test('at 4 decimals nothing is rounded', () => {
    expect(roundScaledYen(12_345, { mode: 'up', decimals: 4 })).toBe(12_345);
  });

  test('throws on amounts that are not exact integers', () => {
    expect(() => roundScaledYen(1.5, whole('down'))).toThrow(RangeError);
    expect(() => roundScaledYen(Number.MAX_SAFE_INTEGER + 1, whole('down'))).toThrow(RangeError);
    expect(() => roundScaledYen(Number.NaN, whole('down'))).toThrow(RangeError);
  });

  const DECIMAL_MODES: Record<RoundingMode, Decimal.Rounding> = {
    down: Decimal.ROUND_DOWN,
    up: Decimal.ROUND_UP,
    'half-up': Decimal.ROUND_HALF_UP,
    'half-even': Decimal.ROUND_HALF_EVEN,
  };

  test('agrees with decimal.js for any safe integer, mode and number of decimals', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -100_000, max: 100_000 })),
        fc.constantFrom<RoundingMode>('down', 'up', 'half-up', 'half-even'),
        fc.integer({ min: 0, max: 4 }),
        (scaled, mode, decimals) => {
          const expected = new Decimal(scaled)
            .div(YEN_SCALE)
            .toDecimalPlaces(decimals, DECIMAL_MODES[mode])
            .times(YEN_SCALE);
          const actual = roundScaledYen(scaled, { mode, decimals });
          // compared as decimal strings: -0 and 0 are the same amount of money
          expect(new Decimal(actual).eq(expected)).toBe(true);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('roundScaledQuotient', () => {
  const halfUp: RoundingRule = { mode: 'half-up', decimals: 0 };
  const halfEven: RoundingRule = { mode: 'half-even', decimals: 0 };

  test('着割 of the seed: 140,863,000 ms × 0.5 yen per 60,000 ms → 1,174 yen', () => {
    // 140,863,000 × 5,000 / 60,000 = 11,738,583.3 scaled = 1,173.858 yen → half-up 1,174 yen
    expect(roundScaledQuotient(140_863_000n * 5_000n, 60_000n, halfUp)).toBe(11_740_000);
  });

  test.each([
    // 180,000 ms × 5,000 / 60,000 = 15,000 scaled = 1.5 yen exactly
    [halfUp, 20_000], // → 2
    [halfEven, 20_000], // → 2 (even)
    [{ mode: 'down', decimals: 0 } as RoundingRule, 10_000], // → 1
    [{ mode: 'up', decimals: 0 } as RoundingRule, 20_000], // → 2
  ])('an exact half, 1.5 yen, with %p → %p', (rule, expected) => {
    expect(roundScaledQuotient(180_000n * 5_000n, 60_000n, rule)).toBe(expected);
  });

  test.each([
    // 300,000 ms × 5,000 / 60,000 = 25,000 scaled = 2.5 yen exactly
    [halfUp, 30_000], // → 3
    [halfEven, 20_000], // → 2 (even)
  ])('an exact half, 2.5 yen, with %p → %p', (rule, expected) => {
    expect(roundScaledQuotient(300_000n * 5_000n, 60_000n, rule)).toBe(expected);
  });

  test('just under a half rounds down, even with half-up', () => {
    // 179,999 ms × 5,000 / 60,000 = 14,999.9 scaled = 1.49999 yen → 1
    expect(roundScaledQuotient(179_999n * 5_000n, 60_000n, halfUp)).toBe(10_000);
  });

  test('rounds to 2 decimals', () => {
    // 1,000 ms × 5,000 / 60,000 = 83.3 scaled = 0.00833 yen → 0.01 yen half-up = 100 scaled
    expect(roundScaledQuotient(1_000n * 5_000n, 60_000n, { mode: 'half-up', decimals: 2 })).toBe(100);
  });

  test('zero is zero', () => {
    expect(roundScaledQuotient(0n, 60_000n, halfUp)).toBe(0);
  });

  test('throws on a negative numerator or a non-positive denominator', () => {
    expect(() => roundScaledQuotient(-1n, 60_000n, halfUp)).toThrow(RangeError);
    expect(() => roundScaledQuotient(1n, 0n, halfUp)).toThrow(RangeError);
  });
});

describe('formatScaledYen', () => {
  test.each([
    [0, 0, '0'],
    [80_000, 0, '8'],
    [11_740_000, 0, '1174'],
    [5_000, 0, '0'], // 0.5 yen shown in whole yen is cut, not rounded: round first
    [5_000, 1, '0.5'],
    [102_500, 2, '10.25'],
    [102_500, 4, '10.2500'],
    [-11_740_000, 0, '-1174'],
    [1, 4, '0.0001'],
  ])('%p scaled with %p decimals prints %p', (scaled, decimals, text) => {
    expect(formatScaledYen(scaled, decimals)).toBe(text);
  });

  test('defaults to whole yen', () => {
    expect(formatScaledYen(1_302_400_000)).toBe('130240');
  });

  test('throws on an amount that is not an exact integer', () => {
    expect(() => formatScaledYen(0.5)).toThrow(RangeError);
  });
});

describe('assertSafe', () => {
  test('passes the safe integers and stops anything else', () => {
    expect(() => assertSafe(Number.MAX_SAFE_INTEGER)).not.toThrow();
    expect(() => assertSafe(-Number.MAX_SAFE_INTEGER)).not.toThrow();
    expect(() => assertSafe(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => assertSafe(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
