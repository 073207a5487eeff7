import { Rejection } from '../input/rejection';
import { inboundCaller } from '../input/callRecord';
import { NumberingPlan } from '../numbering/classify';
import { ContractNumbers } from '../subscription/contractNumbers';
import { SubscriptionBook } from '../subscription/subscriptions';
import { Chakuwari, Tariff, TariffBook } from '../tariff/tariff';
import { CallRoundingRule } from '../tariff/tariffFile';
import { CallType } from '../numbering/callType';
import { chargeCall, outboundCallType, sameContractRate } from './chargeCall';
import { ChakuwariIneligibility, chakuwariIneligibility, inboundPeerClass, PeerClass } from './inboundCall';
import { ChargedPiece, newChargeExplanation } from './rateCall';
import { tariffForCall } from './rateRecord';

/** Where a quote's plan came from. */
export type PlanSource = 'subscription' | 'default plan' | 'asked for';

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
  planSource: PlanSource;
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
export function quoteCall(
  request: QuoteRequest,
  tariffs: TariffBook,
  numbering: NumberingPlan,
  subscriptions: SubscriptionBook,
  contractNumbers: ContractNumbers = new ContractNumbers(),
): QuoteResult {
  const planned = quotedTariff(request, tariffs, subscriptions);
  if ('ok' in planned) return planned;
  const { tariff, head } = planned;
  const classification = numbering.classify(request.peer, request.startMs);
  const callType = outboundCallType(classification, tariff, request.peer);
  if (!callType.ok) return callType;
  const explanation = newChargeExplanation();
  const fixedRate = sameContractRate(
    tariff,
    request.contractId,
    request.number,
    request.peer,
    request.startMs,
    contractNumbers,
  );
  const charged = chargeCall(
    tariff,
    callType.type,
    request.peer,
    request.startMs,
    request.durationMs,
    explanation,
    fixedRate,
  );
  if (!charged.ok) return { ok: false, code: 'NO_TARIFF', message: charged.message };
  return {
    ok: true,
    quote: {
      ...head,
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

/** The tariff version a quoted call is rated by: `--plan`'s, else the subscription's, else the default plan's. */
function quotedTariff(
  request: QuoteRequest,
  tariffs: TariffBook,
  subscriptions: SubscriptionBook,
): { tariff: Tariff; head: { plan: string; planSource: PlanSource; tariffId: string } } | Rejection {
  const asked = request.plan !== undefined;
  const book = asked
    ? new SubscriptionBook([
        { contractId: request.contractId, number: null, plan: request.plan!, effectiveFrom: '1900-01-01' },
      ])
    : subscriptions;
  const tariff = tariffForCall(request.contractId, asked ? null : request.number, request.startMs, tariffs, book);
  if ('ok' in tariff) return tariff;
  const subscribed = subscriptions.planAt(request.contractId, request.number, request.startMs);
  return {
    tariff,
    head: {
      plan: tariff.plan,
      planSource: asked ? 'asked for' : subscribed !== undefined ? 'subscription' : 'default plan',
      tariffId: tariff.id,
    },
  };
}

/** An inbound call to quote: the caller id as the CDR gives it (a number, 非通知, anonymous or empty). */
export interface InboundQuoteRequest extends Omit<QuoteRequest, 'peer'> {
  rawPeer: string;
}

/** How an inbound call would be classified, and whether it counts toward 着割 under the plan. */
export interface InboundQuote {
  plan: string;
  planSource: PlanSource;
  tariffId: string;
  /** The caller id as stored: digits, 非通知, or the text as given. */
  peer: string;
  peerClass: PeerClass;
  /** Null: eligible. */
  ineligibility: ChakuwariIneligibility | null;
  chakuwari: Chakuwari;
}

export type InboundQuoteResult = { ok: true; quote: InboundQuote } | Rejection;

/**
 * Classifies one hypothetical inbound call exactly as ingest would (`readCallRecord`'s caller
 * id, `inboundPeerClass`, `chakuwariIneligibility`): an inbound call is never charged; it may
 * count toward the number's 着割.
 */
export function quoteInboundCall(
  request: InboundQuoteRequest,
  tariffs: TariffBook,
  numbering: NumberingPlan,
  subscriptions: SubscriptionBook,
): InboundQuoteResult {
  const planned = quotedTariff({ ...request, peer: request.rawPeer }, tariffs, subscriptions);
  if ('ok' in planned) return planned;
  const { tariff, head } = planned;
  const caller = inboundCaller(request.rawPeer);
  const classification = caller.isNumber ? numbering.classify(caller.peer, request.startMs) : null;
  const peerClass = inboundPeerClass(classification, caller.peer);
  return {
    ok: true,
    quote: {
      ...head,
      peer: caller.peer,
      peerClass,
      ineligibility: chakuwariIneligibility(peerClass, request.durationMs, tariff.chakuwari),
      chakuwari: tariff.chakuwari,
    },
  };
}
