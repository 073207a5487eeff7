import { japanDateStartMs } from '../time/japanTime';
import { CallType } from './callType';
import { DatedRule, NumberClass, NumberingPlanFile } from './plan';

export type Classification =
  | { kind: 'callable'; type: Exclude<NumberClass, 'not-callable'> }
  /** `pricedAs`: a tariff with a rate for the number's prefix may rate it as that type (`pricedOutboundType`). */
  | { kind: 'not-callable'; prefix: string; pricedAs?: CallType }
  | { kind: 'invalid'; message: string };

/**
 * The numbering plan as a lookup: the longest prefix among the rules in effect at the call's
 * start decides; a number whose length that rule does not allow is invalid (it does not fall
 * back to a shorter prefix).
 */
export class NumberingPlan {
  readonly id: string;
  private readonly rulesByPrefix = new Map<string, DatedRule[]>();
  private readonly longestPrefix: number;

  constructor(
    /** The plan as written (an ingest worker compiles the same plan from it). */
    readonly file: NumberingPlanFile,
  ) {
    this.id = file.id;
    let longest = 0;
    for (const rule of file.rules) {
      const dated: DatedRule = {
        ...rule,
        fromMs: rule.effectiveFrom === undefined ? Number.NEGATIVE_INFINITY : japanDateStartMs(rule.effectiveFrom),
        toMs: rule.effectiveTo === undefined ? Number.POSITIVE_INFINITY : japanDateStartMs(rule.effectiveTo),
      };
      const sharing = this.rulesByPrefix.get(rule.prefix) ?? [];
      for (const other of sharing) {
        if (dated.fromMs < other.toMs && other.fromMs < dated.toMs) {
          throw new RangeError(`numbering plan ${file.id}: two rules for prefix ${rule.prefix} overlap in time`);
        }
      }
      if (rule.pricedAs !== undefined && rule.class !== 'not-callable') {
        throw new RangeError(
          `numbering plan ${file.id}: prefix ${rule.prefix} is ${rule.class}; only a not-callable rule takes pricedAs`,
        );
      }
      sharing.push(dated);
      this.rulesByPrefix.set(rule.prefix, sharing);
      longest = Math.max(longest, rule.prefix.length);
    }
    this.longestPrefix = longest;
  }

  classify(digits: string, atMs: number): Classification {
    for (let length = Math.min(this.longestPrefix, digits.length); length > 0; length -= 1) {
      const prefix = digits.slice(0, length);
      const rule = this.rulesByPrefix
        .get(prefix)
        ?.find((candidate) => candidate.fromMs <= atMs && atMs < candidate.toMs);
      if (rule === undefined) continue;
      const lengthFits =
        (rule.minLength === undefined || digits.length >= rule.minLength) &&
        (rule.maxLength === undefined || digits.length <= rule.maxLength);
      if (rule.class === 'not-callable') {
        // A number the plan may price must have the rule's length; any other stays not callable.
        return rule.pricedAs !== undefined && lengthFits
          ? { kind: 'not-callable', prefix, pricedAs: rule.pricedAs }
          : { kind: 'not-callable', prefix };
      }
      if (!lengthFits) {
        return {
          kind: 'invalid',
          message: `${digits} has ${digits.length} digits; numbers starting ${prefix} have ${lengthText(rule)}`,
        };
      }
      return { kind: 'callable', type: rule.class };
    }
    return { kind: 'invalid', message: `${digits} matches no number range of the numbering plan` };
  }
}

function lengthText(rule: DatedRule): string {
  if (rule.minLength === rule.maxLength) return String(rule.minLength);
  return `${rule.minLength ?? 1} to ${rule.maxLength ?? 'any'}`;
}
