import Decimal from 'decimal.js';
import { parseDigits } from '../time/duration';

/**
 * Money inside meisai is an exact integer count of ten-thousandths of a yen ("scaled yen").
 * Tariff prices may carry up to four fraction digits (0.5 yen, 8.4 yen, 10.25 yen); every
 * sum of them is then an exact integer. decimal.js is used only at the edges: to read the
 * decimal strings of tariff files and to print results.
 */
export const YEN_SCALE = 10_000;
export const MAX_FRACTION_DIGITS = 4;
const BIG_YEN_SCALE = BigInt(YEN_SCALE);

export type RoundingMode = 'down' | 'up' | 'half-up' | 'half-even';

export interface RoundingRule {
  mode: RoundingMode;
  /**
   * Fraction digits kept, 0 (whole yen) to 4; negative keeps fewer digits still: -1 rounds to
   * tens of yen, -2 to hundreds. With a `step`, the fraction digits shown.
   */
  decimals: number;
  /** Round to a multiple of this amount instead (`"0.5"`, `"10"`, `"0.05"`); it must be shown exactly with `decimals`. */
  step?: string;
}

const stepsByText = new Map<string, number>();

/** The amount a rule rounds to a multiple of, in scaled yen: its `step`, or 10^-decimals yen. */
export function roundingStepScaled(rule: RoundingRule): number {
  if (rule.step === undefined) return 10 ** (MAX_FRACTION_DIGITS - rule.decimals);
  let step = stepsByText.get(rule.step);
  if (step === undefined) {
    step = parseYenAmount(rule.step);
    if (step <= 0) throw new RangeError(`a rounding step must be more than 0 yen, not ${rule.step}`);
    stepsByText.set(rule.step, step);
  }
  return step;
}

/** Fraction digits a rounded amount is shown with (a rule that rounds to tens of yen shows none). */
export function shownDecimals(rule: RoundingRule): number {
  return Math.max(0, rule.decimals);
}

/** Why a rounding rule cannot be applied exactly, or null: a step shown with too few digits would print a figure it did not round to. */
export function roundingRuleProblem(rule: RoundingRule): string | null {
  let step: number;
  try {
    step = roundingStepScaled(rule);
  } catch (error) {
    return (error as Error).message;
  }
  if (step % 10 ** (MAX_FRACTION_DIGITS - shownDecimals(rule)) !== 0)
    return `a rounding step of ${rule.step} yen is not shown exactly with ${rule.decimals} decimals`;
  return null;
}

const DECIMAL_AMOUNT = /^(-?)(\d{1,12})(?:\.(\d{1,4}))?$/;
/** The largest whole yen whose scaled value is still an exact integer, and the most fraction it then takes. */
const MAX_EXACT_WHOLE_YEN = Math.floor(Number.MAX_SAFE_INTEGER / YEN_SCALE);
const MAX_FRACTION_AT_MAX_WHOLE = Number.MAX_SAFE_INTEGER % YEN_SCALE;

/** Reads a decimal yen amount such as "8", "0.5" or "10.25" into scaled yen, digit by digit (exact integers, no float). */
export function parseYenAmount(text: string): number {
  const match = DECIMAL_AMOUNT.exec(text);
  if (match === null) {
    throw new RangeError(`"${text}" is not a yen amount with at most ${MAX_FRACTION_DIGITS} fraction digits`);
  }
  const whole = parseDigits(match[2]!); // at most 12 digits: exact
  const fraction = match[3] === undefined ? 0 : parseDigits(match[3].padEnd(MAX_FRACTION_DIGITS, '0'));
  // Decided before multiplying, so no product past 2^53 is ever formed.
  if (whole > MAX_EXACT_WHOLE_YEN || (whole === MAX_EXACT_WHOLE_YEN && fraction > MAX_FRACTION_AT_MAX_WHOLE)) {
    throw new RangeError(`"${text}" is too large to keep exact`);
  }
  const scaled = whole * YEN_SCALE + fraction;
  return match[1] === '-' ? -scaled : scaled;
}

const EXACT_DECIMAL_AMOUNT = /^(-?)(\d+)(?:\.(\d{1,4}))?$/;

/**
 * Reads a decimal yen amount of any size ("1000000000016.0001") into scaled yen as a bigint,
 * digit by digit: a figure summed across many rows (an all-number total) stays exact past 2^53.
 */
export function parseYenAmountExact(text: string): bigint {
  const match = EXACT_DECIMAL_AMOUNT.exec(text);
  if (match === null)
    throw new RangeError(`"${text}" is not a yen amount with at most ${MAX_FRACTION_DIGITS} fraction digits`);
  const scaled = BigInt(match[2]!) * BIG_YEN_SCALE + BigInt((match[3] ?? '').padEnd(MAX_FRACTION_DIGITS, '0'));
  return match[1] === '-' ? -scaled : scaled;
}

/**
 * Prints scaled yen as a plain decimal string with exactly `decimals` fraction digits. A sum of
 * many rows (the all-number table) may be a bigint: it prints exactly at any size.
 */
