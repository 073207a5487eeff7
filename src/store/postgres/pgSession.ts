import {
  monthCallsOf,
  fileControlsOf,
  ingestedFileOf,
  issuedRevisionsOf,
  revisionSummaryOf,
  monthTotalsOrFail,
  readableMonthTotals,
  RERATE_BATCH,
  storedCallFromRow,
} from '../rows';
import { Subscription, SubscriptionBook } from '../../subscription/subscriptions';
import { checkIntegrity } from './pgIntegrity';
import { handled } from '../handled';
import {
  acceptRecycled,
  countRejectsWithoutRecord,
  readRecyclableRejects,
  readRejects,
  updateReject,
} from './pgRecycle';
import { importSubscriptions, readContractSubscriptions, readSubscriptionBook } from './pgSubscriptions';
import * as billing from './pgBilling';
import * as rerate from './pgRerate';
import * as removal from './pgFileRemoval';
import { addTotals } from './pgTotals';
import { textArray } from './arrayLiteral';
import { CustomerLine } from '../listingTypes';
import pg from 'pg';
import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { CallRecord } from '../../input/callRecord';
import { keyText, readableCalls, storedInteger } from '../rowChecks';
import {
  ClosedMonth,
  IngestedFile,
  RevisionSummary,
  DoubleBilled,
  CallDetailsRequest,
  CallShare,
  FileControls,
  FileRow,
  MonthCallsBatch,
  StoreWideChecks,
  IntegrityReport,
  IssuedRevision,
  RecyclableReject,
  RecycledCall,
  RejectFilter,
  StoredReject,
  StoredSubscription,
  SubscriptionsImported,
  MonthScope,
  MonthTotals,
  Rerating,
  RevisionRow,
  StoreWriter,
  StoredCall,
  StoredCallDetail,
  StoredCallIdentity,
  TotalsDiff,
  ReadableRows,
  CustomersImported,
  InvoiceFilter,
  StoredInvoice,
  FileCall,
  FileRemoval,
  FileRemovalCounts,
  FileSelector,
  StoredDuplicate,
  StoredFile,
} from '../types';
import { QueryName } from './queries';
import { doubleBilledOf, duplicateBuckets, duplicateScopeMonths } from '../duplicateScope';
import { japanMonth } from '../../time/japanTime';
import type { PgStore } from './pgStore';

export type Queryable = pg.Pool | pg.PoolClient;

export async function findFile(store: PgStore, client: Queryable, sha256: string): Promise<FileRow | undefined> {
  const row = (await store.run(client, 'fileBySha', [sha256])).rows[0];
  return row === undefined
    ? undefined
    : {
        fileId: storedInteger(store.location, 'files.file_id', row.fileId),
        name: row.name,
        sha256: row.sha256,
        ingestedAt: row.ingestedAt,
      };
}

// ---- row mapping, once per table

