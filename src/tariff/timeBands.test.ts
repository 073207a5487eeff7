import { chargeCall } from '../rate/chargeCall';
import { DEFAULT_DATA_DIR, loadHolidayCalendars } from '../reference/referenceData';
import { Tariff } from './tariff';
import { RateFile, TariffFile, TimeBandsFile } from './tariffFile';
import { TimeBands } from './timeBands';

const calendars = loadHolidayCalendars(DEFAULT_DATA_DIR);
const calendar = calendars.get('JP-NATIONAL-HOLIDAY_JP-2.5.1')!;
const pinned = { id: calendar.id, sha256: calendar.sha256 };

/** An instant given in Japan time. */
const japan = (text: string): number => Date.parse(`${text}+09:00`);

const BANDS: TimeBandsFile = {
  boundary: 'start-band',
  holidayCalendar: pinned,
  bands: [
    { id: 'NEW_YEAR', days: ['12-31..01-03'] },
    { id: 'HOLIDAY', days: ['holiday', 'sunday'] },
    { id: 'SATURDAY', days: ['saturday'] },
    { id: 'NIGHT', days: ['weekday'], from: '23:00', to: '08:00' },
    { id: 'DAY', days: ['weekday'] },
  ],
};

describe('TimeBands.bandAt: the first band whose days and hours hold the moment (Japan time)', () => {
  const bands = new TimeBands(BANDS, calendar);
  test.each([
    ['2019-05-08T12:00:00', 'DAY'], // a Wednesday
    ['2019-05-08T22:59:59.999', 'DAY'],
    ['2019-05-08T23:00:00', 'NIGHT'], // from is inclusive
    ['2019-05-09T07:59:59.999', 'NIGHT'], // over midnight, on the Thursday
    ['2019-05-09T08:00:00', 'DAY'], // to is exclusive
    ['2019-05-11T12:00:00', 'SATURDAY'],
    ['2019-05-12T12:00:00', 'HOLIDAY'], // a Sunday
    ['2019-05-01T12:00:00', 'HOLIDAY'], // a national holiday on a Wednesday: not a weekday
    ['2019-05-01T23:30:00', 'HOLIDAY'], // the night of a holiday is the holiday's
    ['2020-07-24T12:00:00', 'HOLIDAY'], // the moved スポーツの日
    ['2019-12-31T12:00:00', 'NEW_YEAR'], // a named range over the turn of the year
    ['2020-01-02T12:00:00', 'NEW_YEAR'],
    ['2020-01-04T12:00:00', 'SATURDAY'], // the day after the range
  ])('%s is %s', (moment, band) => {
    expect(bands.bandAt(japan(moment))).toEqual({ ok: true, band });
  });

  test('a moment no band holds has none', () => {
    const onlyNights = new TimeBands(
      { boundary: 'start-band', bands: [{ id: 'NIGHT', from: '23:00', to: '08:00' }] },
      undefined,
    );
    expect(onlyNights.bandAt(japan('2011-04-01T12:00:00'))).toEqual({ ok: true, band: null });
  });

  test('a day outside the calendar cannot be told: the call is not rated (never a guess)', () => {
    expect(bands.bandAt(japan('2051-01-04T12:00:00'))).toEqual({
      ok: false,
      message: `the holiday calendar ${calendar.id} covers 1970–2050 only`,
    });
  });

  test.each([
    [
      { boundary: 'start-band', bands: [{ id: 'H', days: ['holiday'] }] },
      'time band H reads national holidays (weekday or holiday): name a holidayCalendar',
    ],
    [{ boundary: 'start-band', bands: [{ id: 'A' }, { id: 'A' }] }, 'time band A is declared twice'],
    [{ boundary: 'start-band', bands: [{ id: 'N', from: '23:00' }] }, 'time band N needs both from and to, or neither'],
    [
      { boundary: 'start-band', bands: [{ id: 'X', days: ['13-01'] }] },
      'time band X: "13-01" is not weekday, saturday, sunday, holiday, MM-DD or MM-DD..MM-DD',
    ],
  ] as [TimeBandsFile, string][])('refuses %j', (file, message) => {
    expect(() => new TimeBands(file, undefined)).toThrow(message);
  });
});

function step(price: string, rateUnitSeconds = 60, incrementSeconds = 60, fromSeconds = 0) {
  return { fromSeconds, price, rateUnitSeconds, incrementSeconds };
}

