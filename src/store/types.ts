import { ChakuwariTotal, NumberTypeTotal, TotalledCall } from '../aggregate/monthlyTotals';
import { CallContent, CallRecord } from '../input/callRecord';
import { RatedCall } from '../rate/rateRecord';
import { Subscription, SubscriptionBook } from '../subscription/subscriptions';
import {
  ClosedMonth,
  CustomerLine,
  CustomersImported,
  IngestedFile,
  InvoiceFilter,
  RevisionSummary,
  StoredInvoice,
} from './listingTypes';

export type {
  ClosedMonth,
  CustomersImported,
  IngestedFile,
  InvoiceFilter,
  RevisionSummary,
  StoredInvoice,
} from './listingTypes';
import { FileCall, FileRemoval, FileRemovalCounts, FileSelector, StoredDuplicate, StoredFile } from './removalTypes';
export type {
  FileCall,
  FileRemoval,
  FileRemovalCounts,
  FileSelector,
  Promotion,
  StoredDuplicate,
  StoredFile,
} from './removalTypes';
import {
  CallDetailsRequest,
  StoredCallDetail,
  StoredSubscription,
  SubscriptionsImported,
  RejectFilter,
  StoredReject,
  RecyclableReject,
  RecycledCall,
  IntegrityReport,
} from './readTypes';
export type {
  DirectionFilter,
  CallDetailsRequest,
  StoredCallDetail,
  StoredSubscription,
  SubscriptionsImported,
  RejectFilter,
  StoredReject,
  RecyclableReject,
  RecycledCall,
  IntegrityReport,
} from './readTypes';

/**
 * The store as the rest of meisai sees it: typed reads and writes, no SQL. Two engines implement
 * it — SQLite (`sqlite/`, the embedded default) and PostgreSQL (`postgres/`) — and pass one
 * contract suite (`storeContract.ts`). Every method is async (PostgreSQL is); row shapes are
 * mapped to and from these types in the adapters only, once each.
 */
export type Engine = 'sqlite' | 'postgres';

export interface FileRow {
  fileId: number;
  name: string;
  sha256: string;
  ingestedAt: string;
}

/** A stored call's identity and content, for de-duplication: where it was first seen. */
export interface StoredCallIdentity extends CallContent {
  fileName: string;
  line: number;
}

/** A record_id stored as more than one call within the duplicate scope: where each is. */
export interface DoubleBilled {
  recordId: string;
  /** Each stored call of it, by month, file name and line. */
  calls: { contractId: string; month: string; fileName: string; line: number }[];
}

export interface AcceptedCall {
  call: RatedCall;
  line: number;
  /** Its month was closed when it arrived: stored, flagged, not in the totals. */
  late: boolean;
}

export interface RejectRow {
  line: number;
  code: string;
  message: string;
  raw: string;
  /** The record as read, kept when a later `recycle` may accept it (its cause was data). */
  record: CallRecord | null;
}

export interface DuplicateRow {
  line: number;
  recordId: string;
  /** The month of the call it repeats (PostgreSQL holds that month's lock, so `files remove` cannot take the call away meanwhile). */
  month?: string;
}

/** A record an input profile says is not a call (unanswered, an internal leg), with its reason. */
export interface SkipRow {
  line: number;
  reason: string;
}

/** One settled batch of a file's records, written in file order. */
export interface FileBatch {
  calls: AcceptedCall[];
  rejects: RejectRow[];
  duplicates: DuplicateRow[];
  skips: SkipRow[];
}

export interface FileOutcome {
  sha256: string;
  bytes: number;
  encoding: string;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  late: number;
  skipped: number;
  /** The input profile's id; null for the canonical CSV read without one. */
  profile: string | null;
}

export interface FileStart {
  name: string;
  source: string | null;
  ingestedAt: string;
}

/**
 * The writes of one file, in one transaction: nothing of it is visible until `finish` commits,
 * and `rollback` (or a failure) leaves the store as it was.
 */
