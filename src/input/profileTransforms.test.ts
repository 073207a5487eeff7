import { durationText, startText } from './profileTransforms';
import { parseDuration } from '../time/duration';
import { parseStart } from '../time/japanTime';

/** Through the canonical parser, as ingest reads a mapped value. */
function startMs(raw: string, format: Parameters<typeof startText>[1], zone = 'Asia/Tokyo'): number | string {
  const text = startText(raw, format, zone);
  if (typeof text !== 'string') return text.failure;
  const start = parseStart(text);
  return start.ok ? start.startMs : start.message;
}

function durationMs(raw: string, unit: Parameters<typeof durationText>[1]): number | string {
  const text = durationText(raw, unit);
  if (typeof text !== 'string') return text.failure;
  const duration = parseDuration(text);
  return duration.ok ? duration.durationMs : duration.message;
}

// 2011-04-01 09:15:02 in Japan is 2011-04-01T00:15:02Z = 1301616902 s after the epoch
const APRIL_FIRST_MS = Date.UTC(2011, 3, 1, 0, 15, 2);

describe('startText: a start in a profile format, read exactly', () => {
  test.each([
    ['2011-04-01 09:15:02', 'iso', 'Asia/Tokyo', APRIL_FIRST_MS],
    ['2011-04-01 00:15:02', 'iso', 'UTC', APRIL_FIRST_MS],
    ['2011-04-01 10:15:02', 'iso', '+10:00', APRIL_FIRST_MS],
    ['2011-04-01T00:15:02Z', 'iso', '+10:00', APRIL_FIRST_MS], // an offset written wins over the zone
    ['1301616902', 'epoch-seconds', 'Asia/Tokyo', APRIL_FIRST_MS],
    ['1301616902.250999', 'epoch-seconds', 'Asia/Tokyo', APRIL_FIRST_MS + 250], // beyond ms truncated, as canonical starts
    ['1301616902250', 'epoch-milliseconds', 'Asia/Tokyo', APRIL_FIRST_MS + 250],
    ['20110401091502', 'yyyymmddhhmmss', 'Asia/Tokyo', APRIL_FIRST_MS],
    ['20110401001502', 'yyyymmddhhmmss', 'UTC', APRIL_FIRST_MS],
    ['0', 'epoch-seconds', 'Asia/Tokyo', 0],
  ] as const)('%s as %s (%s)', (raw, format, zone, expected) => {
    expect(startMs(raw, format, zone)).toBe(expected);
  });

  test.each([
    ['1301616902.5e3', 'epoch-seconds', 'is not epoch seconds'],
    ['-1', 'epoch-seconds', 'is not epoch seconds'],
    ['13016169O2', 'epoch-milliseconds', 'is not epoch milliseconds'],
    ['2011040109150', 'yyyymmddhhmmss', 'is not 14 digits'],
    ['20110431091502', 'yyyymmddhhmmss', 'is not a real date and time'],
    ['20110401250000', 'yyyymmddhhmmss', 'is not a real date and time'],
  ] as const)('%s as %s is refused: %s', (raw, format, message) => {
    expect(startMs(raw, format)).toEqual(expect.stringContaining(message));
  });
});

describe('durationText: whole units to exact milliseconds', () => {
  test.each([
    ['93', 'seconds', 93_000],
    ['93.5', 'seconds', 93_500],
    ['0', 'milliseconds', 0],
    ['1', 'milliseconds', 1],
    ['93500', 'milliseconds', 93_500],
    ['0000935', 'tenths', 93_500], // zero-padded as fixed-width fields are
    ['1', 'tenths', 100],
    ['0000000', 'tenths', 0],
    ['864000', 'tenths', 86_400_000], // exactly the limit
  ] as const)('%s %s = %d ms', (raw, unit, expected) => {
    expect(durationMs(raw, unit)).toBe(expected);
  });

  test.each([
    ['864001', 'tenths', 'over 86400 s'],
    ['93.5', 'tenths', 'is not a whole number of tenths'],
    ['-5', 'milliseconds', 'is not a whole number of milliseconds'],
    ['', 'tenths', 'is not a whole number'],
  ] as const)('%s %s is refused: %s', (raw, unit, message) => {
    expect(durationMs(raw, unit)).toEqual(expect.stringContaining(message));
  });
});
