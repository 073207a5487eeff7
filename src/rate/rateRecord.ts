import { CallRecord } from '../input/callRecord';
import { reject, Rejection } from '../input/rejection';
import { NumberingPlan } from '../numbering/classify';
import { outboundPeerProblem } from '../numbering/peer';
import { SubscriptionBook } from '../subscription/subscriptions';
import { Tariff, TariffBook } from '../tariff/tariff';
import { japanMonth } from '../time/japanTime';
import { ContractNumbers } from '../subscription/contractNumbers';
import { chargeCall, outboundCallType, sameContractRate } from './chargeCall';
import { chakuwariIneligibility, inboundPeerClass, PeerClass } from './inboundCall';

export type { PeerClass } from './inboundCall';

/** A call, classified and rated: everything a statement row needs, and how it was derived. */
export interface RatedCall extends CallRecord {
  /** Statement month, `YYYY-MM` in Japan time. */
  month: string;
  peerClass: PeerClass;
  /** The plan whose version rated the call. */
  planId: string;
  tariffId: string;
  numberingPlanId: string;
  /** The rate that priced an outbound call (null for inbound). */
  rateId: string | null;
  /** The tariff prefix that chose the rate (country code, partner block, free dial), if any. */
  ratePrefix: string | null;
  units: number;
  /** The charge after the per-call rounding (with rounding `none`, cut to scaled yen). */
  chargeScaled: number;
  /** Rounding `none` only: the exact charge beyond `chargeScaled`, in 1/3600 of a scaled yen. */
  chargeRemainderParts: number;
  /** An inbound call that counts toward 着割. */
  chakuwariEligible: boolean;
}

const NO_SUBSCRIPTIONS = new SubscriptionBook();
const NO_CONTRACT_NUMBERS = new ContractNumbers();

/**
 * The plan of a call: its number's or contract's subscription in effect at the call's start,
 * else the default plan; then that plan's version in effect at the start. A rejection says why
 * there is none.
 */
export function tariffForCall(
  contractId: string,
  number: string | null,
  startMs: number,
  tariffs: TariffBook,
  subscriptions: SubscriptionBook = NO_SUBSCRIPTIONS,
): Tariff | Rejection {
  const subscribed = subscriptions.planAt(contractId, number, startMs);
  const plan = subscribed ?? tariffs.defaultPlan;
  if (plan === null)
    return reject(
      'NO_TARIFF',
      `contract ${contractId} has no subscription at the call start, and no default plan is configured`,
    );
  const tariff = tariffs.at(startMs, plan);
  if (tariff === undefined) {
    return reject(
      'NO_TARIFF',
      `no version of plan ${plan}${subscribed === undefined ? ' (the default plan)' : ''} is in effect at the call start`,
    );
  }
  return tariff;
}

/** Classify and rate one record with its plan's tariff version and the numbering plan in effect at its start. */
/** The reference data a call is rated by (ReferenceData has them all). */
export interface RatingReference {
  tariffs: TariffBook;
  numbering: NumberingPlan;
  subscriptions?: SubscriptionBook;
  contractNumbers?: ContractNumbers;
}

/** rateRecord by the tariffs, numbering plan, subscriptions and contract numbers of `reference`. */
export function rateByReference(record: CallRecord, reference: RatingReference): RatedCall | Rejection {
  return rateRecord(record, reference.tariffs, reference.numbering, reference.subscriptions, reference.contractNumbers);
}

export function rateRecord(
  record: CallRecord,
  tariffs: TariffBook,
  numbering: NumberingPlan,
  subscriptions?: SubscriptionBook,
  contractNumbers: ContractNumbers = NO_CONTRACT_NUMBERS,
): RatedCall | Rejection {
  // A field's fault comes before the data's: an outbound call to no number is BAD_PEER, tariff or not.
  if (record.direction === 'out' && !record.peerIsNumber) return reject('BAD_PEER', outboundPeerProblem(record.peer));
  const tariff = tariffForCall(record.contractId, record.number, record.startMs, tariffs, subscriptions);
  if ('ok' in tariff) return tariff;
  const classification = record.peerIsNumber ? numbering.classify(record.peer, record.startMs) : null;
  if (record.direction === 'out') {
    const callType = outboundCallType(classification, tariff, record.peer);
    if (!callType.ok) return callType;
    const fixedRate = sameContractRate(
      tariff,
      record.contractId,
      record.number,
      record.peer,
      record.startMs,
      contractNumbers,
    );
    const charged = chargeCall(
      tariff,
      callType.type,
      record.peer,
      record.startMs,
      record.durationMs,
      undefined,
      fixedRate,
    );
    if (!charged.ok) return reject('NO_TARIFF', charged.message);
    const { rate, charge } = charged;
    return ratedCall(
      record,
      callType.type,
      tariff.plan,
      tariff.id,
      numbering.id,
      rate.id,
      rate.prefix,
      charge.units,
      charge.chargeScaled,
      charge.chargeRemainderParts,
      false,
    );
  }
  const peerClass = inboundPeerClass(classification, record.peer);
  const chakuwariEligible = chakuwariIneligibility(peerClass, record.durationMs, tariff.chakuwari) === null;
  return ratedCall(record, peerClass, tariff.plan, tariff.id, numbering.id, null, null, 0, 0, 0, chakuwariEligible);
}

/** Built field by field (no object spread): this runs once per call. */
function ratedCall(
  record: CallRecord,
  peerClass: PeerClass,
  planId: string,
  tariffId: string,
  numberingPlanId: string,
  rateId: string | null,
  ratePrefix: string | null,
  units: number,
  chargeScaled: number,
  chargeRemainderParts: number,
  chakuwariEligible: boolean,
): RatedCall {
  return {
    recordId: record.recordId,
    contractId: record.contractId,
    number: record.number,
    direction: record.direction,
    peer: record.peer,
    peerIsNumber: record.peerIsNumber,
    startMs: record.startMs,
    durationMs: record.durationMs,
    month: japanMonth(record.startMs),
    peerClass,
    planId,
    tariffId,
    numberingPlanId,
    rateId,
    ratePrefix,
    units,
    chargeScaled,
    chargeRemainderParts,
    chakuwariEligible,
  };
}