export function formatScaledYen(scaledYen: number | bigint, decimals = 0): string {
  if (typeof scaledYen === 'number') assertSafe(scaledYen);
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`cannot print ${decimals} fraction digits`);
  // Cut toward zero, from the exact integer's digits; a negative amount keeps its sign even when
  // it cuts to zero (-0.00005 yen prints as -0), as decimal.js's ROUND_DOWN does.
  let whole: number | bigint;
  let fraction: string;
  if (typeof scaledYen === 'number') {
    const magnitude = Math.abs(scaledYen);
    whole = Math.floor(magnitude / YEN_SCALE);
    fraction = String(magnitude - whole * YEN_SCALE).padStart(MAX_FRACTION_DIGITS, '0');
  } else {
    const magnitude = scaledYen < 0n ? -scaledYen : scaledYen;
    whole = magnitude / BIG_YEN_SCALE;
    fraction = String(magnitude % BIG_YEN_SCALE).padStart(MAX_FRACTION_DIGITS, '0');
  }
  const shown = decimals <= MAX_FRACTION_DIGITS ? fraction.slice(0, decimals) : fraction.padEnd(decimals, '0');
  return `${scaledYen < 0 ? '-' : ''}${whole}${decimals === 0 ? '' : `.${shown}`}`;
}

/**
 * Rounds scaled yen to the rule's number of fraction digits (or a multiple of its step), by the rule's mode.
 * `down` is toward zero (切り捨て), `up` away from zero (切り上げ), `half-up` rounds a half
 * away from zero (四捨五入), `half-even` rounds a half to the even neighbour.
 */
export function roundScaledYen(scaledYen: number, rule: RoundingRule): number {
  assertSafe(scaledYen);
  const step = roundingStepScaled(rule);
  if (step === 1) return scaledYen;
  const magnitude = Math.abs(scaledYen);
  const whole = Math.floor(magnitude / step);
  const remainder = magnitude - whole * step;
  let steps = whole;
  switch (rule.mode) {
    case 'down':
      break;
    case 'up':
      if (remainder > 0) steps += 1;
      break;
    case 'half-up':
      if (remainder * 2 >= step) steps += 1;
      break;
    case 'half-even':
      if (remainder * 2 > step || (remainder * 2 === step && whole % 2 === 1)) steps += 1;
      break;
    default: {
      const unknown: never = rule.mode;
      throw new Error(`unknown rounding mode ${String(unknown)}`);
    }
  }
  const rounded = steps * step;
  return scaledYen < 0 ? -rounded : rounded;
}

/** Money that left the safe-integer range would silently lose yen: stop instead. */
export function assertSafe(scaledYen: number): void {
  if (!Number.isSafeInteger(scaledYen)) {
    throw new RangeError(`money amount ${scaledYen} is outside the exact integer range`);
  }
}

/**
 * Rounds the exact quotient numerator / denominator (in scaled yen) by the rule: used where a
 * price applies to a share of a unit, as 着割 does (0.5 yen per 60 s of total time).
 */
export function roundScaledQuotient(numerator: bigint, denominator: bigint, rule: RoundingRule): number {
  if (denominator <= 0n || numerator < 0n)
    throw new RangeError('roundScaledQuotient takes a non-negative numerator and a positive denominator');
  const step = BigInt(roundingStepScaled(rule));
  const divisor = denominator * step;
  const whole = numerator / divisor;
  const remainder = numerator - whole * divisor;
  let steps = whole;
  if (rule.mode === 'up' && remainder > 0n) steps += 1n;
  else if (rule.mode === 'half-up' && remainder * 2n >= divisor) steps += 1n;
  else if (rule.mode === 'half-even' && (remainder * 2n > divisor || (remainder * 2n === divisor && whole % 2n === 1n)))
    steps += 1n;
  const rounded = Number(steps * step);
  assertSafe(rounded);
  return rounded;
}

/** Parts of a yen in an exact charge: 3600 parts to the scaled yen, 10,000 scaled yen to the yen. */
export const PARTS_PER_YEN = 36_000_000n;

/**
 * An exact amount in parts (or in 1/partsDenominator of a part), in yen: a plain decimal when it has one (`16.2666` is not: it is
 * printed `16.26666…` with the fraction `244/15`), so a quote never shows a rounded figure as exact.
 */
export function formatExactParts(
  parts: number | bigint,
  partsDenominator: number | bigint = 1,
): { decimal: string; fraction: string; exact: boolean } {
  const numerator = BigInt(parts);
  const perYen = PARTS_PER_YEN * BigInt(partsDenominator);
  const divisor = greatestCommonDivisor(numerator, perYen) || 1n;
  const reducedNumerator = numerator / divisor;
  const reducedDenominator = perYen / divisor;
  const fraction =
    reducedDenominator === 1n ? reducedNumerator.toString() : `${reducedNumerator}/${reducedDenominator}`;
  let rest = reducedDenominator;
  while (rest % 2n === 0n) rest /= 2n;
  while (rest % 5n === 0n) rest /= 5n;
  const exact = rest === 1n;
  const value = new Decimal(parts.toString()).dividedBy(perYen.toString());
  return { decimal: exact ? value.toFixed() : `${value.toFixed(6, Decimal.ROUND_DOWN)}…`, fraction, exact };
}

/** Euclid's greatest common divisor of two integers, never negative (0 only for 0 and 0). */
export function greatestCommonDivisor(left: bigint, right: bigint): bigint {
  let divisor = left < 0n ? -left : left;
  let remainder = right < 0n ? -right : right;
  while (remainder !== 0n) [divisor, remainder] = [remainder, divisor % remainder];
  return divisor;
}
