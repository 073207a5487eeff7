import { roundScaledQuotient } from '../money/scaledYen';
import { Chakuwari } from '../tariff/tariff';

/**
 * 着割 for one number and month, in scaled yen (a positive amount, shown negative):
 * the discount per unit applies to the month's total eligible inbound time, not call by call,
 * is rounded by the tariff's rule, and never exceeds the number's outbound call charges.
 *   e.g. 39:07:43.0 = 140,863 s → 140,863 / 60 × 0.5 = 1,173.86 → half-up 1,174 yen
 */
export function chakuwariDiscount(eligibleMs: number, outboundChargeScaled: number, rule: Chakuwari): number {
  const uncapped = roundScaledQuotient(
    BigInt(eligibleMs) * BigInt(rule.discountPerUnit),
    BigInt(rule.unitMs),
    rule.rounding,
  );
  return Math.min(uncapped, Math.max(0, outboundChargeScaled));
}

/**
 * What one eligible inbound call adds to its number's 着割: exactly `durationMs / unitMs ×
 * discountPerUnit`, as parts of a yen (36,000,000 to the yen) over `partsDenominator`; and what
 * the call alone would earn in a month, rounded by the rule before the cap (the month rounds the
 * sum of its eligible time, so calls' shares do not add up to the rounded discount).
 *   e.g. 93.5 s at 0.5 yen per 60 s: 93,500 × 5,000 × 3,600 / 60,000 parts = 0.779166… (187/240) yen; alone half-up 1 yen
 */
export function chakuwariShare(
  durationMs: number,
  rule: Chakuwari,
): { parts: bigint; partsDenominator: bigint; aloneScaled: number } {
  return {
    parts: BigInt(durationMs) * BigInt(rule.discountPerUnit) * 3600n,
    partsDenominator: BigInt(rule.unitMs),
    aloneScaled: chakuwariDiscount(durationMs, Number.MAX_SAFE_INTEGER, rule),
  };
}
