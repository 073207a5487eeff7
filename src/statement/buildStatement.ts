import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { AllowanceUse } from '../discount/allowance';
import { chakuwariDiscount } from '../discount/chakuwari';
import { formatScaledYen, roundScaledQuotient, roundScaledYen, shownDecimals } from '../money/scaledYen';
import { CALL_TYPE_LABELS, CALL_TYPES } from '../numbering/callType';
import { EXACT_PARTS_PER_SCALED_YEN, Tariff } from '../tariff/tariff';
import { formatTenths } from '../time/duration';
import { carriedInRow, carryingAllowances } from './carriedIn';
import { CarriedAllowance, NumberStatement, Statement, StatementTable } from './statement';

export interface StatementInput {
  contractId: string;
  month: string;
  revision: number;
  /** The version whose statement rounding and 着割 rule finish this month. */
  tariff: Tariff;
  typeTotals: NumberTypeTotal[];
  chakuwariTotals: ChakuwariTotal[];
  /** The month's 無料通話分 (a plan with allowances only): absent, the statement has no allowance row. */
  allowanceUse?: AllowanceUse;
}

/**
 * Row sums in scaled yen before formatting, so the all-number table adds exact figures. One
 * number's sums are exact numbers (each stored total is within store/totalsBound.ts's bound, five
 * rows of it stay below 2^53); sums across numbers are bigint, exact however many numbers add up.
 */
interface TableSums<Figure extends number | bigint> {
  rows: { count: Figure; durationTenths: Figure; chargeScaled: Figure }[];
  chakuwari: { count: Figure; durationTenths: Figure; eligibleMs: Figure; discountScaled: Figure };
  allowance: { count: Figure; durationTenths: Figure; discountScaled: Figure };
}

/**
 * Builds the statement from per-number sums. Each number's row charge is its exact sum rounded
 * by the statement rule; its total row is the sum of the rows shown; its 無料通話分 (the charge
 * the allowances covered, rounded by the statement rule) is capped at its domestic rows; its 着割 is
 * capped at what is left of the total after the allowance. Every all-number figure is the sum of the per-number figures, so the tables foot.
 */
export function buildStatement(input: StatementInput): Statement {
  const byNumber = groupByNumber(input);
  const decimals = shownDecimals(input.tariff.statementRounding);

  // A plan with an allowance that carries over shows what each was carried in with (none: as before).
  const carrying = input.allowanceUse !== undefined && carryingAllowances(input.tariff.allowances).length > 0;
  const carried = (number: string | null): CarriedAllowance[] | undefined =>
    carrying ? carriedInRow(input.tariff.allowances, input.allowanceUse!, number, [...byNumber.keys()]) : undefined;
  const allSums = emptySums<bigint>(0n);
  const numberStatements: NumberStatement[] = [];
  for (const [number, totals] of [...byNumber].sort(([left], [right]) => (left < right ? -1 : 1))) {
    const sums = emptySums<number>(0);
    const remainderParts = CALL_TYPES.map(() => 0);
    for (const total of totals.typeTotals) {
      const row = sums.rows[CALL_TYPES.indexOf(total.type)]!;
      row.count += total.calls;
      row.durationTenths += total.durationTenths;
      row.chargeScaled += total.chargeScaled;
      remainderParts[CALL_TYPES.indexOf(total.type)]! += total.chargeRemainderParts;
    }
    // A row's exact charge is its calls' charges plus the remainders kept by call rounding none.
    sums.rows.forEach((row, index) => {
      const parts = remainderParts[index]!;
      row.chargeScaled =
        parts === 0
          ? roundScaledYen(row.chargeScaled, input.tariff.statementRounding)
          : roundScaledQuotient(
              BigInt(row.chargeScaled) * BigInt(EXACT_PARTS_PER_SCALED_YEN) + BigInt(parts),
              BigInt(EXACT_PARTS_PER_SCALED_YEN),
              input.tariff.statementRounding,
            );
    });
    const outboundChargeScaled = sums.rows.reduce((sum, row) => sum + row.chargeScaled, 0);
    const used = input.allowanceUse?.byNumber.get(number);
    if (used !== undefined) {
      sums.allowance.count = used.calls;
      sums.allowance.durationTenths = used.durationTenths;
      // Capped at the domestic rows (allowances cover no international call), so a rounding up never passes them.
      const domesticChargeScaled = outboundChargeScaled - sums.rows[CALL_TYPES.indexOf('international')]!.chargeScaled;
      sums.allowance.discountScaled = Math.min(
        roundScaledYen(used.coveredScaled, input.tariff.statementRounding),
        domesticChargeScaled,
      );
    }
    for (const eligible of totals.chakuwariTotals) {
      sums.chakuwari.count += eligible.calls;
      sums.chakuwari.durationTenths += eligible.durationTenths;
      sums.chakuwari.eligibleMs += eligible.durationMs;
    }
    // 着割 is capped at the charges the allowance left: 1,500 yen of calls, 1,000 covered → 着割 at most 500.
    sums.chakuwari.discountScaled = chakuwariDiscount(
      sums.chakuwari.eligibleMs,
      outboundChargeScaled - sums.allowance.discountScaled,
      input.tariff.chakuwari,
    );
    addSums(allSums, sums);
    numberStatements.push({
      number,
      ...renderTable(sums, decimals, input.allowanceUse !== undefined, carried(number)),
    });
  }
  return {
    contract: input.contractId,
    month: input.month,
    currency: 'JPY',
    taxIncluded: false,
    revision: input.revision,
    allNumbers: renderTable(allSums, decimals, input.allowanceUse !== undefined, carried(null)),
    numbers: numberStatements,
  };
}

