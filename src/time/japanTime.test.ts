import {
  formatJapanTime,
  JAPAN_OFFSET_MS,
  japanDateStartMs,
  japanMonth,
  japanMonthRange,
  parseStart,
} from './japanTime';

/** 2011-04-01T09:15:02+09:00 = 2011-04-01T00:15:02Z */
const APRIL_FIRST_0915 = Date.UTC(2011, 3, 1, 0, 15, 2);

describe('parseStart', () => {
  test.each([
    // ISO 8601 with an offset is taken as written
    ['2011-04-01T09:15:02+09:00', APRIL_FIRST_0915],
    ['2011-04-01T00:15:02Z', APRIL_FIRST_0915],
    ['2011-04-01T09:15:02+0900', APRIL_FIRST_0915],
    ['2011-03-31T19:15:02-05:00', APRIL_FIRST_0915], // 19:15:02 + 5 h = 00:15:02Z next day
    ['2011-04-01 09:15:02+09:00', APRIL_FIRST_0915], // a space instead of T
    // without an offset: Japan time (UTC+9)
    ['2011-04-01 09:15:02', APRIL_FIRST_0915],
    ['2011-04-01T09:15:02', APRIL_FIRST_0915],
    ['2011/04/01 09:15:02', APRIL_FIRST_0915],
    ['2011/04/01T09:15:02', APRIL_FIRST_0915],
    // fractions: kept to the millisecond, digits beyond it truncated (never rounded)
    ['2011-04-01T09:15:02.250+09:00', APRIL_FIRST_0915 + 250],
    ['2011/04/01 09:15:02.250', APRIL_FIRST_0915 + 250],
    ['2011-04-01 09:15:02.5', APRIL_FIRST_0915 + 500], // .5 = 500 ms
    ['2011-04-01T00:15:02.123456789Z', APRIL_FIRST_0915 + 123], // .123|456789 → 123 ms
    ['2011-04-01T00:15:02.999999Z', APRIL_FIRST_0915 + 999], // not rounded up to the next second
    [' 2011-04-01 09:15:02 ', APRIL_FIRST_0915], // trimmed
    // Japan midnight is 15:00Z the day before
    ['2011-04-01 00:00:00', Date.UTC(2011, 2, 31, 15, 0, 0)],
    ['2011-12-31 23:59:59.999', Date.UTC(2011, 11, 31, 14, 59, 59, 999)],
  ])('reads %p', (raw, expectedMs) => {
    expect(parseStart(raw)).toEqual({ ok: true, startMs: expectedMs });
  });

  test('accepts 29 February in a leap year only', () => {
    expect(parseStart('2012-02-29 00:00:00')).toEqual({ ok: true, startMs: Date.UTC(2012, 1, 28, 15, 0, 0) });
    expect(parseStart('2011-02-29 00:00:00').ok).toBe(false);
    expect(parseStart('2000-02-29 00:00:00').ok).toBe(true); // divisible by 400: leap
    expect(parseStart('2100-02-29 00:00:00').ok).toBe(false); // divisible by 100, not 400: not leap
  });

  test.each([
    ['2011-04-31 10:00:00', 'April has 30 days'],
    ['2011-02-29 00:00:00', '2011 is not a leap year'],
    ['2011-13-01 00:00:00', 'month 13'],
    ['2011-00-01 00:00:00', 'month 0'],
    ['2011-04-00 00:00:00', 'day 0'],
    ['2011-04-01 24:00:00', 'hour 24'],
    ['2011-04-01 23:60:00', 'minute 60'],
    ['2011-04-01 23:59:60', 'second 60 (no leap seconds)'],
    ['2011-04-01', 'a date without a time'],
    ['2011-04-01 9:15:02', 'a one-digit hour'],
    ['2011-04-01T09:15', 'no seconds'],
    ['2011-04/01 09:15:02', 'mixed separators'],
    ['2011/04/01 09:15:02+09:00', 'the slash form with an offset'],
    ['1301620502', 'epoch seconds'],
    ['garbage', 'not a time at all'],
    ['', 'empty'],
  ])('rejects %p (%s)', (raw) => {
    const result = parseStart(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(`"${raw}"`);
  });

  // BUG: the offset's minutes are not checked: "+09:99" is read as +10:39 (9 × 60 + 99 = 639
  // minutes) and the call lands at a made-up instant instead of being rejected BAD_START.
  test('rejects an offset whose minutes are past 59 (+09:99)', () => {
    expect(parseStart('2011-04-01T09:15:02+09:99').ok).toBe(false);
  });

  // the range is -12:00..+14:00 as a whole: +14:30 and -14:00 passed because only the hours were checked
  test.each(['+14:30', '-14:00', '-12:01', '+14:01'])('rejects an offset outside -12:00..+14:00 (%s)', (offset) => {
    expect(parseStart(`2011-04-01T09:15:02${offset}`).ok).toBe(false);
  });

  test.each([
    ['+14:00', Date.UTC(2011, 2, 31, 19, 15, 2)],
    ['-12:00', Date.UTC(2011, 3, 1, 21, 15, 2)],
  ])('accepts the ends of the range (%s)', (offset, startMs) => {
    expect(parseStart(`2011-04-01T09:15:02${offset}`)).toEqual({ ok: true, startMs });
  });

  // BUG: Date.UTC maps years 0-99 to 1900-1999, so "0099-04-01 00:00:00" is read as
  // 1999-04-01 00:00 Japan time (startMs 922892400000), a real-looking instant 1900 years off.
  test('does not read the year 0099 as 1999', () => {
    const as1999 = parseStart('1999-04-01 00:00:00');
    expect(as1999).toEqual({ ok: true, startMs: 922_892_400_000 });
    expect(parseStart('0099-04-01 00:00:00')).not.toEqual(as1999);
  });
});

describe('japanMonth', () => {
  test.each([
    ['2011-04-30T15:00:00.000Z', '2011-05'], // = 2011-05-01 00:00:00 Japan time
    ['2011-04-30T14:59:59.999Z', '2011-04'], // = 2011-04-30 23:59:59.999 Japan time
    ['2011-03-31T15:00:00.000Z', '2011-04'], // = 2011-04-01 00:00:00 Japan time
    ['2011-03-31T14:59:59.999Z', '2011-03'],
    ['2011-12-31T15:00:00.000Z', '2012-01'], // New Year in Japan while it is still 2011 in UTC
  ])('%p is in Japan month %p', (utcInstant, month) => {
    expect(japanMonth(Date.parse(utcInstant))).toBe(month);
  });
});

describe('formatJapanTime', () => {
  test('writes the instant in Japan time with its offset', () => {
    expect(formatJapanTime(APRIL_FIRST_0915 + 250)).toBe('2011-04-01T09:15:02.250+09:00');
    expect(formatJapanTime(Date.UTC(2011, 2, 31, 15, 0, 0))).toBe('2011-04-01T00:00:00.000+09:00');
  });

  test('round-trips through parseStart', () => {
    const startMs = Date.UTC(2013, 9, 31, 14, 59, 59, 999);
    expect(parseStart(formatJapanTime(startMs))).toEqual({ ok: true, startMs });
  });
});

describe('japanDateStartMs', () => {
  test('a Japan calendar date begins at 15:00 UTC the day before', () => {
    // 2006-12-01 00:00 +09:00 = 2006-11-30 15:00 Z
    expect(japanDateStartMs('2006-12-01')).toBe(Date.UTC(2006, 10, 30, 15, 0, 0));
    expect(japanDateStartMs('2013-11-01')).toBe(Date.UTC(2013, 9, 31, 15, 0, 0));
    expect(Date.UTC(2014, 9, 1) - japanDateStartMs('2014-10-01')).toBe(JAPAN_OFFSET_MS); // 9 × 3600 × 1000
  });

  test.each(['2006-12-1', '2006/12/01', '20061201', ''])('throws on %p', (text) => {
    expect(() => japanDateStartMs(text)).toThrow(RangeError);
  });

  // BUG: japanDateStartMs does not check the calendar, so Date.UTC rolls an impossible date
  // over: a tariff or numbering rule dated "2011-02-30" (the schema's date pattern allows day
  // 30 in any month) silently takes effect on 2011-03-02 instead of being refused when loaded,
  // unlike parseStart, which refuses impossible dates.
  test('refuses an impossible calendar date instead of rolling it over (2011-02-30)', () => {
    expect(() => japanDateStartMs('2011-02-30')).toThrow(RangeError);
  });
});

describe('japanMonthRange', () => {
  test('April 2011 runs from 1 April 00:00 Japan time up to (not including) 1 May 00:00', () => {
    expect(japanMonthRange('2011-04')).toEqual({
      fromMs: Date.UTC(2011, 2, 31, 15, 0, 0), // 2011-04-01T00:00+09:00
      toMs: Date.UTC(2011, 3, 30, 15, 0, 0), // 2011-05-01T00:00+09:00
    });
  });

  test('December runs into January of the next year', () => {
    expect(japanMonthRange('2011-12')).toEqual({
      fromMs: Date.UTC(2011, 10, 30, 15, 0, 0),
      toMs: Date.UTC(2011, 11, 31, 15, 0, 0), // 2012-01-01T00:00+09:00
    });
  });

  test('agrees with japanMonth at both ends', () => {
    const { fromMs, toMs } = japanMonthRange('2012-02');
    expect(japanMonth(fromMs)).toBe('2012-02');
    expect(japanMonth(toMs - 1)).toBe('2012-02');
    expect(japanMonth(fromMs - 1)).toBe('2012-01');
    expect(japanMonth(toMs)).toBe('2012-03');
  });

  test.each(['2011-13', '2011-00', '2011-4', '201104', '2011-04-01', ''])('throws on %p', (text) => {
    expect(() => japanMonthRange(text)).toThrow(RangeError);
  });
});
