import { ConfigurationError } from '../errors';
import { RoundingMode } from '../money/scaledYen';

/**
 * The dated tables a bill reads besides the statement (data/charges/*.json, data/issuer.json):
 * plain values, looked up by month of use. A month no row covers is a ConfigurationError naming
 * the month and the table — never a silent 0.
 */
export interface DatedRow {
  /** `YYYY-MM`, first month of use the row covers. */
  from: string;
  /** `YYYY-MM`, last month covered; null: open-ended. */
  to: string | null;
  source: string;
}

export interface LevyRow extends DatedRow {
  /** Whole yen per active number per month, before tax. */
  amount: string;
}

export type LevyKind = 'universal-service' | 'relay-service';

export interface LevyTable {
  kind: LevyKind;
  label: string;
  rows: LevyRow[];
}

export type ChakuwariTarget = 'taxable' | 'exempt';

export interface BasicFeeRow extends DatedRow {
  plan: string;
  /** Whole yen per month, before tax. */
  amount: string;
  per: 'number' | 'contract';
  /** `none`: a full month for any part of it; `daily`: by the days active, rounded down to whole yen. */
  proration: 'none' | 'daily';
  /** The order in which 着割 reduces the charges it discounts. */
  chakuwariOrder: ChakuwariTarget[];
}

export interface TaxRateRow extends DatedRow {
  rate: '5' | '8' | '10';
}

export interface TaxTable {
  id: string;
  rounding: { mode: RoundingMode };
  rates: TaxRateRow[];
}

export interface Issuer {
  name: string;
  registrationNumber: string;
  address: string;
}

export interface ChargeTables {
  basicFees: BasicFeeRow[];
  universalService: LevyTable;
  relayService: LevyTable;
  tax: TaxTable;
}

/** The charges of one plan and month of use, as an invoice applies them. */
export interface MonthCharges {
  basicFee: BasicFeeRow;
  universalService: string;
  relayService: string;
  taxRate: '5' | '8' | '10';
  taxRounding: RoundingMode;
}

function covers(row: DatedRow, month: string): boolean {
  return row.from <= month && (row.to === null || month <= row.to);
}

/** The one row covering the month, or a ConfigurationError naming the month and the table. */
export function rowFor<R extends DatedRow>(rows: readonly R[], month: string, table: string): R {
  const row = rows.find((candidate) => covers(candidate, month));
  if (row === undefined)
    throw new ConfigurationError(`${table} does not cover the month of use ${month}: add a row for it (data/charges/)`);
  return row;
}

/** The charges of a plan for a month of use: every table must cover it. */
export function monthCharges(tables: ChargeTables, plan: string, month: string): MonthCharges {
  const basicFee = rowFor(
    tables.basicFees.filter((row) => row.plan === plan),
    month,
    `the basic fees (基本料) of plan ${plan}`,
  );
  return {
    basicFee,
    universalService: rowFor(tables.universalService.rows, month, `the ${tables.universalService.label} table`).amount,
    relayService: rowFor(tables.relayService.rows, month, `the ${tables.relayService.label} table`).amount,
    taxRate: rowFor(tables.tax.rates, month, 'the consumption tax table').rate,
    taxRounding: tables.tax.rounding.mode,
  };
}

/**
 * Checks a table's rows once, when loaded: each row's from ≤ to, and no month covered twice
 * (`key` separates rows that may overlap, e.g. the basic fees of two plans).
 */
export function checkDatedRows(rows: readonly DatedRow[], key: (row: DatedRow) => string = () => ''): string[] {
  const problems: string[] = [];
  rows.forEach((row, index) => {
    if (row.to !== null && row.to < row.from) problems.push(`row ${index}: to ${row.to} is before from ${row.from}`);
  });
  const byKey = new Map<string, { row: DatedRow; index: number }[]>();
  rows.forEach((row, index) => byKey.set(key(row), [...(byKey.get(key(row)) ?? []), { row, index }]));
  for (const group of byKey.values()) {
    const sorted = [...group].sort((left, right) => (left.row.from < right.row.from ? -1 : 1));
    for (let at = 1; at < sorted.length; at += 1) {
      const previous = sorted[at - 1]!;
      const current = sorted[at]!;
      if (previous.row.to === null || previous.row.to >= current.row.from) {
        problems.push(`rows ${previous.index} and ${current.index} both cover ${current.row.from}`);
      }
    }
  }
  return problems;
}
