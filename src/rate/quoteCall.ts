import { NumberingPlan } from '../numbering/classify';
import { SubscriptionBook } from '../subscription/subscriptions';
import { TariffBook } from '../tariff/tariff';
import { CallRoundingRule } from '../tariff/tariffFile';
import { CallType } from '../numbering/callType';
import { chargeCall, outboundCallType } from './chargeCall';
import { ChargedPiece, newChargeExplanation } from './rateCall';
import { tariffForCall } from './rateRecord';

export interface QuoteRequest {
  contractId: string;
  number: string | null;
  peer: string;
  startMs: number;
  durationMs: number;
  /** Quote by this plan instead of the subscription's. */
  plan?: string;
}

/** How an outbound call would be rated, and why: what `meisai quote` prints. */
export interface Quote {
  plan: string;
  /** Where the plan came from. */
  planSource: 'subscription' | 'default plan' | 'asked for';
  tariffId: string;
  type: CallType;
  band: string | null;
  boundary: 'start-band' | 'split' | null;
  rateId: string;
  ratePrefix: string | null;
  units: number;
  pieces: ChargedPiece[];
  connectFeeScaled: number;
  /** The part figures count 1/partsDenominator of a part (1 unless an increment costs a fraction of a part). */
  partsDenominator: number;
  /** Fee plus pieces, in parts (36,000,000 to the yen). */
  subtotalParts: number;
  minimumScaled: number | null;
  maximumScaled: number | null;
  minimumApplied: boolean;
  maximumApplied: boolean;
  rounding: CallRoundingRule;
  /** Before the call rounding, in parts. */
  exactParts: number;
  chargeScaled: number;
  chargeRemainderParts: number;
}

export type QuoteResult = { ok: true; quote: Quote } | { ok: false; code: string; message: string };

/** Rates one hypothetical outbound call exactly as ingest would, keeping every step of the arithmetic. */
export function quoteCall(request: QuoteRequest, tariffs: TariffBook, numbering: NumberingPlan, subscriptions: SubscriptionBook): QuoteResult {
  const subscribed = subscriptions.planAt(request.contractId, request.number, request.startMs);
  const asked = request.plan !== undefined;
  const book = asked ? new SubscriptionBook([{ contractId: request.contractId, number: null, plan: request.plan!, effectiveFrom: '1900-01-01' }]) : subscriptions;
  const tariff = tariffForCall(request.contractId, asked ? null : request.number, request.startMs, tariffs, book);
  if ('ok' in tariff) return tariff;
  const classification = numbering.classify(request.peer, request.startMs);
  const callType = outboundCallType(classification, tariff, request.peer);
  if (!callType.ok) return callType;
  const explanation = newChargeExplanation();
  const charged = chargeCall(tariff, callType.type, request.peer, request.startMs, request.durationMs, explanation);
  if (!charged.ok) return { ok: false, code: 'NO_TARIFF', message: charged.message };
  return {
    ok: true,
    quote: {
      plan: tariff.plan,
      planSource: asked ? 'asked for' : subscribed !== undefined ? 'subscription' : 'default plan',
      tariffId: tariff.id,
      type: callType.type,
      band: charged.band,
      boundary: tariff.timeBands?.boundary ?? null,
      rateId: charged.rate.id,
      ratePrefix: charged.rate.prefix,
      units: charged.charge.units,
      pieces: explanation.pieces,
      connectFeeScaled: request.durationMs > 0 ? explanation.connectFeeScaled : 0,
      partsDenominator: explanation.partsDenominator,
      subtotalParts: explanation.subtotalParts,
      minimumScaled: charged.rate.minimumCharge,
      maximumScaled: charged.rate.maximumCharge,
      minimumApplied: explanation.minimumApplied,
      maximumApplied: explanation.maximumApplied,
      rounding: tariff.callRounding,
      exactParts: explanation.exactParts,
      chargeScaled: charged.charge.chargeScaled,
      chargeRemainderParts: charged.charge.chargeRemainderParts,
    },
  };
}
