import { CallType } from '../numbering/callType';

/** The usage statement (ご利用明細) of one contract and month, in the JSON shape of spec §6. */
export interface Statement {
  contract: string;
  month: string;
  currency: 'JPY';
  taxIncluded: false;
  revision: number;
  allNumbers: StatementTable;
  numbers: NumberStatement[];
}

export interface StatementTable {
  /** Always all five call types, in statement order, zero rows included. */
  calls: CallRow[];
  total: TotalRow;
  /** 無料通話分: only on the statement of a plan with allowances (applied before 着割). */
  allowance?: AllowanceRow;
  chakuwari: ChakuwariRow;
}

export interface NumberStatement extends StatementTable {
  number: string;
}

export interface CallRow {
  type: CallType;
  label: string;
  count: number;
  durationTenths: number;
  /** `H:MM:SS.s` */
  duration: string;
  /** Whole yen (or the plan's statement decimals) as a decimal string. */
  charge: string;
}

export interface TotalRow {
  count: number;
  durationTenths: number;
  duration: string;
  charge: string;
}

export interface ChakuwariRow {
  count: number;
  durationTenths: number;
  duration: string;
  /** Negative (a discount) or "0". */
  discount: string;
}

/** The allowance used: the calls it covered (wholly or in part), their duration, the charge covered. */
export interface AllowanceRow {
  count: number;
  durationTenths: number;
  duration: string;
  /** Negative (the charge covered) or "0". */
  discount: string;
  /**
   * Only on a plan with an allowance that carries over: what each such allowance was carried in
   * with from the month before (used first). The all-number table has every one (a per-number
   * one summed over the numbers shown), a number's table its per-number ones.
   */
  carriedIn?: CarriedAllowance[];
}

/** An allowance's carried-in amount, exact: yen (up to 4 decimals) or seconds (up to 3 decimals). */
export type CarriedAllowance = { allowance: string; yen: string } | { allowance: string; seconds: string };
