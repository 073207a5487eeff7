import { greatestCommonDivisor, roundScaledQuotient, roundScaledYen } from '../money/scaledYen';
import { EXACT_PARTS_PER_SCALED_YEN, Rate, RatePricing, RateStep } from '../tariff/tariff';
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
  pricing: RatePricing;
  stepFromSeconds: number;
  /** Elapsed time of the call that fell in this step and segment (volume: the whole segment). */
  elapsedMs: number;
  priceScaled: number;
  rateUnitSeconds: number;
  incrementSeconds: number;
  units: number;
  billedSeconds: number;
  /** The step's flat amount, when the call entered the step in this piece (scaled yen). */
  flatFeeScaled: number;
  /** In parts of the explanation's `partsDenominator`. */
  chargeParts: number;
}

export interface ChargeExplanation {
  pieces: ChargedPiece[];
  connectFeeScaled: number;
  /**
   * Every part figure below counts 1/(3600 × partsDenominator) of a scaled yen: 1 when each
   * increment costs whole parts, else the common denominator of the steps' fractions.
   */
  partsDenominator: number;
  /** Fee plus pieces, in parts, before the minimum and maximum. */
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
export function rateCall(
  durationMs: number,
  rate: Rate,
  callRounding: CallRoundingRule,
  explanation?: ChargeExplanation,
): RatedCharge {
  return rateSegments(durationMs, [{ fromMs: 0, toMs: durationMs, band: rate.band, rate }], callRounding, explanation);
}

/** A stretch of elapsed time charged by one step: its increments, and whether it carries the step's flat amount. */
interface Piece {
  segment: RateSegment;
  step: RateStep;
  elapsedMs: number;
  units: number;
  flatFee: number;
}

/**
 * The pieces of a call: for each segment, `graduated` rates charge the time inside each step
 * (the flat amount of a step in the piece where the call enters it); `volume` rates charge the
 * whole segment at the step the call's duration reaches (its flat amount once, at the start).
 * Units are ceil(time / increment) per piece.
 */
function piecesOf(durationMs: number, segments: RateSegment[]): Piece[] {
  const pieces: Piece[] = [];
  for (const segment of segments) {
    const steps = segment.rate.steps;
    if (segment.rate.pricing === 'volume') {
      // The step the duration reaches: the last that starts before the call ends.
      let reached = steps[0]!;
      for (const step of steps) if (step.fromMs < durationMs) reached = step;
      const elapsedMs = segment.toMs - segment.fromMs;
      if (elapsedMs <= 0) continue;
      pieces.push({
        segment,
        step: reached,
        elapsedMs,
        units: Math.ceil(elapsedMs / reached.incrementMs),
        flatFee: segment.fromMs === 0 ? reached.flatFee : 0,
      });
      continue;
    }
    for (const step of steps) {
      const fromMs = Math.max(segment.fromMs, step.fromMs);
      const toMs = Math.min(segment.toMs, step.toMs);
      if (toMs <= fromMs) continue;
      pieces.push({
        segment,
        step,
        elapsedMs: toMs - fromMs,
        units: Math.ceil((toMs - fromMs) / step.incrementMs),
        flatFee: fromMs === step.fromMs ? step.flatFee : 0,
      });
    }
  }
  return pieces;
}

/**
 * The arithmetic of a call, exact throughout. Each piece is charged per started increment:
 *   units = ceil(time in piece / increment), charge = units × increment × price / rate unit
 *   (+ the step's flat amount where the call enters it).
 * The connect fee, the minimum and the maximum are the start segment's rate's. Amounts are
 * integer counts of parts (1/3600 of a scaled yen) when every increment costs whole parts (a rate
 * unit dividing 3600 s, charged per whole seconds, always does); otherwise exact fractions of
 * parts over a common denominator, in bigint. Never a float. Then the call rounding.
 */
export function rateSegments(
  durationMs: number,
  segments: RateSegment[],
  callRounding: CallRoundingRule,
  explanation?: ChargeExplanation,
): RatedCharge {
  if (durationMs <= 0) return { units: 0, chargeScaled: 0, chargeRemainderParts: 0 };
  const startRate = segments[0]!.rate;
  const pieces = piecesOf(durationMs, segments);
  let units = 0;
  let denominator = 1n;
  for (const piece of pieces) {
    units += piece.units;
    if (piece.step.partsPerIncrement === null)
      denominator = leastCommonMultiple(denominator, piece.step.partsPerIncrementDenominator);
  }
  if (denominator === 1n) return chargeInParts(pieces, units, startRate, callRounding, explanation);
  return chargeInFractions(pieces, units, denominator, startRate, callRounding, explanation);
}

/** Every increment costs whole parts: sums of safe integers. */
function chargeInParts(
  pieces: Piece[],
  units: number,
  startRate: Rate,
  callRounding: CallRoundingRule,
  explanation?: ChargeExplanation,
): RatedCharge {
  let subtotalParts = startRate.connectFee * EXACT_PARTS_PER_SCALED_YEN;
  for (const piece of pieces) {
    const chargeParts = piece.units * piece.step.partsPerIncrement! + piece.flatFee * EXACT_PARTS_PER_SCALED_YEN;
    subtotalParts += chargeParts;
    if (explanation !== undefined) explanation.pieces.push(explainedPiece(piece, chargeParts));
  }
  if (!Number.isSafeInteger(subtotalParts))
    throw new RangeError(`a call's charge (${subtotalParts} parts) is beyond exact integers`);
  let exactParts = subtotalParts;
  const minimumParts = startRate.minimumCharge === null ? null : startRate.minimumCharge * EXACT_PARTS_PER_SCALED_YEN;
  const maximumParts = startRate.maximumCharge === null ? null : startRate.maximumCharge * EXACT_PARTS_PER_SCALED_YEN;
  const minimumApplied = minimumParts !== null && exactParts < minimumParts;
  if (minimumApplied) exactParts = minimumParts;
  const maximumApplied = maximumParts !== null && exactParts > maximumParts;
  if (maximumApplied) exactParts = maximumParts;
  if (explanation !== undefined)
    fillExplanation(explanation, startRate, 1, subtotalParts, exactParts, minimumApplied, maximumApplied, callRounding);
  return { units, ...roundParts(exactParts, callRounding) };
}

/** Some increment costs a fraction of a part: every amount counted in 1/denominator of a part, in bigint. */
function chargeInFractions(
  pieces: Piece[],
  units: number,
  denominator: bigint,
  startRate: Rate,
  callRounding: CallRoundingRule,
  explanation?: ChargeExplanation,
): RatedCharge {
  if (callRounding.mode === 'none')
    throw new RangeError(
      `rate ${startRate.id}: a charge in fractions of a part needs a call rounding rule (the tariff check refuses none)`,
    );
  const partsOfScaled = BigInt(EXACT_PARTS_PER_SCALED_YEN) * denominator;
  let subtotal = BigInt(startRate.connectFee) * partsOfScaled;
  for (const piece of pieces) {
    const step = piece.step;
    const charge =
      BigInt(piece.units) * step.partsPerIncrementNumerator * (denominator / step.partsPerIncrementDenominator) +
      BigInt(piece.flatFee) * partsOfScaled;
    subtotal += charge;
    if (explanation !== undefined) explanation.pieces.push(explainedPiece(piece, safeNumber(charge)));
  }
  let exact = subtotal;
  const minimum = startRate.minimumCharge === null ? null : BigInt(startRate.minimumCharge) * partsOfScaled;
  const maximum = startRate.maximumCharge === null ? null : BigInt(startRate.maximumCharge) * partsOfScaled;
  const minimumApplied = minimum !== null && exact < minimum;
  if (minimumApplied) exact = minimum;
  const maximumApplied = maximum !== null && exact > maximum;
  if (maximumApplied) exact = maximum;
  if (explanation !== undefined)
    fillExplanation(
      explanation,
      startRate,
      safeNumber(denominator),
      safeNumber(subtotal),
      safeNumber(exact),
      minimumApplied,
      maximumApplied,
      callRounding,
    );
  return { units, chargeScaled: roundScaledQuotient(exact, partsOfScaled, callRounding), chargeRemainderParts: 0 };
}

function explainedPiece(piece: Piece, chargeParts: number): ChargedPiece {
  const { step, segment } = piece;
  return {
    band: segment.band,
    rateId: segment.rate.id,
    pricing: segment.rate.pricing,
    stepFromSeconds: step.fromMs / 1000,
    elapsedMs: piece.elapsedMs,
    priceScaled: step.priceScaled,
    rateUnitSeconds: step.rateUnitSeconds,
    incrementSeconds: step.incrementSeconds,
    units: piece.units,
    billedSeconds: (piece.units * step.incrementMs) / 1000,
    flatFeeScaled: piece.flatFee,
    chargeParts,
  };
}

function fillExplanation(
  explanation: ChargeExplanation,
  startRate: Rate,
  partsDenominator: number,
  subtotalParts: number,
  exactParts: number,
  minimumApplied: boolean,
  maximumApplied: boolean,
  rounding: CallRoundingRule,
): void {
  explanation.connectFeeScaled = startRate.connectFee;
  explanation.partsDenominator = partsDenominator;
  explanation.subtotalParts = subtotalParts;
  explanation.minimumApplied = minimumApplied;
  explanation.maximumApplied = maximumApplied;
  explanation.exactParts = exactParts;
  explanation.rounding = rounding;
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`a call's charge (${value} fractions of a part) is beyond exact integers`);
  return Number(value);
}

