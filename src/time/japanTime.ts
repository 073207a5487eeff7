import { quoteInput } from '../text/quoteInput';
import { parseDigits } from './duration';

/** Japan Standard Time is UTC+9 all year (no daylight saving). */
export const JAPAN_OFFSET_MS = 9 * 3600 * 1000;

export type StartResult = { ok: true; startMs: number } | { ok: false; message: string };

const START_FORM = /^(\d{4})([-/])(\d{2})\2(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a call start into epoch milliseconds. ISO 8601 with an offset (`…+09:00`, `…Z`) is
 * taken as written; a time without an offset (`2011-04-01 09:15:02`, `2011/04/01T09:15:02.250`)
 * is Japan time. Fractions beyond milliseconds are truncated. Impossible dates are refused.
 */
export function parseStart(rawStart: string): StartResult {
  const text = rawStart.trim();
  const plain = plainStartMs(text);
  if (plain !== null) return { ok: true, startMs: plain };
  const match = START_FORM.exec(text);
  if (!match) return { ok: false, message: `unreadable start ${quoteInput(rawStart)}` };
  const [, yearText, separator, monthText, dayText, hourText, minuteText, secondText, fraction, offset] = match;
  if (separator === '/' && offset !== undefined) {
    return { ok: false, message: `start ${quoteInput(rawStart)} mixes the slash form with an offset` };
  }
  const year = parseDigits(yearText!);
  const month = parseDigits(monthText!);
  const day = parseDigits(dayText!);
  const hour = parseDigits(hourText!);
  const minute = parseDigits(minuteText!);
  const second = parseDigits(secondText!);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, message: `start ${quoteInput(rawStart)} is not a real date and time` };
  }
  const offsetFromUtcMs = offsetMs(offset);
  if (offsetFromUtcMs === null)
    return { ok: false, message: `start ${quoteInput(rawStart)} has an impossible UTC offset` };
  const millisecond = fraction === undefined ? 0 : parseDigits(fraction.slice(0, 3).padEnd(3, '0'));
  return { ok: true, startMs: utcMs(year, month, day, hour, minute, second, millisecond) - offsetFromUtcMs };
}

const ZERO = 48;
const NINE = 57;

/**
 * The form nearly every switch writes, `YYYY-MM-DD HH:MM:SS` (or with `T`) in Japan time, read
 * by character codes: what START_FORM and the checks below give for it, without the match array
 * and its nine substrings. Null for any other text, or an impossible date: the full path decides.
 */
function plainStartMs(text: string): number | null {
  if (text.length !== 19) return null;
  const dateTime = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    (dateTime !== 32 && dateTime !== 84) ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return null;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return null;
  }
  return utcMs(year, month, day, hour, minute, second, 0) - JAPAN_OFFSET_MS;
}

/** The value of `length` ASCII digits from `from`, or -1 if any is not one. */
function digitsAt(text: string, from: number, length: number): number {
  let value = 0;
  for (let index = from; index < from + length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < ZERO || code > NINE) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/** Offsets run from -12:00 to +14:00 (inclusive) with minutes below 60; anything else is not a real offset. */
function offsetMs(offset: string | undefined): number | null {
  if (offset === undefined) return JAPAN_OFFSET_MS;
  if (offset === 'Z') return 0;
  const digits = offset.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  const hours = parseDigits(digits.slice(1, 3));
  const minutes = parseDigits(digits.slice(3, 5));
  const offsetMinutes = sign * (hours * 60 + minutes);
  if (minutes > 59 || offsetMinutes < -12 * 60 || offsetMinutes > 14 * 60) return null;
  return offsetMinutes * 60_000;
}

/** Date.UTC, except that years 0-99 stay themselves (Date.UTC reads them as 1900-1999). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

/** The last month looked up: calls of a file mostly share a month, so most look-ups end here. */
let lastMonth = { fromMs: 0, toMs: 0, month: '' };

/** `YYYY-MM` of the instant in Japan time: the statement month of a call. */
export function japanMonth(startMs: number): string {
  if (startMs >= lastMonth.fromMs && startMs < lastMonth.toMs) return lastMonth.month;
  const month = japanIso(startMs).slice(0, 7);
  lastMonth = { ...japanMonthRange(month), month };
  return month;
}

/** `YYYY-MM-DDTHH:mm:ss.sss+09:00`: the instant written in Japan time. */
export function formatJapanTime(startMs: number): string {
  return `${japanIso(startMs).slice(0, 23)}+09:00`;
}

function japanIso(startMs: number): string {
  return new Date(startMs + JAPAN_OFFSET_MS).toISOString();
}

/** The instant a Japan-time calendar date (`YYYY-MM-DD`) begins. */
export function japanDateStartMs(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`"${date}" is not a YYYY-MM-DD date`);
  const year = parseDigits(match[1]!);
  const month = parseDigits(match[2]!);
  const day = parseDigits(match[3]!);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    throw new RangeError(`"${date}" is not a real date`);
  return utcMs(year, month, day) - JAPAN_OFFSET_MS;
}

/** First instant of a `YYYY-MM` month in Japan time, and the first instant of the next. */
export function japanMonthRange(month: string): { fromMs: number; toMs: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new RangeError(`"${month}" is not a YYYY-MM month`);
  const year = parseDigits(match[1]!);
  const monthIndex = parseDigits(match[2]!) - 1;
  return {
    fromMs: utcMs(year, monthIndex + 1, 1) - JAPAN_OFFSET_MS,
    toMs: utcMs(year, monthIndex + 2, 1) - JAPAN_OFFSET_MS,
  };
}
