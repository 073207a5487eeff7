import { createHash } from 'node:crypto';

/**
 * A national-holiday table as kept in `data/holidays/*.json`: every holiday date (振替休日 and
 * 国民の休日 included) of the years it covers. Tariff versions that rate holidays name the
 * calendar and pin its sha256, so a re-rate years later reads the very same set of dates even
 * after the table has been updated: an updated table is a new file with a new id.
 */
export interface HolidayCalendarFile {
  id: string;
  source: string;
  firstYear: number;
  lastYear: number;
  dates: string[];
}

export class HolidayCalendar {
  readonly id: string;
  readonly sha256: string;
  readonly firstYear: number;
  readonly lastYear: number;
  private readonly dates: ReadonlySet<string>;

  constructor(
    /** The calendar as written (an ingest worker compiles the same calendar from it). */
    readonly file: HolidayCalendarFile,
  ) {
    this.id = file.id;
    this.firstYear = file.firstYear;
    this.lastYear = file.lastYear;
    const sorted = [...file.dates].sort();
    for (let index = 0; index < sorted.length; index += 1) {
      const date = sorted[index]!;
      const year = Number.parseInt(date.slice(0, 4), 10);
      if (year < file.firstYear || year > file.lastYear)
        throw new RangeError(`holiday calendar ${file.id}: ${date} is outside ${file.firstYear}–${file.lastYear}`);
      if (index > 0 && sorted[index - 1] === date)
        throw new RangeError(`holiday calendar ${file.id}: ${date} is listed twice`);
    }
    this.dates = new Set(sorted);
    this.sha256 = holidaySetSha256(sorted);
  }

  /** Whether a Japan-time date `YYYY-MM-DD` is a national holiday; undefined outside the years covered. */
  isHoliday(date: string): boolean | undefined {
    const year = Number.parseInt(date.slice(0, 4), 10);
    if (year < this.firstYear || year > this.lastYear) return undefined;
    return this.dates.has(date);
  }
}

/** The hash a tariff pins: sha256 of the sorted dates, one per line (independent of the file's layout). */
export function holidaySetSha256(dates: readonly string[]): string {
  return createHash('sha256')
    .update([...dates].sort().join('\n'))
    .digest('hex');
}

/**
 * The table of `@holiday-jp/holiday_jp` (a maintained list of Japan's national holidays,
 * 1970–2050) as a calendar file. Used to write `data/holidays/` and to check it; rating never
 * reads the package, only the pinned file.
 */
export function calendarFromHolidayJp(): HolidayCalendarFile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const holidayJp = require('@holiday-jp/holiday_jp') as { VERSION?: string; holidays: Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = (require('@holiday-jp/holiday_jp/package.json') as { version: string }).version;
  const dates = Object.keys(holidayJp.holidays).sort();
  return {
    id: `JP-NATIONAL-HOLIDAY_JP-${version}`,
    source: `@holiday-jp/holiday_jp ${version} (https://github.com/holiday-jp/holiday_jp)`,
    firstYear: Number.parseInt(dates[0]!.slice(0, 4), 10),
    lastYear: Number.parseInt(dates[dates.length - 1]!.slice(0, 4), 10),
    dates,
  };
}