export interface FileTransaction {
  /**
   * Well-formed records the ingest settles (looks up, then writes) together; absent: 512. An
   * engine behind a network round trip per statement asks for more (the rule is the same at any
   * size: a batch sees the stored calls, this file's earlier batches included, and its own).
   */
  readonly settleRecords?: number;
  /**
   * True when `storedCalls` may be asked while the previous `writeBatch` is still in flight and
   * answers as if it had completed (the engine knows the file's own calls without asking the
   * write's connection): the ingest then looks the next batch up and settles it while one is
   * written. Absent: each batch is written before the next one is looked up.
   */
  readonly overlapsWrites?: boolean;
  /**
   * The stored sightings of these calls' record_ids within the duplicate scope (duplicateScope.ts:
   * a start in the call's month or the month on either side), committed and of this file so far,
   * by record_id: the same on both engines.
   */
  storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>>;
  /**
   * Writes a settled batch. `raced`: a concurrent file stored some of its record_ids first and has
   * committed; nothing of the batch was written: look its calls up again and settle it again (an
   * engine that applies one file at a time, SQLite, never answers it).
   */
  writeBatch(batch: FileBatch): Promise<'written' | 'raced'>;
  addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void>;
  /**
   * Records the file's hash, size, encoding and counts and commits. A file with the same hash
   * stored meanwhile (another worker) wins: this one is rolled back, `already-ingested`.
   */
  finish(outcome: FileOutcome): Promise<'applied' | 'already-ingested'>;
  rollback(): Promise<void>;
}

/** The rating a stored call carries: what a re-rate compares its new rating with. */
export type StoredRating = Pick<
  RatedCall,
  | 'peerClass'
  | 'planId'
  | 'tariffId'
  | 'numberingPlanId'
  | 'rateId'
  | 'ratePrefix'
  | 'units'
  | 'chargeScaled'
  | 'chargeRemainderParts'
  | 'chakuwariEligible'
> & {
  /** Set when a re-rate could not rate it (it is out of the totals). */
  unratedCode: string | null;
};

/** A stored call as a re-rate reads it: the record to rate again, its rating now, whether it was late. */
export interface StoredCall extends CallRecord {
  late: boolean;
  rating: StoredRating;
  /** The engine's own handle of the row (SQLite: its call_id), handed back in the call's Rerating. */
  storeRow?: number;
}

/** A part of a month's calls, by call_id ranges of a SQLite store file: plain data, posted to a worker thread. */
export interface CallShare {
  engine: 'sqlite';
  path: string;
  month: string;
  ranges: { first: number; last: number }[];
}

/** A re-rate's verdict on one stored call: its new rating, or why it can no longer be rated. */
export type Rerating = ({ rated: RatedCall } | { unratedCode: string; contractId: string; month: string }) & {
  recordId: string;
  storeRow?: number;
};

export interface RevisionRow {
  contractId: string;
  month: string;
  revision: number;
  createdAt: string;
  reason: string;
  statementJson: string;
  sha256: string;
}

/** Which calls of a month: all contracts (null) or one. */
export interface MonthScope {
  month: string;
  contractId: string | null;
}

export interface HeldOutCalls {
  billed: number;
  late: number;
  /** Calls a re-rate could not rate, by the reject code it gave. */
  unratedByCode: Record<string, number>;
}

export interface MonthTotals {
  typeTotals: NumberTypeTotal[];
  chakuwariTotals: ChakuwariTotal[];
}

/** Totals rows that differ from the stored ones (to be written), and stored rows no longer there. */
export interface TotalsDiff extends MonthTotals {
  goneTypeTotals: { contractId: string; number: string; type: string }[];
  goneChakuwariTotals: { contractId: string; number: string }[];
}

/** The contracts a totals diff touches. */
export function contractsOfDiff(diff: TotalsDiff): Set<string> {
  return new Set(
    [...diff.typeTotals, ...diff.chakuwariTotals, ...diff.goneTypeTotals, ...diff.goneChakuwariTotals].map(
      (row) => row.contractId,
    ),
  );
}

