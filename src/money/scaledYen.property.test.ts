import Decimal from 'decimal.js';
import fc from 'fast-check';
import { formatScaledYen, parseYenAmount, YEN_SCALE } from './scaledYen';

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
        expect(formatScaledYen(value, decimals)).toBe(new Exact(value).dividedBy(YEN_SCALE).toFixed(decimals, Exact.ROUND_DOWN));
      }),
      { numRuns: 5000 },
    );
  });
});
