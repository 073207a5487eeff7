import { CallRecord } from '../input/callRecord';
import { reject, Rejection } from '../input/rejection';
import { NumberingPlan } from '../numbering/classify';
import { isWithheldCaller } from '../numbering/peer';
import { TariffBook } from '../tariff/tariff';
import { japanMonth } from '../time/japanTime';
import { CallType } from './callType';
import { rateCall } from './rateCall';

/** How the peer was classified: a call type, or (inbound only) why the caller has none. */
export type PeerClass = CallType | 'withheld' | 'not-callable' | 'unknown';

/** A call, classified and rated: everything a statement row needs, and how it was derived. */
export interface RatedCall extends CallRecord {
  /** Statement month, `YYYY-MM` in Japan time. */
  month: string;
  peerClass: PeerClass;
  tariffId: string;
  numberingPlanId: string;
  /** The rate that priced an outbound call (null for inbound). */
  rateId: string | null;
  /** The tariff prefix that chose the rate (country code, partner block, free dial), if any. */
  ratePrefix: string | null;
  units: number;
  chargeScaled: number;
  /** An inbound call that counts toward 着割. */
  chakuwariEligible: boolean;
}

/** Classify and rate one record with the tariff and numbering plan in effect at its start. */
export function rateRecord(record: CallRecord, tariffs: TariffBook, numbering: NumberingPlan): RatedCall | Rejection {
  const tariff = tariffs.at(record.startMs);
  if (tariff === undefined) return reject('NO_TARIFF', 'no tariff version is in effect at the call start');
  const classification = record.peerIsNumber ? numbering.classify(record.peer, record.startMs) : null;
  if (record.direction === 'out') {
    if (classification === null || classification.kind === 'invalid') {
      return reject('BAD_PEER', classification?.message ?? `"${record.peer}" is not a number`);
    }
    if (classification.kind === 'not-callable') {
      return reject('NOT_CALLABLE', `${record.peer} (${classification.prefix}…) cannot be called from a 050 phone`);
    }
    const rate = tariff.rateFor(classification.type, record.peer);
    const charge = rateCall(record.durationMs, rate, tariff.callRounding);
    return ratedCall(record, classification.type, tariff.id, numbering.id, rate.id, rate.prefix, charge.units, charge.chargeScaled, false);
  }
  let peerClass: PeerClass;
  if (classification === null) peerClass = isWithheldCaller(record.peer) ? 'withheld' : 'unknown';
  else if (classification.kind === 'callable') peerClass = classification.type;
  else peerClass = classification.kind === 'not-callable' ? 'not-callable' : 'unknown';
  const chakuwariEligible =
    record.durationMs > 0 && peerClass !== 'withheld' && tariff.chakuwari.eligibleCallerTypes.has(peerClass as CallType);
  return ratedCall(record, peerClass, tariff.id, numbering.id, null, null, 0, 0, chakuwariEligible);
}

/** Built field by field (no object spread): this runs once per call. */
function ratedCall(
  record: CallRecord,
  peerClass: PeerClass,
  tariffId: string,
  numberingPlanId: string,
  rateId: string | null,
  ratePrefix: string | null,
  units: number,
  chargeScaled: number,
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
    tariffId,
    numberingPlanId,
    rateId,
    ratePrefix,
    units,
    chargeScaled,
    chakuwariEligible,
  };
}