/** Mobile 10 yen per 60 s by day, 5 at night (23:00–08:00); the other types a flat rate. */
function nightTariff(boundary: 'start-band' | 'split', mobileDay: RateFile['steps'] = [step('10')]): Tariff {
  const others: RateFile[] = (['general', 'international', 'ip', 'phs'] as const).map((type) => ({
    id: type,
    type,
    steps: [step('8', 180, 180)],
  }));
  const file: TariffFile = {
    format: 2,
    id: `NIGHT-${boundary}`,
    plan: 'NIGHT',
    currency: 'JPY',
    taxIncluded: false,
    effectiveFrom: '2006-12-01',
    rounding: { call: { mode: 'none' }, statementRow: { mode: 'down', decimals: 0 } },
    timeBands: { boundary, bands: [{ id: 'NIGHT', from: '23:00', to: '08:00' }] },
    rates: [
      { id: 'MOBILE_DAY', type: 'mobile', connectFee: '1', steps: mobileDay },
      { id: 'MOBILE_NIGHT', type: 'mobile', band: 'NIGHT', connectFee: '3', steps: [step('5')] },
      ...others,
    ],
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

const YEN = 10_000;

function chargeYen(tariff: Tariff, start: string, seconds: number): number {
  const charged = chargeCall(tariff, 'mobile', '09012345678', japan(start), seconds * 1000);
  if (!charged.ok) throw new Error(charged.message);
  return (charged.charge.chargeScaled + charged.charge.chargeRemainderParts / 3600) / YEN;
}

describe('a call that crosses a band boundary', () => {
  test.each([
    // [start, seconds, start-band yen, split yen]
    ['2011-04-01T22:59:30', 90, 1 + 2 * 10, 1 + 1 * 10 + 1 * 5], // day 30 s (1 unit), night 60 s (1 unit); fee of the start band
    ['2011-04-01T22:00:00', 60, 1 + 10, 1 + 10], // ends before the boundary: the same
    ['2011-04-01T07:59:00', 120, 3 + 2 * 5, 3 + 1 * 5 + 1 * 10], // night into day: the night's fee
    ['2011-04-01T22:59:59', 1, 1 + 10, 1 + 10], // ends exactly on the boundary: all day
    ['2011-04-01T22:59:00', 9 * 3600 + 120, 1 + (9 * 60 + 2) * 10, 1 + 10 + 9 * 60 * 5 + 10], // day 60 s, night 9 h, day 60 s
  ])('%s for %p s: start-band %p yen, split %p yen', (start, seconds, startBandYen, splitYen) => {
    expect(chargeYen(nightTariff('start-band'), start, seconds)).toBe(startBandYen);
    expect(chargeYen(nightTariff('split'), start, seconds)).toBe(splitYen);
  });

  test("split: steps run on the call's elapsed time across segments", () => {
    // day rate: first 60 s at 10 per 60 s, then 2 per 60 s. Start 22:59:00, 180 s:
    // day 0–60 s: 1 × 10; night 60–180 s: by the night rate, 2 × 5. Fee 1 (day).
    const tariff = nightTariff('split', [step('10'), step('2', 60, 60, 60)]);
    expect(chargeYen(tariff, '2011-04-01T22:59:00', 180)).toBe(1 + 10 + 2 * 5);
    // 21:00:00 for 180 s, all day: 10 + 2 × 2 + fee 1
    expect(chargeYen(tariff, '2011-04-01T21:00:00', 180)).toBe(1 + 10 + 2 * 2);
  });
});

describe('Tariff with time bands', () => {
  test('a rate naming an undeclared band is refused', () => {
    expect(() => {
      const tariff = nightTariff('split');
      new Tariff({
        ...tariff.file,
        rates: [...tariff.file.rates, { id: 'X', type: 'ip', band: 'EVENING', steps: [step('1')] }],
      });
    }).toThrow('tariff NIGHT-split: rate X names band EVENING, which timeBands does not declare');
  });

  test('a calendar whose dates changed since the tariff pinned it is refused', () => {
    const file = nightTariff('split').file;
    const withHolidays: TariffFile = {
      ...file,
      timeBands: { ...file.timeBands!, holidayCalendar: { id: calendar.id, sha256: '0'.repeat(64) } },
    };
    expect(() => new Tariff(withHolidays, calendars)).toThrow(
      `holiday calendar ${calendar.id} has sha256 ${calendar.sha256}, the tariff pins ${'0'.repeat(64)}`,
    );
    expect(
      () =>
        new Tariff(
          {
            ...withHolidays,
            timeBands: { ...withHolidays.timeBands!, holidayCalendar: { id: 'JP-1999', sha256: calendar.sha256 } },
          },
          calendars,
        ),
    ).toThrow('holiday calendar JP-1999 is not in data/holidays');
  });
});
