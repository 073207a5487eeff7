import fc from 'fast-check';
import { parseStart } from './japanTime';

const digits = (length: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^\\d{${length}}$`));

describe('parseStart', () => {
  it('reads `YYYY-MM-DD HH:MM:SS` (the form read by character codes) as the same instant as the regex form with +09:00, real dates or not', () => {
    const nearlyPlain = fc
      .tuple(
        fc.oneof(digits(4), fc.integer({ min: 1999, max: 2031 }).map(String)),
        fc.oneof(
          digits(2),
          fc.integer({ min: 0, max: 13 }).map((value) => String(value).padStart(2, '0')),
        ),
        fc.oneof(
          digits(2),
          fc.integer({ min: 0, max: 32 }).map((value) => String(value).padStart(2, '0')),
        ),
        fc.constantFrom(' ', 'T'),
        fc.oneof(
          digits(2),
          fc.integer({ min: 0, max: 24 }).map((value) => String(value).padStart(2, '0')),
        ),
        digits(2),
        digits(2),
      )
      .map(
        ([year, month, day, separator, hour, minute, second]) =>
          `${year}-${month}-${day}${separator}${hour}:${minute}:${second}`,
      );
    fc.assert(
      fc.property(nearlyPlain, (text) => {
        const plain = parseStart(text);
        const withOffset = parseStart(`${text}+09:00`);
        expect(plain.ok).toBe(withOffset.ok);
        if (plain.ok && withOffset.ok) expect(plain.startMs).toBe(withOffset.startMs);
      }),
      { numRuns: 3000 },
    );
  });

  it('sends a near miss of the plain form to the full reader, which refuses it or reads it as before', () => {
    expect(parseStart('2011-04-01 09:15:0x')).toEqual({ ok: false, message: 'unreadable start "2011-04-01 09:15:0x"' });
    expect(parseStart('2011-02-29 09:15:02')).toEqual({
      ok: false,
      message: 'start "2011-02-29 09:15:02" is not a real date and time',
    });
    expect(parseStart('2011/04/01 09:15:02')).toEqual(parseStart('2011-04-01T09:15:02+09:00'));
    expect(parseStart(' 2011-04-01 09:15:02 ')).toEqual(parseStart('2011-04-01T09:15:02+09:00'));
  });
});