/** Every file's control totals beside the count of its rows in calls, rejects and duplicates. */
export interface FileControls {
  fileId: number;
  name: string;
  recordsRead: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** Rejects accepted later by recycle (counted among accepted since). */
  recycled: number;
  /** Records an input profile counted as not calls (0 for files read without one). */
  skipped: number;
  callRows: number;
  rejectRows: number;
  duplicateRows: number;
  recycledRows: number;
  skipRows: number;
}

/**
 * Values read from the store for reconcile, and a line for each row left out of them because it
 * is not as meisai writes it (reconcile reports each as a difference; it is never an exception).
 */
export interface ReadableRows<T> {
  values: T;
  unreadable: string[];
}

/** reconcile's store-wide checks, each answer a promise (StoreReader.storeWideChecks). */
export interface StoreWideChecks {
  integrity: Promise<IntegrityReport>;
  doubleBilled: Promise<DoubleBilled[]>;
  fileControls: Promise<ReadableRows<FileControls[]>>;
}

/** A batch of a month's calls as reconcile reads them: the billed calls to sum, the others counted. */
export interface MonthCallsBatch extends ReadableRows<TotalledCall[]> {
  /** The batch's calls by how they count: billed (readable or not), late, unrated by code. */
  counts: HeldOutCalls;
  /** The contracts of its late and unrated calls (a billed call's is in `values`). */
  heldOutContracts: string[];
}

/** An issued revision as stored: the raw JSON, so an edited one can still be examined. */
export interface IssuedRevision {
  revision: number;
  statementJson: string;
  sha256: string;
}

/** The reads every command may make; inside a transaction they see that transaction's snapshot. */
export interface StoreReader {
  /** The contracts' and numbers' plans (subscriptions), as rating reads them. */
  subscriptionBook(): Promise<SubscriptionBook>;
  /** A contract's subscriptions (its own and its numbers'), by number ('' first) then date. */
  contractSubscriptions(contractId: string): Promise<StoredSubscription[]>;
  /** Customer lines of one contract (or of every contract: null), by contract, number and active_from. */
  customers(contractId: string | null): Promise<CustomerLine[]>;
  /** Issued invoices and notes, by issuer and sequence (issue order). */
  invoices(filter: InvoiceFilter): Promise<StoredInvoice[]>;
  /** Stored rejects, by file (in ingest order) and line. */
  rejects(filter: RejectFilter): Promise<StoredReject[]>;
  /** Stored rejects of these codes that kept their record, by file (in ingest order) and line. */
  recyclableRejects(codes: readonly string[]): Promise<RecyclableReject[]>;
  /** Rejects of these codes stored without their record (stores written before rejects kept it): recycle cannot read them again. */
  rejectsWithoutRecord(codes: readonly string[]): Promise<number>;
  closedMonths(): Promise<Set<string>>;
  /** The closed months and when each was closed, oldest month first. */
  closedMonthList(): Promise<ClosedMonth[]>;
  /** Every ingested file, in ingest order, with its control totals. */
  ingestedFiles(): Promise<IngestedFile[]>;
  /** A contract-month's issued revisions with their reasons, oldest first. */
  revisionHistory(contractId: string, month: string): Promise<RevisionSummary[]>;
  isMonthClosed(month: string): Promise<boolean>;
  /** Contracts with statement figures (totals) in a month. */
  monthContracts(month: string): Promise<string[]>;
  /** Months in which the contract has figures to show, newest first. */
  statementMonths(contractId: string): Promise<string[]>;
  /** A contract-month's totals; a row with a value meisai never writes is a failed run naming it. */
  contractTotals(contractId: string, month: string): Promise<MonthTotals>;
  latestRevision(contractId: string, month: string): Promise<RevisionRow | undefined>;
  revision(contractId: string, month: string, revision: number): Promise<RevisionRow | undefined>;

  /** The month's calls for a re-rate (or a share's), a batch at a time; a damaged row is a failed run naming it. */
  monthCallBatches(scope: MonthScope, share?: CallShare): AsyncIterable<StoredCall[]>;
  /** Contracts with an issued revision in the scope. */
  revisedContracts(scope: MonthScope): Promise<string[]>;

