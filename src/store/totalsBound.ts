import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { YEN_SCALE } from '../money/scaledYen';

/**
 * The bound on a stored monthly total, written once for both engines (pure).
 *
 * Every sum a store keeps per (contract, month, number, call type) or per 着割 row — calls,
 * duration tenths, charge in scaled yen, remainder parts, eligible milliseconds — stays at or
 * below TOTAL_BOUND = 10^15: a charge of 100,000,000,000 yen (10^15 scaled yen) per number, type
 * and month. Below it every figure of one number's table is an exact JavaScript integer: its five
 * rows, each rounded from `chargeScaled × 3600 + remainderParts` parts, add up to at most
 * 5 × (10^15 + 10^15 / 3600 + 10^4) ≈ 5.0014 × 10^15 < 2^53 − 1 ≈ 9.007 × 10^15. Sums across
 * rows and numbers (the all-number table, reconcile's footing) are BigInt, so they need no bound.
 *
 * A file or a re-rate that would carry a total past it is refused whole (exit 1) before its totals
 * are written: a bill never holds a figure that could no longer be kept exact.
 */
export const TOTAL_BOUND = 1_000_000_000_000_000;
const TOTAL_BOUND_BIG = BigInt(TOTAL_BOUND);

/** Digits grouped by commas; not toLocaleString, whose ICU data costs ~20 ms of every command's start-up. */
const grouped = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** The bound in words, for a message. */
export const TOTAL_BOUND_WORDS = `${grouped(TOTAL_BOUND)} (a charge of ${grouped(TOTAL_BOUND / YEN_SCALE)} yen)`;

/** A sum past the bound, or one that is no exact integer at all (a sum that already lost digits). */
export function pastBound(value: number | bigint): boolean {
  if (typeof value === 'bigint') return value > TOTAL_BOUND_BIG || value < -TOTAL_BOUND_BIG;
  return !Number.isSafeInteger(value) || value > TOTAL_BOUND || value < -TOTAL_BOUND;
}

type Sums<Row> = { [Key in keyof Row]: Row[Key] extends number ? number | bigint : Row[Key] };
export type TypeTotalSums = Sums<
  Pick<
    NumberTypeTotal,
    'contractId' | 'month' | 'number' | 'type' | 'calls' | 'durationTenths' | 'chargeScaled' | 'chargeRemainderParts'
  >
>;
export type ChakuwariTotalSums = Sums<
  Pick<ChakuwariTotal, 'contractId' | 'month' | 'number' | 'calls' | 'durationTenths' | 'durationMs'>
>;

const TYPE_COLUMNS = [
  ['calls', 'calls'],
  ['durationTenths', 'duration_tenths'],
  ['chargeScaled', 'charge_scaled'],
  ['chargeRemainderParts', 'charge_remainder_parts'],
] as const;
const CHAKUWARI_COLUMNS = [
  ['calls', 'calls'],
  ['durationTenths', 'duration_tenths'],
  ['durationMs', 'duration_ms'],
] as const;

/** What is past the bound in these rows, in words (the first such row), or null when every sum is within it. */
export function totalsPastBound(
  typeTotals: Iterable<TypeTotalSums>,
  chakuwariTotals: Iterable<ChakuwariTotalSums>,
): string | null {
  for (const row of typeTotals) {
    for (const [key, column] of TYPE_COLUMNS) {
      if (pastBound(row[key])) return describe(`the ${row.type} calls of ${row.number}`, row, column, row[key]);
    }
  }
  for (const row of chakuwariTotals) {
    for (const [key, column] of CHAKUWARI_COLUMNS) {
      if (pastBound(row[key])) return describe(`the 着割 calls of ${row.number}`, row, column, row[key]);
    }
  }
  return null;
}

function describe(
  what: string,
  row: { contractId: string; month: string },
  column: string,
  value: number | bigint,
): string {
  const shown =
    typeof value === 'number' && !Number.isSafeInteger(value) ? `about ${value.toExponential(3)}` : String(value);
  return (
    `the ${row.month} total of ${what} (contract ${row.contractId}) would reach ${column} ${shown}, ` +
    `past the bound of ${TOTAL_BOUND_WORDS} that keeps every statement figure exact`
  );
}
