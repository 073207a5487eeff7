import { ColumnPositions } from './header';
import { reject, Rejection } from './rejection';
import { isWithheldCaller, normalisePeer, normaliseSubscriberNumber } from '../numbering/peer';
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
  /** The peer as dialled digits; for a withheld or unreadable caller id, the trimmed text. */
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
  const field = (column: keyof ColumnPositions): string => (fields[positions[column]] ?? '').trim();
  const empty = ALWAYS_REQUIRED.filter((column) => field(column) === '');
  if (empty.length > 0) return reject('MISSING_FIELD', `empty ${empty.join(', ')}`);

  const recordId = field('record_id');
  if (!RECORD_ID.test(recordId)) return reject('BAD_RECORD_ID', 'record_id must be 1-64 printable ASCII characters');
  const contractId = field('contract_id');
  if (!CONTRACT_ID.test(contractId)) return reject('BAD_CONTRACT', `contract "${contractId}" is not N followed by 9 digits`);
  const number = normaliseSubscriberNumber(field('number'));
  if (number === null) return reject('BAD_NUMBER', `subscriber "${field('number')}" is not an 11-digit 050 number`);
  const direction = field('direction').toLowerCase();
  if (direction !== 'out' && direction !== 'in') return reject('BAD_DIRECTION', `direction "${field('direction')}" is neither out nor in`);
  const start = parseStart(field('start'));
  if (!start.ok) return reject('BAD_START', start.message);
  const duration = parseDuration(field('duration'));
  if (!duration.ok) return reject('BAD_DURATION', duration.message);

  const rawPeer = field('peer');
  const base = { recordId, contractId, number, direction, startMs: start.startMs, durationMs: duration.durationMs } as const;
  if (direction === 'out') {
    if (rawPeer === '') return reject('BAD_PEER', 'an outbound call needs the dialled number');
    const peer = normalisePeer(rawPeer);
    if (!peer.ok) return reject('BAD_PEER', peer.message);
    return { ...base, peer: peer.digits, peerIsNumber: true };
  }
  // Withheld caller ids are kept in one case, so `Anonymous` re-sent as `anonymous` is a duplicate.
  if (isWithheldCaller(rawPeer)) return { ...base, peer: rawPeer.toLowerCase(), peerIsNumber: false };
  const caller = normalisePeer(rawPeer);
  return caller.ok ? { ...base, peer: caller.digits, peerIsNumber: true } : { ...base, peer: rawPeer, peerIsNumber: false };
}

/** Two records with the same record_id are duplicates when these fields agree, else a conflict. */
export type CallContent = Pick<CallRecord, 'contractId' | 'number' | 'direction' | 'peer' | 'startMs' | 'durationMs'>;

export function sameContent(left: CallContent, right: CallContent): boolean {
  return (
    left.contractId === right.contractId &&
    left.number === right.number &&
    left.direction === right.direction &&
    left.peer === right.peer &&
    left.startMs === right.startMs &&
    left.durationMs === right.durationMs
  );
}
