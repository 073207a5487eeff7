import { CallType } from './callType';
import { Rate, Tariff } from '../tariff/tariff';
import { ChargeExplanation, RatedCharge, rateSegments, RateSegment } from './rateCall';

export type ChargedCall = { ok: true; rate: Rate; band: string | null; segments: RateSegment[]; charge: RatedCharge } | { ok: false; message: string };

/**
 * An outbound call of a known type, charged by a tariff version: the band of its start (and,
 * with `split`, of each later part), the rate of each band, then the arithmetic of `rateSegments`.
 * Pure: the tariff, the peer's digits, the start and the duration decide everything.
 */
export function chargeCall(
  tariff: Tariff,
  type: CallType,
  digits: string,
  startMs: number,
  durationMs: number,
  explanation?: ChargeExplanation,
): ChargedCall {
  let segments: RateSegment[];
  if (tariff.timeBands === null) {
    segments = [{ fromMs: 0, toMs: durationMs, band: null, rate: tariff.rateFor(type, digits) }];
  } else {
    const banded = tariff.timeBands.segments(startMs, durationMs);
    if (!banded.ok) return { ok: false, message: `tariff ${tariff.id}: ${banded.message}` };
    segments = banded.segments.map((segment) => ({ ...segment, rate: tariff.rateFor(type, digits, segment.band) }));
  }
  const charge = rateSegments(durationMs, segments, tariff.callRounding, explanation);
  return { ok: true, rate: segments[0]!.rate, band: segments[0]!.band, segments, charge };
}