/** A boolean column as the 0/1 the row checks and the shared row types expect. */
function flag(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** A calls row with its boolean columns as 0/1 (as SQLite stores them), for the shared row checks. */
export function callRowForChecks(row: Record<string, unknown>): Record<string, unknown> {
  const mapped = { ...row };
  for (const key of ['peerIsNumber', 'chakuwariEligible', 'late']) if (key in mapped) mapped[key] = flag(mapped[key]);
  return mapped;
}

function toRevision(row: Record<string, unknown> | undefined): RevisionRow | undefined {
  if (row === undefined) return undefined;
  return {
    contractId: row.contractId as string,
    month: row.month as string,
    revision: row.revision as number,
    createdAt: row.createdAt as string,
    reason: row.reason as string,
    statementJson: row.statementJson as string,
    sha256: row.sha256 as string,
  };
}

/** The reads and writes of one connection: the pool (no transaction) or a transaction's client. */
export class PgSession implements StoreWriter {
  constructor(
    private readonly store: PgStore,
    private readonly client: Queryable,
  ) {}

  private run(name: QueryName, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.store.run(this.client, name, values);
  }

  private async strings(name: QueryName, values: unknown[], column: string): Promise<string[]> {
    return (await this.run(name, values)).rows.map((row) =>
      typeof row[column] === 'string' ? row[column] : keyText(row[column]),
    );
  }

  private queryForScope(scope: MonthScope, month: QueryName, contract: QueryName): [QueryName, unknown[]] {
    return scope.contractId === null ? [month, [scope.month]] : [contract, [scope.month, scope.contractId]];
  }

  // ---- subscriptions, rejects and recycle (pgSubscriptions.ts, pgRecycle.ts)

  subscriptionBook(): Promise<SubscriptionBook> {
    return readSubscriptionBook(this.store, this.client);
  }

  contractSubscriptions(contractId: string): Promise<StoredSubscription[]> {
    return readContractSubscriptions(this.store, this.client, contractId);
  }

  importSubscriptions(
    subscriptions: readonly Subscription[],
    importedFrom: string,
    importedAt: string,
  ): Promise<SubscriptionsImported> {
    return importSubscriptions(this.store, this.client, subscriptions, importedFrom, importedAt);
  }

  // ---- customers and invoices (pgBilling.ts)

  customers(contractId: string | null): Promise<CustomerLine[]> {
    return billing.readCustomers(this.store, this.client, contractId);
  }

  importCustomers(
    customers: readonly CustomerLine[],
    importedFrom: string,
    importedAt: string,
  ): Promise<CustomersImported> {
    return billing.importCustomers(this.store, this.client, customers, importedFrom, importedAt);
  }

  invoices(filter: InvoiceFilter): Promise<StoredInvoice[]> {
    return billing.readInvoices(this.store, this.client, filter);
  }

  nextInvoiceSequence(issuer: string): Promise<number> {
    return billing.nextInvoiceSequence(this.store, this.client, issuer);
  }

  insertInvoice(invoice: StoredInvoice): Promise<void> {
    return billing.insertInvoice(this.store, this.client, invoice);
  }

  rejects(filter: RejectFilter): Promise<StoredReject[]> {
    return readRejects(this.store, this.client, filter);
  }

  recyclableRejects(codes: readonly string[]): Promise<RecyclableReject[]> {
    return readRecyclableRejects(this.store, this.client, codes);
  }

  rejectsWithoutRecord(codes: readonly string[]): Promise<number> {
    return countRejectsWithoutRecord(this.store, this.client, codes);
  }

  acceptRecycled(recycled: readonly RecycledCall[]): Promise<void> {
    return acceptRecycled(this.store, this.client, recycled);
  }

  updateReject(reject: Pick<RecyclableReject, 'fileId' | 'line'>, code: string, message: string): Promise<void> {
    return updateReject(this.store, this.client, reject, code, message);
  }

  addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void> {
    return addTotals(this.store, this.client, typeTotals, chakuwariTotals);
  }

  // ---- files remove (pgFileRemoval.ts)

  filesMatching(selector: FileSelector): Promise<StoredFile[]> {
    return removal.filesMatching(this.store, this.client, selector);
  }

  fileCalls(fileId: number): Promise<FileCall[]> {
    return removal.fileCalls(this.store, this.client, fileId);
  }

  recordIdsElsewhere(recordIds: readonly string[], exceptFileId: number): Promise<Set<string>> {
    return removal.recordIdsElsewhere(this.store, this.client, recordIds, exceptFileId);
  }

  duplicatesOf(recordIds: readonly string[], exceptFileId: number): Promise<StoredDuplicate[]> {
    return removal.duplicatesOf(this.store, this.client, recordIds, exceptFileId);
  }

  lockMonths(months: readonly string[]): Promise<boolean> {
    return removal.lockMonths(this.store, this.client, months);
  }

  removeFile(fileRemoval: FileRemoval): Promise<FileRemovalCounts> {
    return removal.removeFile(this.store, this.client, fileRemoval);
  }

  /**
   * The stored sightings of these calls' record_ids within the duplicate scope, by record_id: the
   * de-duplication rule of ingest and recycle alike. A call of month m asks for buckets m and m+1
   * (duplicateScope.ts duplicateBuckets), which hold the calls of m−1, m and m+1 (found by the
   * primary key of record_ids); the content of those found is read from calls, by its primary key.
   */
  async storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>> {
    const found = new Map<string, StoredCallIdentity[]>();
    if (calls.length === 0) return found;
    // The batch's record_ids in the buckets of its months (a batch mostly has one month): the
    // sightings of other months of the batch that this brings along are left out by settleBatch.
    const recordIds = new Set<string>();
    const buckets = new Set<number>();
    for (const call of calls) {
      recordIds.add(call.recordId);
      for (const bucket of duplicateBuckets(japanMonth(call.startMs))) buckets.add(bucket);
    }
    type Key = { recordId: string; contractId: string; month: string };
    const bounds = [Math.min(...buckets), Math.max(...buckets)];
    const keys = (await this.run('storedCallKeys', [textArray([...recordIds]), ...bounds])).rows as Key[];
    if (keys.length === 0) return found;
    const located = [keys.map((key) => key.contractId), keys.map((key) => key.month), keys.map((key) => key.recordId)];
    for (const row of (await this.run('storedCalls', located)).rows as (StoredCallIdentity & { recordId: string })[]) {
      const { recordId, ...identity } = row;
      const sighting = { ...identity, line: Number(identity.line) };
      const sightings = found.get(recordId);
      if (sightings === undefined) found.set(recordId, [sighting]);
      else sightings.push(sighting);
    }
    return found;
  }

  // ---- months and statements

  async closedMonths(): Promise<Set<string>> {
    return new Set(await this.strings('closedMonths', [], 'month'));
  }
  async closedMonthList(): Promise<ClosedMonth[]> {
    return (await this.run('closedMonthList')).rows as ClosedMonth[];
  }
  async ingestedFiles(): Promise<IngestedFile[]> {
    return (await this.run('ingestedFiles')).rows.map(ingestedFileOf);
  }
  async revisionHistory(contractId: string, month: string): Promise<RevisionSummary[]> {
    return (await this.run('revisionHistory', [contractId, month])).rows.map(revisionSummaryOf);
  }

  async isMonthClosed(month: string): Promise<boolean> {
    return (await this.run('isMonthClosed', [month])).rows.length > 0;
  }

  async markMonthClosed(month: string, closedAt: string): Promise<void> {
    await this.run('markMonthClosed', [month, closedAt]);
  }

  monthContracts(month: string): Promise<string[]> {
    return this.strings('monthContracts', [month], 'contractId');
  }

  statementMonths(contractId: string): Promise<string[]> {
    return this.strings('statementMonths', [contractId], 'month');
  }

  async contractTotals(contractId: string, month: string): Promise<MonthTotals> {
    const typeRows = (await this.run('contractTypeTotals', [contractId, month])).rows as Record<string, unknown>[];
    const chakuwariRows = (await this.run('contractChakuwariTotals', [contractId, month])).rows as Record<
      string,
      unknown
    >[];
    return monthTotalsOrFail(this.store.location, typeRows, chakuwariRows);
  }

  async latestRevision(contractId: string, month: string): Promise<RevisionRow | undefined> {
    return toRevision((await this.run('latestRevision', [contractId, month])).rows[0]);
  }

  async revision(contractId: string, month: string, revision: number): Promise<RevisionRow | undefined> {
    return toRevision((await this.run('revision', [contractId, month, revision])).rows[0]);
  }

  async insertRevision(row: RevisionRow): Promise<void> {
    await this.run('insertRevision', [
      row.contractId,
      row.month,
      row.revision,
      row.createdAt,
      row.reason,
      row.statementJson,
      row.sha256,
    ]);
  }

  // ---- re-rating

  /** None: a re-rate reads the month on the transaction's connection, the server's work. */
  monthCallShares(): null {
    return null;
  }

  /** By the key after the last call read, a batch at a time: no cursor left open while the caller writes. */
  async *monthCallBatches(scope: MonthScope, share?: CallShare): AsyncIterable<StoredCall[]> {
    if (share !== undefined)
      throw new Error('PostgreSQL gives no call shares: its re-rate reads on its own connection');
    let afterContract = '';
    let afterRecord = '';
    for (;;) {
      const result =
        scope.contractId === null
          ? await this.run('monthCallBatchMonth', [scope.month, afterContract, afterRecord])
          : await this.run('monthCallBatchContract', [scope.month, scope.contractId, afterRecord]);
      const rows = result.rows as Record<string, unknown>[];
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!;
      afterContract = last.contractId as string;
      afterRecord = last.recordId as string;
      yield readableCalls(this.store.location, rows.map(callRowForChecks)).map(storedCallFromRow);
      if (rows.length < RERATE_BATCH) return;
    }
  }

  revisedContracts(scope: MonthScope): Promise<string[]> {
    const [name, values] = this.queryForScope(scope, 'revisedContractsMonth', 'revisedContractsContract');
    return this.strings(name, values, 'contractId');
  }

  applyReratings(reratings: Rerating[]): Promise<void> {
    return rerate.applyReratings(this.store, this.client, reratings);
  }

  applyTotalsDiff(scope: MonthScope, diff: TotalsDiff): Promise<void> {
    return rerate.applyTotalsDiff(this.store, this.client, scope, diff);
  }

  // ---- reconciliation

  async *monthCalls(scope: MonthScope): AsyncIterable<MonthCallsBatch> {
    const [declare, values] = this.queryForScope(scope, 'declareMonthCallsMonth', 'declareMonthCallsContract');
    // A cursor needs a transaction: inside one, this session's; else a snapshot of its own.
    const own = this.client instanceof pg.Pool;
    const client = own ? await this.store.connect() : (this.client as pg.PoolClient);
    let broken = false;
    try {
      if (own) await this.store.run(client, 'beginSnapshot');
      await this.store.run(client, declare, values);
      for (;;) {
        const rows = (await this.store.run(client, 'fetchMonthCalls')).rows as Record<string, unknown>[];
        if (rows.length === 0) break;
        yield monthCallsOf(rows, callRowForChecks);
      }
      await this.store.run(client, 'closeMonthCalls');
    } finally {
      if (own) {
        try {
          await this.store.run(client, 'rollback');
        } catch {
          broken = true;
        }
        (client as pg.PoolClient).release(broken ? true : undefined);
      }
    }
  }

  async storedTotals(scope: MonthScope): Promise<ReadableRows<MonthTotals>> {
    const [typeName, values] = this.queryForScope(scope, 'storedTypeTotalsMonth', 'storedTypeTotalsContract');
    const [chakuwariName] = this.queryForScope(scope, 'storedChakuwariTotalsMonth', 'storedChakuwariTotalsContract');
    const typeTotals = (await this.run(typeName, values)).rows as Record<string, unknown>[];
    const chakuwariTotals = (await this.run(chakuwariName, values)).rows as Record<string, unknown>[];
    return readableMonthTotals(typeTotals, chakuwariTotals);
  }

  contractsOfMonth(scope: MonthScope): Promise<string[]> {
    const [name, values] = this.queryForScope(scope, 'contractsOfMonthMonth', 'contractsOfMonthContract');
    return this.strings(name, values, 'contractId');
  }

  async issuedRevisions(contractId: string, month: string): Promise<ReadableRows<IssuedRevision[]>> {
    const rows = (await this.run('issuedRevisions', [contractId, month])).rows as Record<string, unknown>[];
    return issuedRevisionsOf(rows, contractId, month);
  }

  async fileControls(): Promise<ReadableRows<FileControls[]>> {
    const files = (await this.run('fileRows')).rows as Record<string, unknown>[];
    const counted = async (name: QueryName): Promise<Map<number, number>> =>
      new Map(
        (await this.run(name)).rows.map((row) => [
          storedInteger(this.store.location, 'file_id', row.fileId),
          row.rows as number,
        ]),
      );
    const calls = await counted('callRowsByFile');
    const rejects = await counted('rejectRowsByFile');
    const duplicates = await counted('duplicateRowsByFile');
    const skips = await counted('skipRowsByFile');
    const recycled = await counted('recycledRowsByFile');
    const rows = files.map((file) => ({
      ...file,
      callRows: calls.get(Number(file.fileId)) ?? 0,
      rejectRows: rejects.get(Number(file.fileId)) ?? 0,
      duplicateRows: duplicates.get(Number(file.fileId)) ?? 0,
      recycledRows: recycled.get(Number(file.fileId)) ?? 0,
      skipRows: skips.get(Number(file.fileId)) ?? 0,
    }));
    return fileControlsOf(rows);
  }

  async doubleBilled(month: string): Promise<DoubleBilled[]> {
    const byRecord = new Map<string, DoubleBilled['calls']>();
    for (const row of (await this.run('doubleBilled', [month, duplicateScopeMonths(month)])).rows as ({
      recordId: string;
    } & DoubleBilled['calls'][number])[]) {
      const { recordId, ...call } = row;
      const calls = byRecord.get(recordId) ?? [];
      calls.push({ ...call, line: Number(call.line) });
      byRecord.set(recordId, calls);
    }
    return doubleBilledOf(byRecord, month);
  }

  /** amcheck on the store's b-tree indexes, and the calls ⇄ record_ids invariant (pgIntegrity.ts). */
  integrityCheck(): Promise<IntegrityReport> {
    return checkIntegrity(this.store, this.client);
  }

  /**
   * One after another on this session's connection, each finished before the next and all before
   * the caller's reads go on: queries of one transaction must not interleave (a failed one aborts
   * the transaction for the rest).
   */
  async storeWideChecks(month: string): Promise<StoreWideChecks> {
    const integrity = handled(this.integrityCheck());
    await integrity.catch(() => undefined);
    const doubleBilled = handled(this.doubleBilled(month));
    await doubleBilled.catch(() => undefined);
    const fileControls = handled(this.fileControls());
    await fileControls.catch(() => undefined);
    return { integrity, doubleBilled, fileControls };
  }

  // ---- call details

  async callDetails(request: CallDetailsRequest): Promise<StoredCallDetail[]> {
    const rows = (
      await this.run('callDetails', [request.contractId, request.month, request.number ?? null, request.direction])
    ).rows.map(callRowForChecks);
    return readableCalls(this.store.location, rows) as unknown as StoredCallDetail[];
  }

  callMonths(contractId: string): Promise<string[]> {
    return this.strings('callMonths', [contractId], 'month');
  }

  async hasCalls(contractId: string, month: string, number?: string): Promise<boolean> {
    return (await this.run('hasCalls', [contractId, month, number ?? null])).rows.length > 0;
  }
}