function leastCommonMultiple(left: bigint, right: bigint): bigint {
  return (left / greatestCommonDivisor(left, right)) * right;
}

/** Exact parts to the call's stored charge: rounded by the rule, or (none) cut to scaled yen with the remainder kept. */
export function roundParts(
  exactParts: number,
  rule: CallRoundingRule,
): { chargeScaled: number; chargeRemainderParts: number } {
  const wholeScaled = Math.floor(exactParts / EXACT_PARTS_PER_SCALED_YEN);
  const remainderParts = exactParts - wholeScaled * EXACT_PARTS_PER_SCALED_YEN;
  if (rule.mode === 'none') return { chargeScaled: wholeScaled, chargeRemainderParts: remainderParts };
  if (remainderParts === 0) return { chargeScaled: roundScaledYen(wholeScaled, rule), chargeRemainderParts: 0 };
  return {
    chargeScaled: roundScaledQuotient(BigInt(exactParts), BigInt(EXACT_PARTS_PER_SCALED_YEN), rule),
    chargeRemainderParts: 0,
  };
}

/** An empty explanation for `rateCall` to fill. */
export function newChargeExplanation(): ChargeExplanation {
  return {
    pieces: [],
    connectFeeScaled: 0,
    partsDenominator: 1,
    subtotalParts: 0,
    minimumApplied: false,
    maximumApplied: false,
    exactParts: 0,
    rounding: { mode: 'none' },
  };
}
