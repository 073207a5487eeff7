import { pastBound, TOTAL_BOUND, totalsPastBound } from './totalsBound';

const typeRow = (chargeScaled: number | bigint) => ({
  contractId: 'N000000001',
  month: '2011-04',
  number: '05012345678',
  type: 'general' as const,
  calls: 400,
  durationTenths: 4_000,
  chargeScaled,
  chargeRemainderParts: 0,
});

describe('the bound on a stored monthly total', () => {
  // 10^15 scaled yen = 100,000,000,000 yen; five rows of it, rounded, stay below 2^53 − 1
  test("keeps a number's five rows, each at the bound with remainders and a rounding step, below 2^53", () => {
    const rowAtMost = TOTAL_BOUND + Math.ceil(TOTAL_BOUND / 3600) + 10_000;
    expect(5 * rowAtMost).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });

  test.each([
    [0, false],
    [TOTAL_BOUND, false],
    [-TOTAL_BOUND, false],
    [TOTAL_BOUND + 1, true],
    [-TOTAL_BOUND - 1, true],
    [BigInt(TOTAL_BOUND), false],
    [BigInt(TOTAL_BOUND) + 1n, true],
    [2 ** 53, true],
    [Number.NaN, true],
    [0.5, true],
  ])('%p past the bound: %p', (value, past) => {
    expect(pastBound(value)).toBe(past);
  });

  test('names the first row and column past it, with the figure it would reach', () => {
    expect(totalsPastBound([typeRow(TOTAL_BOUND)], [])).toBeNull();
    expect(totalsPastBound([typeRow(TOTAL_BOUND), typeRow(1_002_500_000_000_000n)], [])).toBe(
      'the 2011-04 total of the general calls of 05012345678 (contract N000000001) would reach charge_scaled 1002500000000000, ' +
        'past the bound of 1,000,000,000,000,000 (a charge of 100,000,000,000 yen) that keeps every statement figure exact',
    );
    expect(
      totalsPastBound(
        [],
        [
          {
            contractId: 'N000000001',
            month: '2011-04',
            number: '05012345678',
            calls: 1,
            durationTenths: 10,
            durationMs: 2 ** 60,
          },
        ],
      ),
    ).toMatch(
      /the 2011-04 total of the 着割 calls of 05012345678 \(contract N000000001\) would reach duration_ms about 1\.153e\+18, past the bound/,
    );
  });
});
