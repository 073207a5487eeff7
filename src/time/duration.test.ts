import { formatTenths, MAX_DURATION_MS, parseDigits, parseDuration, truncateToTenths } from './duration';

describe('parseDuration', () => {
  test.each([
    // [raw, exact milliseconds, arithmetic]
    ['0', 0, '0 s'],
    ['93.5', 93_500, '93 s + 0.500 s'],
    ['180', 180_000, '180 s: exactly one general unit'],
    ['180.001', 180_001, '180 s + 1 ms: one ms past a general unit'],
    ['0.001', 1, 'the smallest non-zero duration'],
    ['60.01', 60_010, 'two fraction digits pad to 010 ms'],
    ['0:03:00.5', 180_500, '0 h + 3 × 60 s + 0 s + 0.5 s'],
    ['1:02:03', 3_723_000, '3600 + 2 × 60 + 3 = 3723 s'],
    ['24:00:00', 86_400_000, '24 × 3600 = 86400 s, the maximum, as a clock'],
    ['86400', 86_400_000, 'the maximum, 24 h'],
    ['86400.000', 86_400_000, 'the maximum with zero fraction digits'],
    [' 93.5 ', 93_500, 'surrounding blanks are trimmed'],
  ])('reads %p as %p ms (%s)', (raw, expectedMs) => {
    expect(parseDuration(raw)).toEqual({ ok: true, durationMs: expectedMs });
  });

  test.each([
    ['-5', 'negative'],
    ['-0', 'negative sign, even on zero'],
    ['12.3456', 'four fraction digits'],
    ['86400.001', 'one millisecond over 86400 s'],
    ['86401', 'one second over 86400 s'],
    ['24:00:00.1', 'over 86400 s as a clock'],
    ['1e3', 'exponent notation'],
    ['abc', 'not a number'],
    ['1:60:00', 'minutes past 59'],
    ['1:00:60', 'seconds past 59'],
    ['1:2:03', 'minutes need two digits'],
    ['93.', 'a point without fraction digits'],
    ['.5', 'a fraction without whole seconds'],
    ['', 'empty'],
    ['   ', 'only blanks'],
    ['1,5', 'decimal comma'],
    ['+5', 'explicit plus sign'],
  ])('rejects %p (%s)', (raw) => {
    const result = parseDuration(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(raw);
  });

  test('names the reason: negative, too many fraction digits, over the maximum', () => {
    expect(parseDuration('-5')).toEqual({ ok: false, message: 'negative duration "-5"' });
    expect(parseDuration('12.3456')).toEqual({
      ok: false,
      message: 'duration "12.3456" has more than 3 fraction digits',
    });
    expect(parseDuration('86400.001')).toEqual({ ok: false, message: 'duration "86400.001" is over 86400 s' });
  });

  test('is exact where a float would not be', () => {
    // parseFloat('1.005') * 1000 = 1004.9999999999999 in binary floating point;
    // the parser must give 1005 ms exactly.
    expect(parseFloat('1.005') * 1000).not.toBe(1_005);
    expect(parseDuration('1.005')).toEqual({ ok: true, durationMs: 1_005 });
    expect(parseDuration('180.001')).toEqual({ ok: true, durationMs: 180_001 });
  });

  test('the maximum is 86400 s', () => {
    expect(MAX_DURATION_MS).toBe(86_400 * 1000);
  });
});

describe('parseDigits', () => {
  test.each([
    ['0', 0],
    ['007', 7],
    ['86400', 86_400],
    ['123456789', 123_456_789],
  ])('reads %p as %p', (digits, value) => {
    expect(parseDigits(digits)).toBe(value);
  });
});

describe('truncateToTenths', () => {
  test.each([
    // [ms, tenths]: floor(ms / 100), never rounded up
    [0, 0],
    [1, 0],
    [99, 0],
    [100, 1],
    [93_500, 935],
    [180_001, 1_800],
    [180_099, 1_800],
    [180_100, 1_801],
    [86_400_000, 864_000],
  ])('%p ms shows as %p tenths', (durationMs, tenths) => {
    expect(truncateToTenths(durationMs)).toBe(tenths);
  });
});

describe('formatTenths', () => {
  test.each([
    [0, '0:00:00.0'],
    [1, '0:00:00.1'],
    [935, '0:01:33.5'], // 93.5 s = 1 min 33.5 s
    [36_000, '1:00:00.0'], // 3600 s
    [35_999, '0:59:59.9'],
    [864_000, '24:00:00.0'], // 86400 s: hours are not wrapped at 24
    [1_037_935, '28:49:53.5'], // 103793.5 s = 28 h (100800) + 49 min (2940) + 53.5 s
    [1_408_630, '39:07:43.0'], // 140863 s = 39 h (140400) + 7 min (420) + 43 s
    [3_956_635, '109:54:23.5'], // 395663.5 s = 109 h (392400) + 54 min (3240) + 23.5 s
  ])('%p tenths prints as %p', (tenths, text) => {
    expect(formatTenths(tenths)).toBe(text);
  });
});
