import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../reference/referenceData';
import { calendarFromHolidayJp, HolidayCalendar, HolidayCalendarFile, holidaySetSha256 } from './holidayCalendar';

const shippedPath = join(DEFAULT_DATA_DIR, 'holidays', 'jp-national-holiday_jp-2.5.1.json');
const shipped = JSON.parse(readFileSync(shippedPath, 'utf8')) as HolidayCalendarFile & { $schema?: string };

describe('HolidayCalendar', () => {
  test('the shipped calendar is the table of the installed @holiday-jp/holiday_jp, date for date', () => {
    // An update of the package that changes the table fails here: ship it as a new calendar file
    // (new id), so that tariff versions pinned to this one keep rating as they did.
    const { $schema: _schema, ...file } = shipped;
    expect(calendarFromHolidayJp()).toEqual(file);
  });

  test('only one calendar file per id is shipped', () => {
    expect(readdirSync(join(DEFAULT_DATA_DIR, 'holidays'))).toEqual(['jp-national-holiday_jp-2.5.1.json']);
  });

  test.each([
    ['2019-05-01', true], // 天皇の即位の日: a one-off national holiday
    ['2019-04-30', true], // 国民の休日 between two holidays
    ['2020-07-24', true], // スポーツの日, moved from October for the Olympics
    ['2020-10-12', false], // where スポーツの日 would have been
    ['2021-07-23', true], // moved again in 2021
    ['2011-04-29', true], // 昭和の日
    ['2011-04-28', false],
    ['2012-01-02', true], // 振替休日: 1 January 2012 was a Sunday
  ])('%s is a holiday: %p', (date, holiday) => {
    expect(new HolidayCalendar(shipped).isHoliday(date)).toBe(holiday);
  });

  test('a date outside the years covered is neither: undefined', () => {
    expect(new HolidayCalendar(shipped).isHoliday('2051-01-01')).toBeUndefined();
    expect(new HolidayCalendar(shipped).isHoliday('1969-01-01')).toBeUndefined();
  });

  test('the pinned hash is of the sorted dates, whatever their order in the file', () => {
    const calendar = new HolidayCalendar({
      id: 'T',
      source: 't',
      firstYear: 2020,
      lastYear: 2020,
      dates: ['2020-07-24', '2020-01-01'],
    });
    expect(calendar.sha256).toBe(holidaySetSha256(['2020-01-01', '2020-07-24']));
    expect(calendar.sha256).not.toBe(holidaySetSha256(['2020-01-01']));
  });

  test('refuses a date listed twice or outside its years', () => {
    expect(
      () =>
        new HolidayCalendar({
          id: 'T',
          source: 't',
          firstYear: 2020,
          lastYear: 2020,
          dates: ['2020-01-01', '2020-01-01'],
        }),
    ).toThrow('listed twice');
    expect(
      () => new HolidayCalendar({ id: 'T', source: 't', firstYear: 2020, lastYear: 2020, dates: ['2021-01-01'] }),
    ).toThrow('outside 2020–2020');
  });
});
