import { CallType } from './callType';

/** What a rule says about numbers that start with its prefix. */
export type NumberClass = CallType | 'not-callable';

export interface NumberingRule {
  prefix: string;
  /** Allowed total digit counts; absent means any length. */
  minLength?: number;
  maxLength?: number;
  class: NumberClass;
  /**
   * A `not-callable` rule only: the call type a tariff may price these numbers as (0570 navi
   * dial as `general`, 020 M2M as `mobile`). Callable only under a tariff version with a rate for
   * a prefix of the number; otherwise refused `NOT_CALLABLE` as before.
   */
  pricedAs?: CallType;
  /** Japan-time dates: the rule applies from `effectiveFrom` (inclusive) to `effectiveTo` (exclusive). */
  effectiveFrom?: string;
  effectiveTo?: string;
  note?: string;
  /** Where the rule comes from (the spec, a MIC decision). */
  source?: string;
}

export interface NumberingPlanFile {
  id: string;
  description?: string;
  rules: NumberingRule[];
}

export interface DatedRule extends NumberingRule {
  fromMs: number;
  toMs: number;
}