  /**
   * Reconciliation: the scope's calls in one pass, in batches: the billed ones (neither late nor
   * unrated) to sum, an unreadable row left out and described; the late and unrated ones counted.
   */
  monthCalls(scope: MonthScope): AsyncIterable<MonthCallsBatch>;
  /** The month's stored totals; unreadable rows are left out and described. */
  storedTotals(scope: MonthScope): Promise<ReadableRows<MonthTotals>>;
  /** Contracts with anything in the month: calls, totals or an issued statement. */
  contractsOfMonth(scope: MonthScope): Promise<string[]>;
  issuedRevisions(contractId: string, month: string): Promise<ReadableRows<IssuedRevision[]>>;
  fileControls(): Promise<ReadableRows<FileControls[]>>;
  /** The engine's own check of its storage (SQLite: quick_check; PostgreSQL: amcheck on the store's indexes and its row invariant). */
  integrityCheck(): Promise<IntegrityReport>;
  /**
   * Record_ids billed twice: two stored calls of one record_id within the duplicate scope, one of
   * them in this month (a store written before one rule held on both engines, or damage).
   */
  doubleBilled(month: string): Promise<DoubleBilled[]>;
  /**
   * reconcile's store-wide checks of a month, started together: integrityCheck, doubleBilled(month)
   * and fileControls. An engine may answer them beside the caller's own reads, each check on the
   * store as committed when it runs, in one read of its own (SQLite: a read-only connection in a
   * worker thread); PostgreSQL answers them in this reader's transaction, one after another,
   * before it returns.
   */
  storeWideChecks(month: string): Promise<StoreWideChecks>;

  /** The call details of a contract-month, ordered by number, start and record_id. */
  callDetails(request: CallDetailsRequest): Promise<StoredCallDetail[]>;
  /** Months in which the contract has calls, newest first. */
  callMonths(contractId: string): Promise<string[]>;
  /** Whether the number has calls in the contract-month. */
  hasCalls(contractId: string, month: string, number?: string): Promise<boolean>;
}

/** Writes outside file ingest, inside `Store.transaction`. */
export interface StoreWriter extends StoreReader {
  /**
   * The stored sightings of these calls' record_ids within the duplicate scope, by record_id: the
   * one de-duplication rule, which ingest (a file's transaction) and recycle both apply.
   */
  storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>>;
  insertRevision(row: RevisionRow): Promise<void>;
  markMonthClosed(month: string, closedAt: string): Promise<void>;
  /**
   * A whole month's calls as two shares, `elsewhere` read by another thread on a connection of its
   * own (readCallShare) while this writer, holding the write lock and with nothing written yet,
   * reads `here`. null below `minCalls` calls, for a contract, or with no other connection (PostgreSQL, memory).
   */
  monthCallShares(scope: MonthScope, minCalls: number): { here: CallShare; elsewhere: CallShare } | null;
  /** Stores each call's new rating (clearing late), or marks it unrated (its earlier rating kept for the trace). */
  applyReratings(reratings: Rerating[]): Promise<void>;
  /** Brings the scope's totals to those the diff was made against (rows.ts `monthTotalsDiff`): only the rows that differ are written. */
  applyTotalsDiff(scope: MonthScope, diff: TotalsDiff): Promise<void>;
  /** Adds sums to the stored monthly totals (a row not there yet starts from zero). */
  addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void>;

