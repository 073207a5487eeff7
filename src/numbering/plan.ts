import { CallType } from '../rate/callType';

/** What a rule says about numbers that start with its prefix. */
export type NumberClass = CallType | 'not-callable';

export interface NumberingRule {
  prefix: string;
  /** Allowed total digit counts; absent means any length. */
  minLength?: number;
  maxLength?: number;
  class: NumberClass;
  /** Japan-time dates: the rule applies from `effectiveFrom` (inclusive) to `effectiveTo` (exclusive). */
  effectiveFrom?: string;
  effectiveTo?: string;
  note?: string;
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