/** Each number's totals; a total of another contract or month is a caller's bug, not data to mix in. */
function groupByNumber(input: StatementInput): Map<string, Pick<StatementInput, 'typeTotals' | 'chakuwariTotals'>> {
  const byNumber = new Map<string, Pick<StatementInput, 'typeTotals' | 'chakuwariTotals'>>();
  const entry = (total: {
    contractId: string;
    month: string;
    number: string;
  }): Pick<StatementInput, 'typeTotals' | 'chakuwariTotals'> => {
    if (total.contractId !== input.contractId || total.month !== input.month) {
      throw new Error(
        `a total of ${total.contractId} ${total.month} was given for the statement of ${input.contractId} ${input.month}`,
      );
    }
    let found = byNumber.get(total.number);
    if (found === undefined) {
      found = { typeTotals: [], chakuwariTotals: [] };
      byNumber.set(total.number, found);
    }
    return found;
  };
  for (const total of input.typeTotals) entry(total).typeTotals.push(total);
  for (const total of input.chakuwariTotals) entry(total).chakuwariTotals.push(total);
  return byNumber;
}

function emptySums<Figure extends number | bigint>(zero: Figure): TableSums<Figure> {
  return {
    rows: CALL_TYPES.map(() => ({ count: zero, durationTenths: zero, chargeScaled: zero })),
    chakuwari: { count: zero, durationTenths: zero, eligibleMs: zero, discountScaled: zero },
    allowance: { count: zero, durationTenths: zero, discountScaled: zero },
  };
}

function addSums(into: TableSums<bigint>, from: TableSums<number>): void {
  from.rows.forEach((row, index) => {
    const target = into.rows[index]!;
    target.count += BigInt(row.count);
    target.durationTenths += BigInt(row.durationTenths);
    target.chargeScaled += BigInt(row.chargeScaled);
  });
  into.chakuwari.count += BigInt(from.chakuwari.count);
  into.chakuwari.durationTenths += BigInt(from.chakuwari.durationTenths);
  into.chakuwari.eligibleMs += BigInt(from.chakuwari.eligibleMs);
  into.chakuwari.discountScaled += BigInt(from.chakuwari.discountScaled);
  into.allowance.count += BigInt(from.allowance.count);
  into.allowance.durationTenths += BigInt(from.allowance.durationTenths);
  into.allowance.discountScaled += BigInt(from.allowance.discountScaled);
}

/** A count or a duration in tenths as the statement's JSON carries it: a number, exact or not at all. */
function exactFigure(value: bigint, what: string): number {
  const figure = Number(value);
  if (!Number.isSafeInteger(figure)) throw new RangeError(`the statement's ${what} ${value} is beyond exact integers`);
  return figure;
}

function renderTable(
  sums: TableSums<number | bigint>,
  decimals: number,
  withAllowance: boolean,
  carriedIn: CarriedAllowance[] | undefined,
): StatementTable {
  const total = sums.rows.reduce<{ count: bigint; durationTenths: bigint; chargeScaled: bigint }>(
    (sum, row) => ({
      count: sum.count + BigInt(row.count),
      durationTenths: sum.durationTenths + BigInt(row.durationTenths),
      chargeScaled: sum.chargeScaled + BigInt(row.chargeScaled),
    }),
    { count: 0n, durationTenths: 0n, chargeScaled: 0n },
  );
  const negated = (amount: number | bigint): string =>
    BigInt(amount) === 0n ? formatScaledYen(0, decimals) : formatScaledYen(-BigInt(amount), decimals);
  const durationOf = (tenths: number | bigint): { durationTenths: number; duration: string } => {
    const durationTenths = exactFigure(BigInt(tenths), 'duration in tenths');
    return { durationTenths, duration: formatTenths(durationTenths) };
  };
  return {
    calls: CALL_TYPES.map((type, index) => {
      const row = sums.rows[index]!;
      return {
        type,
        label: CALL_TYPE_LABELS[type],
        count: exactFigure(BigInt(row.count), 'count'),
        ...durationOf(row.durationTenths),
        charge: formatScaledYen(row.chargeScaled, decimals),
      };
    }),
    total: {
      count: exactFigure(total.count, 'count'),
      ...durationOf(total.durationTenths),
      charge: formatScaledYen(total.chargeScaled, decimals),
    },
    ...(withAllowance
      ? {
          allowance: {
            count: exactFigure(BigInt(sums.allowance.count), 'count'),
            ...durationOf(sums.allowance.durationTenths),
            discount: negated(sums.allowance.discountScaled),
            ...(carriedIn === undefined ? {} : { carriedIn }),
          },
        }
      : {}),
    chakuwari: {
      count: exactFigure(BigInt(sums.chakuwari.count), 'count'),
      ...durationOf(sums.chakuwari.durationTenths),
      discount: negated(sums.chakuwari.discountScaled),
    },
  };
}
