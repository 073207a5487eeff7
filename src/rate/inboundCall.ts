import { Classification } from '../numbering/classify';
import { isWithheldCaller, WITHHELD_CALLER } from '../numbering/peer';
import { Chakuwari } from '../tariff/tariff';
import { CALL_TYPE_LABELS, CallType, isCallType } from '../numbering/callType';

/** How the peer was classified: a call type, or (inbound only) why the caller has none. */
export type PeerClass = CallType | 'withheld' | 'not-callable' | 'unknown';

/** Labels of the inbound caller classes that are not call types. */
const CALLER_CLASS_LABELS: Record<Exclude<PeerClass, CallType>, string> = {
  withheld: WITHHELD_CALLER,
  'not-callable': '特殊番号',
  unknown: '不明',
};

/** A peer class as the call details and quote print it: 携帯通話, 非通知, 不明… */
export function peerClassLabel(peerClass: PeerClass): string {
  return isCallType(peerClass) ? CALL_TYPE_LABELS[peerClass] : CALLER_CLASS_LABELS[peerClass];
}

/**
 * The class of an inbound call's caller: the numbering plan's type for a callable number,
 * `withheld` for a caller id that says so (非通知), `not-callable` for a number a 050 phone
 * cannot call, else `unknown` (an unreadable or invalid caller id). `classification` is null
 * when the caller id is not a number.
 */
export function inboundPeerClass(classification: Classification | null, peer: string): PeerClass {
  if (classification === null) return isWithheldCaller(peer) ? 'withheld' : 'unknown';
  if (classification.kind === 'callable') return classification.type;
  return classification.kind === 'not-callable' ? 'not-callable' : 'unknown';
}

/** Why an inbound call does not count toward 着割. */
export type ChakuwariIneligibility = 'zero-duration' | 'withheld-caller' | 'caller-class-not-eligible';

/**
 * Whether an inbound call counts toward 着割 under a plan's rule, or why not: it must last
 * longer than 0 ms, and its caller must be of one of the plan's eligible call types (a
 * withheld, not-callable or unknown caller never is). Null: eligible.
 */
export function chakuwariIneligibility(
  peerClass: PeerClass,
  durationMs: number,
  rule: Chakuwari,
): ChakuwariIneligibility | null {
  if (durationMs <= 0) return 'zero-duration';
  if (peerClass === 'withheld') return 'withheld-caller';
  return rule.eligibleCallerTypes.has(peerClass as CallType) ? null : 'caller-class-not-eligible';
}
