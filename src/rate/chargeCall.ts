import { reject, Rejection } from '../input/rejection';
import { Classification } from '../numbering/classify';
import { ContractNumbers } from '../subscription/contractNumbers';
import { CallType } from '../numbering/callType';
import { Rate, Tariff } from '../tariff/tariff';
import { ChargeExplanation, RatedCharge, rateSegments, RateSegment } from './rateCall';

export type ChargedCall =
  | { ok: true; rate: Rate; band: string | null; segments: RateSegment[]; charge: RatedCharge }
  | { ok: false; message: string };

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
  /** A rate that prices the call in every band of the tariff (`sameContractRate`); null: the tariff's rate for the type, peer and band. */
  fixedRate: Rate | null = null,
): ChargedCall {
  let segments: RateSegment[];
  if (tariff.timeBands === null) {
    segments = [{ fromMs: 0, toMs: durationMs, band: null, rate: fixedRate ?? tariff.rateFor(type, digits) }];
  } else {
    const banded = tariff.timeBands.segments(startMs, durationMs);
    if (!banded.ok) return { ok: false, message: `tariff ${tariff.id}: ${banded.message}` };
    segments = banded.segments.map((segment) => ({
      ...segment,
      rate: fixedRate ?? tariff.rateFor(type, digits, segment.band),
    }));
  }
  if (segments.some((segment) => segment.rate.ownBands !== null)) {
    const expanded = withOwnBands(segments, startMs);
    if (!expanded.ok) return { ok: false, message: `tariff ${tariff.id}: ${expanded.message}` };
    segments = expanded.segments;
  }
  const charge = rateSegments(durationMs, segments, tariff.callRounding, explanation);
  return { ok: true, rate: segments[0]!.rate, band: segments[0]!.band, segments, charge };
}

/**
 * The type an outbound call to `digits` is rated as, or why it is refused: an invalid number is
 * `BAD_PEER`; a not-callable one `NOT_CALLABLE`, unless the numbering plan lets a tariff price it
 * (`pricedAs`: 0570, 020) and this version has a rate for a prefix of it.
 */
export function outboundCallType(
  classification: Classification | null,
  tariff: Tariff,
  digits: string,
): { ok: true; type: CallType } | Rejection {
  if (classification === null || classification.kind === 'invalid')
    return reject('BAD_PEER', classification?.message ?? `"${digits}" is not a number`);
  if (classification.kind === 'callable') return { ok: true, type: classification.type };
  if (classification.pricedAs !== undefined && tariff.pricesPrefix(classification.pricedAs, digits))
    return { ok: true, type: classification.pricedAs };
  return reject('NOT_CALLABLE', `${digits} (${classification.prefix}…) cannot be called from a 050 phone`);
}

/**
 * The rate of a call between numbers of one contract (内線通話), or null when the call is rated
 * as any other: the tariff version has a `sameContract` rate, and the peer is another 050 number
 * of the caller's contract on the day of the call (the customers file, `ContractNumbers`).
 */
export function sameContractRate(
  tariff: Tariff,
  contractId: string,
  number: string | null,
  peer: string,
  startMs: number,
  contractNumbers: ContractNumbers,
): Rate | null {
  if (tariff.sameContractRate === null || peer === number) return null;
  return contractNumbers.isActive(contractId, peer, startMs) ? tariff.sameContractRate : null;
}

/** Segments whose rate has time bands of its own, cut by those bands and priced by the band's variant of the rate. */
function withOwnBands(
  segments: RateSegment[],
  startMs: number,
): { ok: true; segments: RateSegment[] } | { ok: false; message: string } {
  const expanded: RateSegment[] = [];
  for (const segment of segments) {
    const own = segment.rate.ownBands;
    if (own === null) {
      expanded.push(segment);
      continue;
    }
    const cut = own.timeBands.segments(startMs + segment.fromMs, segment.toMs - segment.fromMs);
    if (!cut.ok) return cut;
    for (const part of cut.segments) {
      const variant = part.band === null ? undefined : own.variants.get(part.band);
      expanded.push({
        fromMs: segment.fromMs + part.fromMs,
        toMs: segment.fromMs + part.toMs,
        band: variant === undefined ? segment.band : part.band,
        rate: variant ?? segment.rate,
      });
    }
  }
  return { ok: true, segments: expanded };
}
