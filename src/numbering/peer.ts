import { ConfigurationError } from '../errors';
import { quoteInput } from '../text/quoteInput';

/**
 * Peer numbers as they arrive (`03-1234-5678`, `(03) 1234 5678`, `+81 3 1234 5678`,
 * `+1 212 555 0100`) are reduced to the digits a Japanese subscriber would dial:
 * `+81…` is domestic `0…`, `+<cc>…` (cc ≠ 81) is international `010<cc>…`.
 */
export type NormalisedPeer = { ok: true; digits: string } | { ok: false; message: string };

const IGNORED_CHARACTERS = /[-\s()]/g;
const DIGITS = /^\d+$/;

export function normalisePeer(rawPeer: string): NormalisedPeer {
  if (DIGITS.test(rawPeer)) return { ok: true, digits: rawPeer };
  const compact = rawPeer.replace(IGNORED_CHARACTERS, '');
  let digits: string;
  if (compact.startsWith('+81')) digits = `0${compact.slice(3)}`;
  else if (compact.startsWith('+')) digits = `010${compact.slice(1)}`;
  else digits = compact;
  if (!DIGITS.test(digits)) return { ok: false, message: `${quoteInput(rawPeer)} is not a telephone number` };
  return { ok: true, digits };
}

/** Why an outbound call's peer, kept as written because it is no number, cannot be rated (BAD_PEER). */
export function outboundPeerProblem(rawPeer: string): string {
  if (rawPeer === '') return 'an outbound call needs the dialled number';
  const normalised = normalisePeer(rawPeer);
  return normalised.ok ? `${quoteInput(rawPeer)} is not a telephone number` : normalised.message;
}

/** How a withheld caller is stored and printed, however the switch wrote it. */
export const WITHHELD_CALLER = '非通知';

const WITHHELD_CALLER_IDS = new Set(['', 'anonymous', WITHHELD_CALLER]);

/** An inbound caller id that says the caller withheld the number (非通知). */
export function isWithheldCaller(rawPeer: string): boolean {
  return WITHHELD_CALLER_IDS.has(rawPeer.trim().toLowerCase());
}

const SUBSCRIBER_NUMBER = /^050\d{8}$/;

/** The subscriber's own number must be an 11-digit 050 number, in any accepted form. */
export function normaliseSubscriberNumber(rawNumber: string): string | null {
  if (SUBSCRIBER_NUMBER.test(rawNumber)) return rawNumber;
  const normalised = normalisePeer(rawNumber.trim());
  if (!normalised.ok || !SUBSCRIBER_NUMBER.test(normalised.digits)) return null;
  return normalised.digits;
}

/** Every form ingest takes (`05012345678`, `050-1234-5678`, `+81 50 1234 5678`) → `05012345678`; else bad usage (exit 2). */
export function requireSubscriberNumber(value: string): string {
  const number = normaliseSubscriberNumber(value);
  if (number === null) {
    throw new ConfigurationError(
      `number "${value}" is not valid: expected an 11-digit 050 number, e.g. 05012345678, 050-1234-5678 or +81 50 1234 5678`,
    );
  }
  return number;
}
