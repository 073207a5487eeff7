import { parseDigits } from '../time/duration';
import { quoteInput } from '../text/quoteInput';

/** How a profile writes a call start: ISO/`YYYY-MM-DD HH:mm:ss` text, epoch seconds or milliseconds, or 14 digits. */
export type TimeFormat = 'iso' | 'epoch-seconds' | 'epoch-milliseconds' | 'yyyymmddhhmmss';
/** The zone of a start written without an offset: Japan time, UTC, or a fixed offset `+09:00`. */
export type TimeZone = string;
/** The unit of a duration: decimal seconds (the canonical forms), or whole milliseconds or tenths of a second. */
export type DurationUnit = 'seconds' | 'milliseconds' | 'tenths';

/** Why a source value cannot be turned into canonical text (the caller names the profile field). */
export interface MappingFailure {
  failure: string;
}

/** The offset text a zone adds to a start written without one (`Z`, `+09:00`). */
export function zoneSuffix(zone: TimeZone): string {
  if (zone === 'Asia/Tokyo') return '+09:00';
  if (zone === 'UTC') return 'Z';
  return zone;
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;
const EPOCH_SECONDS = /^(\d{1,11})(?:\.(\d{1,9}))?$/;
const EPOCH_MILLISECONDS = /^\d{1,14}$/;

/** Whether every character is an ASCII digit (a loop: cheaper than a regex on the hot path). */
function allDigits(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * A start as canonical text for `parseStart`, which then checks it is a real date and time. The
 * conversion is exact: epoch values become whole milliseconds from their digits, never a float.
 */
export function startText(raw: string, format: TimeFormat, zone: TimeZone): string | MappingFailure {
  const text = raw.trim();
  switch (format) {
    case 'iso':
      if (text === '' || HAS_OFFSET.test(text)) return text;
      return zone === 'Asia/Tokyo' ? text : text + zoneSuffix(zone);
    case 'epoch-seconds': {
      const match = EPOCH_SECONDS.exec(text);
      if (!match) return { failure: `${quoteInput(raw)} is not epoch seconds (digits, up to 9 fraction digits)` };
      const fraction = match[2] === undefined ? 0 : parseDigits(match[2].slice(0, 3).padEnd(3, '0'));
      return new Date(parseDigits(match[1]!) * 1000 + fraction).toISOString();
    }
    case 'epoch-milliseconds':
      if (!EPOCH_MILLISECONDS.test(text))
        return { failure: `${quoteInput(raw)} is not epoch milliseconds (up to 14 digits)` };
      return new Date(parseDigits(text)).toISOString();
    case 'yyyymmddhhmmss':
      if (text.length !== 14 || !allDigits(text))
        return { failure: `${quoteInput(raw)} is not 14 digits YYYYMMDDHHmmss` };
      return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}${zoneSuffix(zone)}`;
  }
}

/** A duration as canonical decimal seconds for `parseDuration` (which checks the 86400 s limit). */
export function durationText(raw: string, unit: DurationUnit): string | MappingFailure {
  if (unit === 'seconds') return raw;
  const text = raw.trim();
  if (text.length === 0 || text.length > 12 || !allDigits(text)) {
    return {
      failure: `${quoteInput(raw)} is not a whole number of ${unit === 'tenths' ? 'tenths of a second' : 'milliseconds'}`,
    };
  }
  const fractionDigits = unit === 'tenths' ? 1 : 3;
  let first = 0;
  while (first < text.length - fractionDigits - 1 && text.charCodeAt(first) === 48) first += 1; // leading zeros of the whole part
  const digits = first === 0 ? text.padStart(fractionDigits + 1, '0') : text.slice(first);
  return `${digits.slice(0, -fractionDigits)}.${digits.slice(-fractionDigits)}`;
}
