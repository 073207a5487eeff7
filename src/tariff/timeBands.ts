import { JAPAN_OFFSET_MS } from '../time/japanTime';
import { HolidayCalendar } from './holidayCalendar';
import { TimeBandFile, TimeBandsFile } from './tariffFile';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** One day-type condition of a band, read from `weekday`, `sunday`, `holiday`, `05-01`, `12-31..01-03`. */
type DayCondition =
  | { kind: 'weekday' }
  | { kind: 'saturday' }
  | { kind: 'sunday' }
  | { kind: 'holiday' }
  | { kind: 'dates'; first: string; last: string };

interface CompiledBand {
  id: string;
  days: DayCondition[] | null;
  fromMinute: number;
  toMinute: number;
}

/** A Japan-time day as the bands see it. */
interface JapanDay {
  date: string;
  monthDay: string;
  dayOfWeek: number;
  holiday: boolean;
}

/** The band of a moment, or why it cannot be told. */
export type BandAt = { ok: true; band: string | null } | { ok: false; message: string };

/** A stretch of a call's elapsed time spent in one band. */
export interface BandSegment {
  fromMs: number;
  toMs: number;
  band: string | null;
}

/**
 * A tariff's time bands, compiled. The first band whose days and hours hold a moment (Japan
 * time) is its band; a moment no band holds has none (`null`: only rates without a band apply).
 */
export class TimeBands {
  readonly boundary: 'start-band' | 'split';
  readonly ids: ReadonlySet<string>;
  private readonly bands: CompiledBand[];
  /** Minutes of the day at which some band starts or ends (0 included), ascending. */
  private readonly boundaryMinutes: number[];

  constructor(
    file: TimeBandsFile,
    private readonly calendar: HolidayCalendar | undefined,
  ) {
    this.boundary = file.boundary;
    this.bands = file.bands.map((band) => compileBand(band));
    const ids = new Set<string>();
    for (const band of this.bands) {
      if (ids.has(band.id)) throw new RangeError(`time band ${band.id} is declared twice`);
      ids.add(band.id);
      const needsCalendar = band.days?.some((day) => day.kind === 'holiday' || day.kind === 'weekday') ?? false;
      if (needsCalendar && calendar === undefined) {
        throw new RangeError(
          `time band ${band.id} reads national holidays (weekday or holiday): name a holidayCalendar`,
        );
      }
    }
    this.ids = ids;
    const minutes = new Set<number>([0]);
    for (const band of this.bands) {
      minutes.add(band.fromMinute % 1440);
      minutes.add(band.toMinute % 1440);
    }
    this.boundaryMinutes = [...minutes].sort((left, right) => left - right);
  }

  bandAt(atMs: number): BandAt {
    const day = this.japanDay(atMs);
    if (day === undefined) {
      return {
        ok: false,
        message: `the holiday calendar ${this.calendar!.id} covers ${this.calendar!.firstYear}–${this.calendar!.lastYear} only`,
      };
    }
    const minute = Math.floor(
      (atMs + JAPAN_OFFSET_MS - Math.floor((atMs + JAPAN_OFFSET_MS) / DAY_MS) * DAY_MS) / MINUTE_MS,
    );
    for (const band of this.bands) {
      if (!inHours(band, minute)) continue;
      if (band.days === null || band.days.some((condition) => dayHolds(condition, day)))
        return { ok: true, band: band.id };
    }
    return { ok: true, band: null };
  }

  /**
   * The call's elapsed time cut where its band changes (`split`), or one segment in the start
   * band (`start-band`).
   */
  segments(
    startMs: number,
    durationMs: number,
  ): { ok: true; segments: BandSegment[] } | { ok: false; message: string } {
    const first = this.bandAt(startMs);
    if (!first.ok) return first;
    if (this.boundary === 'start-band' || durationMs <= 0)
      return { ok: true, segments: [{ fromMs: 0, toMs: durationMs, band: first.band }] };
    const endMs = startMs + durationMs;
    const segments: BandSegment[] = [];
    let segmentStartMs = startMs;
    let band = first.band;
    for (let atMs = this.nextBoundaryAfter(startMs); atMs < endMs; atMs = this.nextBoundaryAfter(atMs)) {
      const next = this.bandAt(atMs);
      if (!next.ok) return next;
      if (next.band === band) continue;
      segments.push({ fromMs: segmentStartMs - startMs, toMs: atMs - startMs, band });
      segmentStartMs = atMs;
      band = next.band;
    }
    segments.push({ fromMs: segmentStartMs - startMs, toMs: durationMs, band });
    return { ok: true, segments };
  }

