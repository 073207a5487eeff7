import { AllowanceUse, CarriedIn, carryKey } from '../discount/allowance';
import { formatScaledYen, MAX_FRACTION_DIGITS, parseYenAmount } from '../money/scaledYen';
import { Allowance } from '../tariff/tariff';
import { parseDigits } from '../time/duration';
import { CarriedAllowance, Statement, StatementTable } from './statement';

/** The allowances of a plan that carry over: the statement shows `carriedIn` only when there is one. */
export function carryingAllowances(allowances: readonly Allowance[]): Allowance[] {
  return allowances.filter((allowance) => allowance.carryOver !== null);
}

/** Exact decimal without trailing zeros: 2505000 scaled yen → "250.5", 750500 ms → "750.5". */
function trimmed(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

function entry(allowance: Allowance, amount: number | bigint): CarriedAllowance {
  if (allowance.unit === 'yen')
    return { allowance: allowance.id, yen: trimmed(formatScaledYen(amount, MAX_FRACTION_DIGITS)) };
  const ms = BigInt(amount);
  return { allowance: allowance.id, seconds: trimmed(`${ms / 1000n}.${String(ms % 1000n).padStart(3, '0')}`) };
}

/**
 * The `carriedIn` of a table: of one number (its per-number allowances), or of all numbers (`number`
 * null: every carrying allowance, a per-number one summed over `numbers`, the numbers shown).
 */
export function carriedInRow(
  allowances: readonly Allowance[],
  use: AllowanceUse,
  number: string | null,
  numbers: readonly string[],
): CarriedAllowance[] {
  const carried = new Map(
    use.balances.map((balance) => [carryKey(balance.allowanceId, balance.number), balance.carriedIn]),
  );
  const rows: CarriedAllowance[] = [];
  for (const allowance of carryingAllowances(allowances)) {
    if (allowance.per === 'contract') {
      if (number === null) rows.push(entry(allowance, carried.get(carryKey(allowance.id, null)) ?? 0));
      continue;
    }
    const owners = number === null ? numbers : [number];
    rows.push(
      entry(
        allowance,
        owners.reduce((sum, owner) => sum + BigInt(carried.get(carryKey(allowance.id, owner)) ?? 0), 0n),
      ),
    );
  }
  return rows;
}

const SECONDS = /^(\d{1,12})(?:\.(\d{1,3}))?$/;

/**
 * What an issued statement says its month was carried in with, as `applyAllowances` takes it: a
 * per-contract allowance from the all-number table, a per-number one from each number's table.
 * A statement issued without `carriedIn` was carried in with nothing.
 */
export function carriedInOfStatement(statement: Statement, allowances: readonly Allowance[]): CarriedIn {
  const carried = new Map<string, number>();
  const read = (rows: CarriedAllowance[] | undefined, number: string | null): void => {
    for (const row of rows ?? []) {
      const allowance = allowances.find((candidate) => candidate.id === row.allowance);
      if (allowance === undefined || (allowance.per === 'contract') !== (number === null)) continue;
      carried.set(carryKey(allowance.id, number), 'yen' in row ? parseYenAmount(row.yen) : secondsToMs(row.seconds));
    }
  };
  read(statement.allNumbers.allowance?.carriedIn, null);
  for (const table of statement.numbers) read(table.allowance?.carriedIn, table.number);
  return carried;
}

function secondsToMs(text: string): number {
  const match = SECONDS.exec(text);
  if (match === null) throw new RangeError(`"${text}" is not a carried-in duration in seconds`);
  return parseDigits(match[1]!) * 1000 + parseDigits((match[2] ?? '').padEnd(3, '0'));
}

/** The label of a carried-in line (text) or row (CSV): carried in from the month before. */
export const CARRIED_IN_LABEL = '前月繰越';

/** A carried time as `H:MM:SS.mmm` (exact to the millisecond): "750.5" → "0:12:30.500". */
export function formatCarriedSeconds(seconds: string): string {
  const ms = secondsToMs(seconds);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const wholeSeconds = Math.floor(ms / 1000);
  return `${Math.floor(wholeSeconds / 3600)}:${pad(Math.floor(wholeSeconds / 60) % 60)}:${pad(wholeSeconds % 60)}.${pad(ms % 1000, 3)}`;
}

/** The carried-in lines printed under a table (none on a plan without a carrying allowance). */
export function carriedInLines(table: StatementTable, formatYen: (yen: string) => string): string[] {
  return (table.allowance?.carriedIn ?? []).map(
    (carried) =>
      `${CARRIED_IN_LABEL} ${carried.allowance}: ${'yen' in carried ? `${formatYen(carried.yen)} 円` : formatCarriedSeconds(carried.seconds)} (今月分より先に使用)`,
  );
}
