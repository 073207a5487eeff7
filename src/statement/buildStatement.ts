import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { chakuwariDiscount } from '../discount/chakuwari';
import { formatScaledYen, roundScaledQuotient, roundScaledYen } from '../money/scaledYen';
import { CALL_TYPE_LABELS, CALL_TYPES } from '../rate/callType';
import { EXACT_PARTS_PER_SCALED_YEN, Tariff } from '../tariff/tariff';
import { formatTenths } from '../time/duration';
import { NumberStatement, Statement, StatementTable } from './statement';

export interface StatementInput {
  contractId: string;
  month: string;
  revision: number;
  /** The version whose statement rounding and 着割 rule finish this month. */
  tariff: Tariff;
  typeTotals: NumberTypeTotal[];
  chakuwariTotals: ChakuwariTotal[];
}

/** Row sums in scaled yen before formatting, so the all-number table adds exact figures. */
interface TableSums {
  rows: { count: number; durationTenths: number; chargeScaled: number }[];
  chakuwari: { count: number; durationTenths: number; eligibleMs: number; discountScaled: number };
}

/**
 * Builds the statement from per-number sums. Each number's row charge is its exact sum rounded
 * by the statement rule; its total row is the sum of the rows shown; its 着割 is capped at that
 * total. Every all-number figure is the sum of the per-number figures, so the tables foot.
 */
export function buildStatement(input: StatementInput): Statement {
  const byNumber = groupByNumber(input);
  const decimals = input.tariff.statementRounding.decimals;

  const allSums = emptySums();
  const numberStatements: NumberStatement[] = [];
  for (const [number, totals] of [...byNumber].sort(([left], [right]) => (left < right ? -1 : 1))) {
    const sums = emptySums();
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
          : roundScaledQuotient(BigInt(row.chargeScaled) * BigInt(EXACT_PARTS_PER_SCALED_YEN) + BigInt(parts), BigInt(EXACT_PARTS_PER_SCALED_YEN), input.tariff.statementRounding);
    });
    const outboundChargeScaled = sums.rows.reduce((sum, row) => sum + row.chargeScaled, 0);
    for (const eligible of totals.chakuwariTotals) {
      sums.chakuwari.count += eligible.calls;
      sums.chakuwari.durationTenths += eligible.durationTenths;
      sums.chakuwari.eligibleMs += eligible.durationMs;
    }
    sums.chakuwari.discountScaled = chakuwariDiscount(sums.chakuwari.eligibleMs, outboundChargeScaled, input.tariff.chakuwari);
    addSums(allSums, sums);
    numberStatements.push({ number, ...renderTable(sums, decimals) });
  }
  return {
    contract: input.contractId,
    month: input.month,
    currency: 'JPY',
    taxIncluded: false,
    revision: input.revision,
    allNumbers: renderTable(allSums, decimals),
    numbers: numberStatements,
  };
}

/** Each number's totals; a total of another contract or month is a caller's bug, not data to mix in. */
function groupByNumber(input: StatementInput): Map<string, Pick<StatementInput, 'typeTotals' | 'chakuwariTotals'>> {
  const byNumber = new Map<string, Pick<StatementInput, 'typeTotals' | 'chakuwariTotals'>>();
  const entry = (total: { contractId: string; month: string; number: string }): Pick<StatementInput, 'typeTotals' | 'chakuwariTotals'> => {
    if (total.contractId !== input.contractId || total.month !== input.month) {
      throw new Error(`a total of ${total.contractId} ${total.month} was given for the statement of ${input.contractId} ${input.month}`);
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

function emptySums(): TableSums {
  return {
    rows: CALL_TYPES.map(() => ({ count: 0, durationTenths: 0, chargeScaled: 0 })),
    chakuwari: { count: 0, durationTenths: 0, eligibleMs: 0, discountScaled: 0 },
  };
}

function addSums(into: TableSums, from: TableSums): void {
  from.rows.forEach((row, index) => {
    const target = into.rows[index]!;
    target.count += row.count;
    target.durationTenths += row.durationTenths;
    target.chargeScaled += row.chargeScaled;
  });
  into.chakuwari.count += from.chakuwari.count;
  into.chakuwari.durationTenths += from.chakuwari.durationTenths;
  into.chakuwari.eligibleMs += from.chakuwari.eligibleMs;
  into.chakuwari.discountScaled += from.chakuwari.discountScaled;
}

function renderTable(sums: TableSums, decimals: number): StatementTable {
  const total = sums.rows.reduce(
    (sum, row) => ({
      count: sum.count + row.count,
      durationTenths: sum.durationTenths + row.durationTenths,
      chargeScaled: sum.chargeScaled + row.chargeScaled,
    }),
    { count: 0, durationTenths: 0, chargeScaled: 0 },
  );
  const discount = sums.chakuwari.discountScaled;
  return {
    calls: CALL_TYPES.map((type, index) => {
      const row = sums.rows[index]!;
      return {
        type,
        label: CALL_TYPE_LABELS[type],
        count: row.count,
        durationTenths: row.durationTenths,
        duration: formatTenths(row.durationTenths),
        charge: formatScaledYen(row.chargeScaled, decimals),
      };
    }),
    total: {
      count: total.count,
      durationTenths: total.durationTenths,
      duration: formatTenths(total.durationTenths),
      charge: formatScaledYen(total.chargeScaled, decimals),
    },
    chakuwari: {
      count: sums.chakuwari.count,
      durationTenths: sums.chakuwari.durationTenths,
      duration: formatTenths(sums.chakuwari.durationTenths),
      discount: discount === 0 ? formatScaledYen(0, decimals) : formatScaledYen(-discount, decimals),
    },
  };
}
