import { ColumnPositions } from './header';
import { reject, Rejection } from './rejection';
import { isWithheldCaller, normalisePeer, normaliseSubscriberNumber, WITHHELD_CALLER } from '../numbering/peer';
import { quoteInput } from '../text/quoteInput';
import { parseDuration } from '../time/duration';
import { parseStart } from '../time/japanTime';

export type Direction = 'out' | 'in';

/** A CDR whose fields are all well-formed, not yet classified or rated. */
export interface CallRecord {
  recordId: string;
  contractId: string;
  /** The subscriber's 050 number, 11 digits. */
  number: string;
  direction: Direction;
  /** The peer as dialled digits; for a withheld or unreadable caller id or dialled number, the trimmed text. */
  peer: string;
  /** True when `peer` holds normalised digits. */
  peerIsNumber: boolean;
  startMs: number;
  durationMs: number;
}

const RECORD_ID = /^[\x20-\x7e]{1,64}$/;
const CONTRACT_ID = /^N\d{9}$/;
const ALWAYS_REQUIRED = ['record_id', 'contract_id', 'number', 'direction', 'start', 'duration'] as const;

/** Checks one row's fields in a fixed order; the first problem found is the reason given. */
export function readCallRecord(fields: string[], positions: ColumnPositions): CallRecord | Rejection {
  const recordId = trimmed(fields, positions.record_id);
  const rawContract = trimmed(fields, positions.contract_id);
  const rawNumber = trimmed(fields, positions.number);
  const rawDirection = trimmed(fields, positions.direction);
  const rawStart = trimmed(fields, positions.start);
  const rawDuration = trimmed(fields, positions.duration);
  if (
    recordId === '' ||
    rawContract === '' ||
    rawNumber === '' ||
    rawDirection === '' ||
    rawStart === '' ||
    rawDuration === ''
  ) {
    const empty = ALWAYS_REQUIRED.filter((column) => trimmed(fields, positions[column]) === '');
    return reject('MISSING_FIELD', `empty ${empty.join(', ')}`);
  }

  if (!RECORD_ID.test(recordId)) return reject('BAD_RECORD_ID', 'record_id must be 1-64 printable ASCII characters');
  const contractId = rawContract;
  if (!CONTRACT_ID.test(contractId))
    return reject('BAD_CONTRACT', `contract ${quoteInput(contractId)} is not N followed by 9 digits`);
  const number = normaliseSubscriberNumber(rawNumber);
  if (number === null) return reject('BAD_NUMBER', `subscriber ${quoteInput(rawNumber)} is not an 11-digit 050 number`);
  const direction = rawDirection === 'out' || rawDirection === 'in' ? rawDirection : rawDirection.toLowerCase();
  if (direction !== 'out' && direction !== 'in')
    return reject('BAD_DIRECTION', `direction ${quoteInput(rawDirection)} is neither out nor in`);
  const start = parseStart(rawStart);
  if (!start.ok) return reject('BAD_START', start.message);
  const duration = parseDuration(rawDuration);
  if (!duration.ok) return reject('BAD_DURATION', duration.message);

  const rawPeer = trimmed(fields, positions.peer);
  let peer = rawPeer;
  let peerIsNumber = false;
  if (direction === 'out') {
    // An outbound peer that is no number (empty, `anonymous`, `12a`) is kept as written: rating
    // rejects it as BAD_PEER with its record, so that it is listed by month and recyclable.
    const normalised = rawPeer === '' ? null : normalisePeer(rawPeer);
    if (normalised?.ok === true) {
      peer = normalised.digits;
      peerIsNumber = true;
    }
  } else {
    const caller = inboundCaller(rawPeer);
    peer = caller.peer;
    peerIsNumber = caller.isNumber;
  }
  return {
    recordId,
    contractId,
    number,
    direction,
    peer,
    peerIsNumber,
    startMs: start.startMs,
    durationMs: duration.durationMs,
  };
}

/**
 * An inbound call's caller id as stored: the digits of a number; every way of saying "withheld"
 * (empty, anonymous, 非通知) as one, so a re-send that says it another way is a duplicate, not a
 * conflict; anything else as given (an unknown caller).
 */
export function inboundCaller(rawPeer: string): { peer: string; isNumber: boolean } {
  if (isWithheldCaller(rawPeer)) return { peer: WITHHELD_CALLER, isNumber: false };
  const normalised = normalisePeer(rawPeer);
  return normalised.ok ? { peer: normalised.digits, isNumber: true } : { peer: rawPeer, isNumber: false };
}

function trimmed(fields: string[], position: number): string {
  const value = fields[position] ?? '';
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  // Trim only when there is white space at an end (most fields have none).
  return first <= 32 || last <= 32 ? value.trim() : value;
}

/**
 * Two records with the same record_id are duplicates when these fields agree, else a conflict. A
 * withheld caller matches any other way of writing one (stores of earlier versions kept the text).
 */
export type CallContent = Pick<CallRecord, 'contractId' | 'number' | 'direction' | 'peer' | 'startMs' | 'durationMs'>;

export function sameContent(left: CallContent, right: CallContent): boolean {
  return (
    left.contractId === right.contractId &&
    left.number === right.number &&
    left.direction === right.direction &&
    (left.peer === right.peer ||
      (left.direction === 'in' && isWithheldCaller(left.peer) && isWithheldCaller(right.peer))) &&
    left.startMs === right.startMs &&
    left.durationMs === right.durationMs
  );
}
