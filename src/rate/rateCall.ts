import { roundScaledQuotient, roundScaledYen } from '../money/scaledYen';
import { EXACT_PARTS_PER_SCALED_YEN, Rate } from '../tariff/tariff';
import { CallRoundingRule } from '../tariff/tariffFile';

export interface RatedCharge {
  /** Charged increments, summed over every step (and band segment) of the call. */
  units: number;
  /**
   * The call's charge in scaled yen, after the tariff's per-call rounding. With rounding
   * `none` it is the exact charge cut to scaled yen, and `chargeRemainderParts` holds the rest.
   */
  chargeScaled: number;
  /** Rounding `none` only: the exact charge beyond `chargeScaled`, in 1/3600 of a scaled yen (0–3599). */
  chargeRemainderParts: number;
}

/** A stretch of the call's elapsed time and the rate that prices it (one, unless the call is split at a band boundary). */
export interface RateSegment {
  fromMs: number;
  toMs: number;
  band: string | null;
  rate: Rate;
}

/** One step of one segment, as charged: what `meisai quote` shows. */
export interface ChargedPiece {
  band: string | null;
  rateId: string;
  stepFromSeconds: number;
  /** Elapsed time of the call that fell in this step and segment. */
  elapsedMs: number;
  priceScaled: number;
  rateUnitSeconds: number;
  incrementSeconds: number;
  units: number;
  billedSeconds: number;
  chargeParts: number;
}

export interface ChargeExplanation {
  pieces: ChargedPiece[];
  connectFeeScaled: number;
  /** Fee plus pieces, in parts (1/3600 of a scaled yen), before the minimum and maximum. */
  subtotalParts: number;
  minimumApplied: boolean;
  maximumApplied: boolean;
  /** The exact charge the rounding starts from, in parts. */
  exactParts: number;
  rounding: CallRoundingRule;
}

/**
 * One call, rated on its own by one rate (`rateSegments` for a call split between bands).
 * A zero-duration call costs nothing (not even the connect fee).
 */
export function rateCall(durationMs: number, rate: Rate, callRounding: CallRoundingRule, explanation?: ChargeExplanation): RatedCharge {
  return rateSegments(durationMs, [{ fromMs: 0, toMs: durationMs, band: rate.band, rate }], callRounding, explanation);
}

/**
 * The arithmetic of a call, exact throughout. For each segment and each step of its rate, the
 * elapsed time inside the step is charged per started increment:
 *   units = ceil(time in step / increment), billed = units × increment,
 *   charge = billed × price / rate unit.
 * The connect fee, the minimum and the maximum are the start segment's rate's. Every amount is an
 * integer count of parts (1/3600 of a scaled yen): a rate unit divides 3600 s, so a per-second
 * share of a per-minute price is a whole number of parts, never a float. Then the call rounding.
 */
export function rateSegments(durationMs: number, segments: RateSegment[], callRounding: CallRoundingRule, explanation?: ChargeExplanation): RatedCharge {
  if (durationMs <= 0) return { units: 0, chargeScaled: 0, chargeRemainderParts: 0 };
  const startRate = segments[0]!.rate;
  let units = 0;
  let subtotalParts = startRate.connectFee * EXACT_PARTS_PER_SCALED_YEN;
  for (const segment of segments) {
    for (const step of segment.rate.steps) {
      const fromMs = Math.max(segment.fromMs, step.fromMs);
      const toMs = Math.min(segment.toMs, step.toMs);
      if (toMs <= fromMs) continue;
      const stepUnits = Math.ceil((toMs - fromMs) / step.incrementMs);
      const billedSeconds = stepUnits * step.incrementSeconds;
      const chargeParts = billedSeconds * step.partsPerBilledSecond;
      units += stepUnits;
      subtotalParts += chargeParts;
      explanation?.pieces.push({
        band: segment.band,
        rateId: segment.rate.id,
        stepFromSeconds: step.fromMs / 1000,
        elapsedMs: toMs - fromMs,
        priceScaled: step.priceScaled,
        rateUnitSeconds: step.rateUnitSeconds,
        incrementSeconds: step.incrementSeconds,
        units: stepUnits,
        billedSeconds,
        chargeParts,
      });
    }
  }
  if (!Number.isSafeInteger(subtotalParts)) throw new RangeError(`a call's charge (${subtotalParts} parts) is beyond exact integers`);
  let exactParts = subtotalParts;
  const minimumParts = startRate.minimumCharge === null ? null : startRate.minimumCharge * EXACT_PARTS_PER_SCALED_YEN;
  const maximumParts = startRate.maximumCharge === null ? null : startRate.maximumCharge * EXACT_PARTS_PER_SCALED_YEN;
  const minimumApplied = minimumParts !== null && exactParts < minimumParts;
  if (minimumApplied) exactParts = minimumParts;
  const maximumApplied = maximumParts !== null && exactParts > maximumParts;
  if (maximumApplied) exactParts = maximumParts;
  if (explanation !== undefined) {
    explanation.connectFeeScaled = startRate.connectFee;
    explanation.subtotalParts = subtotalParts;
    explanation.minimumApplied = minimumApplied;
    explanation.maximumApplied = maximumApplied;
    explanation.exactParts = exactParts;
    explanation.rounding = callRounding;
  }
  return { units, ...roundParts(exactParts, callRounding) };
}

/** Exact parts to the call's stored charge: rounded by the rule, or (none) cut to scaled yen with the remainder kept. */
export function roundParts(exactParts: number, rule: CallRoundingRule): { chargeScaled: number; chargeRemainderParts: number } {
  const wholeScaled = Math.floor(exactParts / EXACT_PARTS_PER_SCALED_YEN);
  const remainderParts = exactParts - wholeScaled * EXACT_PARTS_PER_SCALED_YEN;
  if (rule.mode === 'none') return { chargeScaled: wholeScaled, chargeRemainderParts: remainderParts };
  if (remainderParts === 0) return { chargeScaled: roundScaledYen(wholeScaled, rule), chargeRemainderParts: 0 };
  return { chargeScaled: roundScaledQuotient(BigInt(exactParts), BigInt(EXACT_PARTS_PER_SCALED_YEN), rule), chargeRemainderParts: 0 };
}

/** An empty explanation for `rateCall` to fill. */
export function newChargeExplanation(): ChargeExplanation {
  return { pieces: [], connectFeeScaled: 0, subtotalParts: 0, minimumApplied: false, maximumApplied: false, exactParts: 0, rounding: { mode: 'none' } };
}
