import { roundScaledQuotient } from '../money/scaledYen';
import { Chakuwari } from '../tariff/tariff';

/**
 * 着割 for one number and month, in scaled yen (a positive amount, shown negative):
 * the discount per unit applies to the month's total eligible inbound time, not call by call,
 * is rounded by the tariff's rule, and never exceeds the number's outbound call charges.
 *   e.g. 39:07:43.0 = 140,863 s → 140,863 / 60 × 0.5 = 1,173.86 → half-up 1,174 yen
 */
export function chakuwariDiscount(eligibleMs: number, outboundChargeScaled: number, rule: Chakuwari): number {
  const uncapped = roundScaledQuotient(BigInt(eligibleMs) * BigInt(rule.discountPerUnit), BigInt(rule.unitMs), rule.rounding);
  return Math.min(uncapped, Math.max(0, outboundChargeScaled));
}
