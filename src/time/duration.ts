import { quoteInput } from '../text/quoteInput';
/** Durations are exact whole milliseconds, read from text without any float. */
export const MAX_DURATION_MS = 86_400_000;

export type DurationResult = { ok: true; durationMs: number } | { ok: false; message: string };

const SECONDS_FORM = /^(\d{1,9})(?:\.(\d{1,}))?$/;
const CLOCK_FORM = /^(\d{1,5}):([0-5]\d):([0-5]\d)(?:\.(\d{1,}))?$/;

/** Parses `93.5`, `180.001`, `0`, or `H:MM:SS[.fff]` into milliseconds. */
export function parseDuration(rawDuration: string): DurationResult {
  const text = rawDuration.trim();
  if (text.startsWith('-')) return { ok: false, message: `negative duration ${quoteInput(rawDuration)}` };
  let wholeSeconds: number;
  let fraction: string | undefined;
  const seconds = SECONDS_FORM.exec(text);
  const clock = seconds ? null : CLOCK_FORM.exec(text);
  if (seconds) {
    wholeSeconds = parseDigits(seconds[1]!);
    fraction = seconds[2];
  } else if (clock) {
    wholeSeconds = parseDigits(clock[1]!) * 3600 + parseDigits(clock[2]!) * 60 + parseDigits(clock[3]!);
    fraction = clock[4];
  } else {
    return { ok: false, message: `unreadable duration ${quoteInput(rawDuration)}` };
  }
  if (fraction !== undefined && fraction.length > 3) {
    return { ok: false, message: `duration ${quoteInput(rawDuration)} has more than 3 fraction digits` };
  }
  const fractionMs = fraction === undefined ? 0 : parseDigits(fraction.padEnd(3, '0'));
  const durationMs = wholeSeconds * 1000 + fractionMs;
  if (durationMs > MAX_DURATION_MS) {
    return { ok: false, message: `duration ${quoteInput(rawDuration)} is over 86400 s` };
  }
  return { ok: true, durationMs };
}

/** Decimal digits to an integer, digit by digit (the regexes above admit only ASCII digits). */
export function parseDigits(digits: string): number {
  let value = 0;
  for (let index = 0; index < digits.length; index += 1) {
    value = value * 10 + (digits.charCodeAt(index) - 48);
  }
  return value;
}

/** A call's shown duration: its exact duration truncated to tenths of a second. */
export function truncateToTenths(durationMs: number): number {
  return Math.floor(durationMs / 100);
}

/** `H:MM:SS.s` with hours not capped at 24, as the statement prints it. */
export function formatTenths(durationTenths: number): string {
  const tenths = durationTenths % 10;
  const totalSeconds = (durationTenths - tenths) / 10;
  const seconds = totalSeconds % 60;
  const minutes = ((totalSeconds - seconds) / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  return `${hours}:${pad2(minutes)}:${pad2(seconds)}.${tenths}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
