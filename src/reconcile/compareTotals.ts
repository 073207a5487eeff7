import {
  ChakuwariTotal,
  MonthlyTotals,
  NumberTypeTotal,
  TotalledCall,
  TotalsMismatch,
} from '../aggregate/monthlyTotals';
import { RatedCall } from '../rate/rateRecord';
import { MonthTotals } from '../store/types';
import { formatTenths } from '../time/duration';
import { Detail, difference } from './report';
import { displayYen } from './statementFigures';

/**
 * The stored totals (number_type_totals, chakuwari_totals) against the same sums recomputed from
 * the stored calls by the one aggregation ingest uses (MonthlyTotals), compared both ways.
 */
export type { MonthTotals } from '../store/types';

/** Calls held out of the totals (late, unrated) must not be given here. */
export function recomputeTotals(calls: Iterable<RatedCall>): MonthlyTotals {
  const totals = new MonthlyTotals();
  for (const call of calls) totals.add(call);
  return totals;
}

/** Each row that differs, in the order of its key; rows that agree cost no key and no object. */
export function compareTotals(fromCalls: MonthlyTotals, stored: MonthTotals): Detail[] {
  const mismatches = fromCalls.mismatchesWith(stored);
  return [
    ...compareRows('number_type_totals', mismatches.typeTotals, typeTotalKey, TYPE_TOTAL_FIGURES),
    ...compareRows('chakuwari_totals', mismatches.chakuwariTotals, chakuwariKey, CHAKUWARI_FIGURES),
  ];
}

interface Figure<Row> {
  column: string;
  value: (row: Row) => number;
  /** The figure as a reader checks it: `3,152 yen`, `1:56:08.1`. */
  shown?: (value: number) => string;
  /** Left out of a row's description when zero (the remainder of exact charges, present only with call rounding none). */
  omittedWhenZero?: boolean;
}

const TYPE_TOTAL_FIGURES: Figure<NumberTypeTotal>[] = [
  { column: 'calls', value: (row) => row.calls },
  { column: 'duration_tenths', value: (row) => row.durationTenths, shown: formatTenths },
  { column: 'charge_scaled', value: (row) => row.chargeScaled, shown: (value) => `${displayYen(value)} yen` },
  { column: 'charge_remainder_parts', value: (row) => row.chargeRemainderParts, omittedWhenZero: true },
];

const CHAKUWARI_FIGURES: Figure<ChakuwariTotal>[] = [
  { column: 'calls', value: (row) => row.calls },
  { column: 'duration_tenths', value: (row) => row.durationTenths, shown: formatTenths },
  { column: 'duration_ms', value: (row) => row.durationMs },
];

function typeTotalKey(row: NumberTypeTotal): string {
  return `${row.contractId} ${row.month} ${row.number} ${row.type}`;
}

function chakuwariKey(row: ChakuwariTotal): string {
  return `${row.contractId} ${row.month} ${row.number}`;
}

function compareRows<Row>(
  table: string,
  mismatches: TotalsMismatch<Row>[],
  keyOf: (row: Row) => string,
  figures: Figure<Row>[],
): Detail[] {
  const keyed = mismatches.map((mismatch) => ({ key: keyOf((mismatch.computed ?? mismatch.stored)!), ...mismatch }));
  keyed.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
  const details: Detail[] = [];
  for (const { key, computed, stored: storedRow } of keyed) {
    if (storedRow === undefined) {
      details.push(difference(`${table} ${key}: missing; the calls give ${describe(computed!, figures)}`));
    } else if (computed === undefined) {
      details.push(
        difference(`${table} ${key}: stored (${describe(storedRow, figures)}) but no call of the month makes it`),
      );
    } else {
      for (const figure of figures) {
        const storedValue = figure.value(storedRow);
        const computedValue = figure.value(computed);
        if (storedValue === computedValue) continue;
        details.push(
          difference(
            `${table} ${key}: ${figure.column} stored ${show(figure, storedValue)}, from the calls ${show(figure, computedValue)}`,
          ),
        );
      }
    }
  }
  return details;
}

function describe<Row>(row: Row, figures: Figure<Row>[]): string {
  return figures
    .filter((figure) => figure.omittedWhenZero !== true || figure.value(row) !== 0)
    .map((figure) => `${figure.column} ${show(figure, figure.value(row))}`)
    .join(', ');
}

function show<Row>(figure: Figure<Row>, value: number): string {
  return figure.shown === undefined ? String(value) : `${value} (${figure.shown(value)})`;
}

/** The same, over calls read one at a time from the store. */
export async function recomputeTotalsFrom(
  batches: AsyncIterable<TotalledCall[]>,
  uncounted: (call: TotalledCall) => void = () => undefined,
): Promise<MonthlyTotals> {
  const totals = new MonthlyTotals();
  for await (const calls of batches) for (const call of calls) if (!totals.add(call)) uncounted(call);
  return totals;
}