  /** The first instant after `atMs` at which a band may begin or end: a band's hour, or midnight. */
  private nextBoundaryAfter(atMs: number): number {
    const dayStartMs = Math.floor((atMs + JAPAN_OFFSET_MS) / DAY_MS) * DAY_MS - JAPAN_OFFSET_MS;
    for (const minute of this.boundaryMinutes) {
      const candidateMs = dayStartMs + minute * MINUTE_MS;
      if (candidateMs > atMs) return candidateMs;
    }
    return dayStartMs + DAY_MS;
  }

  private japanDay(atMs: number): JapanDay | undefined {
    const japan = new Date(atMs + JAPAN_OFFSET_MS);
    const date = japan.toISOString().slice(0, 10);
    let holiday = false;
    if (this.calendar !== undefined) {
      const known = this.calendar.isHoliday(date);
      if (known === undefined) return undefined;
      holiday = known;
    }
    return { date, monthDay: date.slice(5), dayOfWeek: japan.getUTCDay(), holiday };
  }
}

function inHours(band: CompiledBand, minute: number): boolean {
  if (band.fromMinute === band.toMinute) return true;
  if (band.fromMinute < band.toMinute) return minute >= band.fromMinute && minute < band.toMinute;
  return minute >= band.fromMinute || minute < band.toMinute;
}

function dayHolds(condition: DayCondition, day: JapanDay): boolean {
  switch (condition.kind) {
    case 'weekday':
      return day.dayOfWeek >= 1 && day.dayOfWeek <= 5 && !day.holiday;
    case 'saturday':
      return day.dayOfWeek === 6;
    case 'sunday':
      return day.dayOfWeek === 0;
    case 'holiday':
      return day.holiday;
    case 'dates':
      return condition.first <= condition.last
        ? day.monthDay >= condition.first && day.monthDay <= condition.last
        : day.monthDay >= condition.first || day.monthDay <= condition.last;
    default: {
      const unknown: never = condition;
      throw new Error(`unknown day condition ${JSON.stringify(unknown)}`);
    }
  }
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function compileBand(file: TimeBandFile): CompiledBand {
  const days = file.days === undefined ? null : file.days.map((text) => dayCondition(file.id, text));
  if ((file.from === undefined) !== (file.to === undefined))
    throw new RangeError(`time band ${file.id} needs both from and to, or neither`);
  const fromMinute = file.from === undefined ? 0 : minuteOfDay(file.id, file.from);
  const toMinute = file.to === undefined ? 0 : minuteOfDay(file.id, file.to);
  if (file.from !== undefined && fromMinute === toMinute)
    throw new RangeError(`time band ${file.id} starts and ends at ${file.from}: leave from/to out for the whole day`);
  return { id: file.id, days, fromMinute, toMinute };
}

function dayCondition(bandId: string, text: string): DayCondition {
  if (text === 'weekday' || text === 'saturday' || text === 'sunday' || text === 'holiday') return { kind: text };
  const parts = text.split('..');
  const first = parts[0]!;
  const last = parts[1] ?? first;
  if (parts.length > 2 || !MONTH_DAY.test(first) || !MONTH_DAY.test(last)) {
    throw new RangeError(
      `time band ${bandId}: "${text}" is not weekday, saturday, sunday, holiday, MM-DD or MM-DD..MM-DD`,
    );
  }
  return { kind: 'dates', first, last };
}

function minuteOfDay(bandId: string, text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new RangeError(`time band ${bandId}: "${text}" is not a time HH:MM`);
  return Number.parseInt(match[1]!, 10) * 60 + Number.parseInt(match[2]!, 10);
}
