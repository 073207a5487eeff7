import { CallRecord } from '../input/callRecord';
import { PeerClass, RatedCall } from '../rate/rateRecord';
import { Subscription } from '../subscription/subscriptions';

/** What the store's reads hand back to commands: call details, subscriptions, rejects and recycling, its integrity check. */
export type DirectionFilter = 'out' | 'in' | 'all';

export interface CallDetailsRequest {
  contractId: string;
  month: string;
  /** Only this 050 number's calls. */
  number?: string;
  direction: DirectionFilter;
}

/** One call as stored, with the name of the file it came from. */
export interface StoredCallDetail {
  recordId: string;
  number: string;
  direction: 'out' | 'in';
  peer: string;
  peerClass: PeerClass;
  startMs: number;
  durationMs: number;
  tariffId: string;
  rateId: string | null;
  units: number;
  chargeScaled: number;
  late: number;
  unratedCode: string | null;
  fileName: string;
  line: number;
}

/** A subscription as stored, with the import it came from. */
export interface StoredSubscription extends Subscription {
  importedFrom: string;
  importedAt: string;
}

/** What an import of subscriptions did: lines new to the store, and lines that changed a stored plan. */
export interface SubscriptionsImported {
  added: number;
  replaced: number;
}

/** Which stored rejects to list: each filter optional. */
export interface RejectFilter {
  fileName?: string;
  code?: string;
}

/** A stored reject as `meisai rejects` lists it. */
export interface StoredReject {
  fileName: string;
  line: number;
  code: string;
  message: string;
  /** The line as received, byte for byte (as UTF-8 text). */
  raw: string;
  /** The call's start, for a reject that kept its record (a cause of data); null otherwise. */
  startMs: number | null;
}

/** A stored reject that kept its record (a cause of data), which `recycle` may accept now; a file and line name it. */
export interface RecyclableReject {
  fileId: number;
  fileName: string;
  line: number;
  code: string;
  message: string;
  record: CallRecord;
}

/** A recycled reject: the call it now is, on its own file and line. */
export interface RecycledCall {
  reject: RecyclableReject;
  call: RatedCall;
  /** Its month is closed: stored late, out of the totals. */
  late: boolean;
  recycledAt: string;
}

/** The engine's own check of its storage, as reconcile reports it. */
export interface IntegrityReport {
  /** The check that ran, named with its engine: `SQLite quick_check`, `PostgreSQL amcheck (bt_index_check) on 21 indexes`. */
  check: string;
  /** What a sound result means, for the report's "ok" line. */
  soundMeans: string;
  /** What to do when it finds a problem. */
  whenDamaged: string;
  /** Its findings: none when sound. */
  problems: string[];
}