  /** Stores subscriptions: a line for a (contract, number, date) already stored replaces its plan. */
  importSubscriptions(
    subscriptions: readonly Subscription[],
    importedFrom: string,
    importedAt: string,
  ): Promise<SubscriptionsImported>;
  /** Stores customer lines: a line for a (contract, number, active_from) already stored replaces its name and active_to. */
  importCustomers(
    customers: readonly CustomerLine[],
    importedFrom: string,
    importedAt: string,
  ): Promise<CustomersImported>;
  /**
   * The issuer's next invoice number (1, 2, …): taken inside the bill's transaction, so a rolled
   * back run gives its numbers back and concurrent runs wait for each other (never a gap, never reused).
   */
  nextInvoiceSequence(issuer: string): Promise<number>;
  /** Stores an issued invoice or note; a second invoice (not note) for a contract-month is refused by the store. */
  insertInvoice(invoice: StoredInvoice): Promise<void>;
  /**
   * Moves recycled rejects into calls, each on its own file and line: the file's counts move with
   * it (rejected − 1, accepted + 1, recycled + 1, late + 1 if late), so the file still foots, and a
   * `recycled` row keeps why it had been rejected. The totals are the caller's (`addTotals`).
   */
  acceptRecycled(recycled: readonly RecycledCall[]): Promise<void>;
  /** A reject that still fails keeps its place; its code and message become today's. */
  updateReject(reject: Pick<RecyclableReject, 'fileId' | 'line'>, code: string, message: string): Promise<void>;

  /** The ingested files a selector names (a name may be several files), in ingest order. */
  filesMatching(selector: FileSelector): Promise<StoredFile[]>;
  /** A file's stored calls (its own and its recycled ones). */
  fileCalls(fileId: number): Promise<FileCall[]>;
  /** Of these record_ids, those stored as a call of another file too (any month). */
  recordIdsElsewhere(recordIds: readonly string[], exceptFileId: number): Promise<Set<string>>;
  /** Duplicate rows of other files with these record_ids, in ingest order (file, then line). */
  duplicatesOf(recordIds: readonly string[], exceptFileId: number): Promise<StoredDuplicate[]>;
  /**
   * Keeps ingest out of these months until the transaction ends: PostgreSQL takes the exclusive
   * side of each month's advisory lock (the shared side a file holds per month it writes); SQLite's
   * writer already holds the store's lock file. True when rows read before it may have changed
   * meanwhile (read them again), false when nothing else can write (SQLite).
   */
  lockMonths(months: readonly string[]): Promise<boolean>;
  /**
   * Takes a file's effect back: promoted calls move to their duplicate's file and line (that file's
   * counts move: duplicates − 1, accepted + 1, late + 1 if late) and the duplicate row goes; the
   * file's other calls, rejects, duplicates, skips and recycled rows go; a file_removals row records
   * it. The totals are the caller's.
   */
  removeFile(removal: FileRemoval): Promise<FileRemovalCounts>;
}

export interface FileClaim {
  release(): Promise<void>;
}

export interface Store extends StoreReader {
  readonly engine: Engine;
  /** Where the store is, for messages (a PostgreSQL URL without its password). */
  readonly location: string;

  /** The newest schema migration applied to the store. */
  schemaVersion(): Promise<number>;

  hasFileOfSize(bytes: number): Promise<boolean>;
  findFileBySha(sha256: string): Promise<FileRow | undefined>;
  /**
   * Claims a delivery (by file name) for this process, so that concurrent ingest workers do not
   * read the same file at once: null when another worker holds it (with `wait`, waits for it
   * instead). Exactly-once does not rest on the claim — a file's hash is unique in the store —
   * the claim only keeps workers from doing the same work. SQLite has one writer (the store's
   * lock), so every claim succeeds there.
   */
  claimFile(name: string, options?: { wait?: boolean }): Promise<FileClaim | null>;
  /**
   * Whether another worker holds a claim on any of these deliveries (by file name) now. A hint
   * for the order files are taken in, nothing rests on it; SQLite: never (one writer).
   */
  claimedElsewhere(names: string[]): Promise<boolean>;
  /** Starts one file's transaction (its files row is created inside it). */
  beginFile(file: FileStart): Promise<FileTransaction>;

  /** Writes in one transaction: all or nothing. On PostgreSQL, `lockKey` (a month) is held by an advisory lock meanwhile. */
  transaction<T>(work: (writer: StoreWriter) => Promise<T>, options?: { lockKey?: string }): Promise<T>;
  /** Reads in one snapshot: a file being ingested meanwhile is seen whole or not at all. */
  readTransaction<T>(work: (reader: StoreReader) => Promise<T>): Promise<T>;

  close(): Promise<void>;
}
