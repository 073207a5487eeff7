import { roundScaledYen, RoundingRule } from '../money/scaledYen';
import { Rate } from '../tariff/tariff';

export interface RatedCharge {
  /** Charging units: the initial block (if any) plus each started increment. */
  units: number;
  /** The call's charge in scaled yen, after the tariff's per-call rounding. */
  chargeScaled: number;
}

/**
 * One call, rated on its own. A zero-duration call costs nothing (not even the per-call fee).
 * Without an initial block: units = ceil(duration / unit), charge = fee + units × unit price.
 * With one: the block covers its seconds for its price, then each started increment is charged.
 */
export function rateCall(durationMs: number, rate: Rate, callRounding: RoundingRule): RatedCharge {
  if (durationMs <= 0) return { units: 0, chargeScaled: 0 };
  let units: number;
  let chargeScaled: number;
  if (rate.initialMs > 0) {
    const beyondInitialMs = Math.max(0, durationMs - rate.initialMs);
    const increments = Math.ceil(beyondInitialMs / rate.unitMs);
    units = 1 + increments;
    chargeScaled = rate.perCallFee + rate.initialPrice + increments * rate.unitPrice;
  } else {
    units = Math.ceil(durationMs / rate.unitMs);
    chargeScaled = rate.perCallFee + units * rate.unitPrice;
  }
  return { units, chargeScaled: roundScaledYen(chargeScaled, callRounding) };
}
