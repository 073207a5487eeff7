import { readableRows, storedCallFromRow, totalsDiff } from '../rows';
import { SubscriptionBook } from '../../subscription/subscriptions';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChakuwariTotal, NumberTypeTotal, TotalledCall } from '../../aggregate/monthlyTotals';
import { StoreConfigurationError, StoreFailedError, StoreRaceError } from '../../errors';
import { RatedCall } from '../../rate/rateRecord';
import { CallRecord } from '../../input/callRecord';
import {
  callProblem,
  chakuwariTotalKey,
  chakuwariTotalProblem,
  damagedRowError,
  integerProblem,
  keyText,
  problems,
  readableCalls,
  textProblem,
  typeTotalKey,
  typeTotalProblem,
} from '../rowChecks';
import {
  AcceptedCall,
  CallDetailsRequest,
  FileBatch,
  FileClaim,
  FileControls,
  FileOutcome,
  FileRow,
  FileStart,
  FileTransaction,
  HeldOutCalls,
  IssuedRevision,
  MonthScope,
  MonthTotals,
  Rerating,
  RevisionRow,
  Store,
  StoreReader,
  StoreWriter,
  StoredCall,
  StoredCallDetail,
  StoredCallIdentity,
  TotalsDiff,
} from '../types';
import { createPool, pgFault, redactUrl } from './connection';
import { PG_KNOWN_VERSION, PG_MIGRATIONS } from './migrations';
import { Partitions } from './partitions';
import { QUERIES, QueryName, RERATE_BATCH, STAGING_COLUMNS } from './queries';

/**
 * The PostgreSQL engine. Every statement it sends is named in queries.ts; rows are mapped to
 * meisai's values here, once per table. Ingest: each file is one transaction on a connection of
 * its own; its accepted calls go by COPY into a session temp table, then one INSERT … SELECT per
 * batch. Concurrency between workers (processes, hosts):
 *
 * - a file is applied once: files.sha256 is UNIQUE and set inside the file's transaction, so of
 *   two workers applying the same content the second finds it (or waits on it) and rolls back;
 *   `tryClaim` (a session advisory lock on the content hash) keeps a second worker from even
 *   parsing a file another one is applying;
 * - a record_id is stored once: record_ids' primary key makes a file that writes a record_id
 *   another uncommitted file wrote wait for it, then fail with a StoreRaceError (rolled back
 *   whole: apply it again, and its record is then a duplicate or a conflict, as on SQLite);
 * - totals are added with INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x, rows in key
 *   order: no lost update, no deadlock between two files;
 * - a file holds a shared advisory lock on each month it writes calls of; rerate and close take
 *   the exclusive one (`transaction(…, { lockKey: month })`), so they never interleave with a
 *   file of that month, and a file that finds its month closed meanwhile is a StoreRaceError.
 */

type Queryable = pg.Pool | pg.PoolClient;

/** Observes every statement sent (tests: the Citus check lists them). */
export type QueryObserver = (name: string, text: string) => void;
let observer: QueryObserver | undefined;

export function observePostgresQueries(next: QueryObserver | undefined): void {
  observer = next;
}

export type PgAccess = 'read' | 'write' | 'create';

/** The advisory lock of a month: `meisai:month:2011-04` (a transaction's lockKey `month:2011-04`). */
const MONTH_LOCK = 'meisai:month:';

export class PgStore implements Store {
  readonly engine = 'postgres' as const;
  readonly location: string;
  /** Reads outside a transaction: each on a pooled connection. */
  private readonly reads: PgSession;
  readonly partitions: Partitions;

  private constructor(
    readonly pool: pg.Pool,
    location: string,
  ) {
    this.location = location;
    this.reads = new PgSession(this, pool);
    this.partitions = new Partitions(
      pool,
      (client, name, values) => this.run(client, name, values),
      (client, label, text) => this.runText(client, label, text),
    );
  }

  /**
   * Connects to the store at a postgres:// URL and checks its schema: `create` (ingest) and
   * `migrate` bring it up to date from nothing; `write` and `read` need a meisai schema there
   * (an older one is brought up to date). A server that cannot be reached, a refused login, a
   * database that does not exist: a StoreConfigurationError naming `--db` without the password.
   */
  static async open(url: string, access: PgAccess = 'create', options: { poolSize?: number } = {}): Promise<PgStore> {
    const location = redactUrl(url);
    const pool = createPool(url, { max: options.poolSize });
    const store = new PgStore(pool, location);
    try {
      await store.prepareSchema(access);
      return store;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw pgFault(error, location);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  // ---- running statements

  /** @internal Runs a catalogued statement. */
  async run(client: Queryable, name: QueryName, values: unknown[] = []): Promise<pg.QueryResult> {
    const entry = QUERIES[name];
    observer?.(name, entry.text);
    try {
      return await client.query(entry.prepare ? { name: `meisai_${name}`, text: entry.text, values } : { text: entry.text, values });
    } catch (error) {
      throw this.fault(error);
    }
  }

  /** @internal Runs a catalogued COPY … FROM STDIN with these chunks of its text format. */
  async copy(client: pg.PoolClient, name: QueryName, chunks: Iterable<string>): Promise<void> {
    const entry = QUERIES[name];
    observer?.(name, entry.text);
    try {
      await pipeline(Readable.from(chunks), client.query(copyFrom(entry.text)));
    } catch (error) {
      throw this.fault(error);
    }
  }

  /** @internal Runs generated DDL (migrations, partitions). */
  async runText(client: Queryable, label: string, text: string): Promise<pg.QueryResult> {
    observer?.(`ddl:${label}`, text);
    try {
      return await client.query(text);
    } catch (error) {
      throw this.fault(error);
    }
  }

  /** @internal */
  fault(error: unknown): unknown {
    return pgFault(error, this.location);
  }

  /** @internal A pooled connection, connection errors mapped. */
  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw this.fault(error);
    }
  }

  // ---- schema

  private async prepareSchema(access: PgAccess): Promise<void> {
    const client = await this.connect();
    try {
      const version = await this.readSchemaVersion(client, access);
      if (access !== 'read' || version < PG_KNOWN_VERSION) await this.migrateOn(client);
    } finally {
      client.release();
    }
  }

  /** Applies the migrations this store lacks (`meisai migrate`); concurrent callers wait for each other. */
  async migrate(): Promise<void> {
    const client = await this.connect();
    try {
      await this.migrateOn(client);
    } finally {
      client.release();
    }
  }

  private async migrateOn(client: pg.PoolClient): Promise<void> {
    await this.run(client, 'sessionLock', ['meisai:migrate']);
    try {
      await this.run(client, 'createSchemaMigrations');
      const applied = new Set((await this.run(client, 'appliedMigrations')).rows.map((row) => Number(row.version)));
      const newest = Math.max(0, ...applied);
      if (newest > PG_KNOWN_VERSION) {
        throw new StoreConfigurationError(`the store ${this.location} has schema version ${newest}, newer than this meisai knows (${PG_KNOWN_VERSION})`);
      }
      for (const migration of PG_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await this.run(client, 'begin');
        try {
          await this.runText(client, `migration ${migration.version}`, migration.sql);
          await this.run(client, 'recordMigration', [migration.version, migration.description, new Date().toISOString()]);
          await this.run(client, 'commit');
        } catch (error) {
          await this.run(client, 'rollback').catch(() => undefined);
          throw error;
        }
      }
    } finally {
      await this.run(client, 'sessionUnlock', ['meisai:migrate']).catch(() => undefined);
    }
  }

  /** 0 for an empty database; a database with other tables and no meisai schema is not a store. */
  private async readSchemaVersion(client: pg.PoolClient, access: PgAccess): Promise<number> {
    const tables = (await this.run(client, 'schemaTables')).rows.map((row) => row.name as string);
    const notAStore = (why: string): StoreConfigurationError => new StoreConfigurationError(`--db ${this.location} is not a meisai store: ${why}`);
    if (!tables.includes('schema_migrations')) {
      if (tables.length > 0) throw notAStore(`its schema has tables (${tables.slice(0, 3).join(', ')}…) but no schema_migrations`);
      if (access === 'create') return 0;
      throw new StoreConfigurationError(`the PostgreSQL store --db ${this.location} has no meisai schema yet: run meisai migrate, or ingest files first`);
    }
    const applied = (await this.run(client, 'appliedMigrations')).rows as { version: unknown; description: unknown }[];
    for (const row of applied) {
      const migration = PG_MIGRATIONS.find((candidate) => candidate.version === row.version);
      if (typeof row.version !== 'number' || (migration !== undefined && migration.description !== row.description)) {
        throw notAStore("its schema_migrations table is not meisai's");
      }
    }
    const newest = Math.max(0, ...applied.map((row) => row.version as number));
    if (newest > PG_KNOWN_VERSION) {
      throw new StoreConfigurationError(`the store ${this.location} has schema version ${newest}, newer than this meisai knows (${PG_KNOWN_VERSION})`);
    }
    if (newest === 0 && access !== 'create') {
      throw new StoreConfigurationError(`the PostgreSQL store --db ${this.location} has no meisai schema yet: run meisai migrate, or ingest files first`);
    }
    return newest;
  }

  // ---- claims

  async schemaVersion(): Promise<number> {
    const rows = (await this.run(this.pool, 'appliedMigrations')).rows as { version: number }[];
    return Math.max(0, ...rows.map((row) => row.version));
  }

  /**
   * Claims a delivery (by file name) for this worker until `release`: a session advisory lock on
   * a connection held meanwhile, so another worker's claim fails at once (or, with `wait`, waits),
   * and a dead worker's claim goes with its connection. Exactly-once rests on files.sha256 and
   * record_ids, not on the claim: it only keeps two workers from parsing one file.
   */
  async claimFile(name: string, options: { wait?: boolean } = {}): Promise<FileClaim | null> {
    const key = `meisai:claim:${name}`;
    const client = await this.connect();
    try {
      if (options.wait === true) {
        await this.run(client, 'sessionLock', [key]);
      } else if ((await this.run(client, 'tryClaim', [key])).rows[0]?.claimed !== true) {
        client.release();
        return null;
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await this.run(client, 'releaseClaim', [key]);
          client.release();
        } catch {
          client.release(true);
        }
      },
    };
  }

  // ---- files and ingest

  async hasFileOfSize(bytes: number): Promise<boolean> {
    return (await this.run(this.pool, 'fileOfSize', [bytes])).rows.length > 0;
  }

  async findFileBySha(sha256: string): Promise<FileRow | undefined> {
    return findFile(this, this.pool, sha256);
  }

  async beginFile(file: FileStart): Promise<FileTransaction> {
    const client = await this.connect();
    try {
      await this.run(client, 'createStaging');
      await this.run(client, 'begin');
      const fileId = Number((await this.run(client, 'insertFile', [file.name, `pending:${pendingId()}`, file.source, file.ingestedAt])).rows[0].fileId);
      return new PgFileTransaction(this, client, fileId, receivedMonth(file.ingestedAt));
    } catch (error) {
      await this.run(client, 'rollback').catch(() => undefined);
      client.release(true);
      throw error;
    }
  }

  // ---- transactions

  async transaction<T>(work: (writer: StoreWriter) => Promise<T>, options: { lockKey?: string } = {}): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await this.run(client, 'begin');
      // `month:2011-04` (rerate, close): the exclusive side of the lock each file holds shared per month it writes.
      if (options.lockKey !== undefined) await this.run(client, 'lockExclusive', [`meisai:${options.lockKey}`]);
      const result = await work(new PgSession(this, client));
      await this.run(client, 'commit');
      return result;
    } catch (error) {
      try {
        await this.run(client, 'rollback');
      } catch {
        broken = true;
      }
      throw this.fault(error);
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  async readTransaction<T>(work: (reader: StoreReader) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await this.run(client, 'beginSnapshot');
      return await work(new PgSession(this, client));
    } finally {
      try {
        await this.run(client, 'rollback');
      } catch {
        broken = true;
      }
      client.release(broken ? true : undefined);
    }
  }

  // ---- reads outside a transaction

  subscriptionBook(): Promise<SubscriptionBook> {
    return this.reads.subscriptionBook();
  }

  closedMonths(): Promise<Set<string>> {
    return this.reads.closedMonths();
  }
  isMonthClosed(month: string): Promise<boolean> {
    return this.reads.isMonthClosed(month);
  }
  monthContracts(month: string): Promise<string[]> {
    return this.reads.monthContracts(month);
  }
  statementMonths(contractId: string): Promise<string[]> {
    return this.reads.statementMonths(contractId);
  }
  /** Both totals tables in one snapshot: a file committed meanwhile is in both or in neither. */
  contractTotals(contractId: string, month: string): Promise<MonthTotals> {
    return this.readTransaction((reader) => reader.contractTotals(contractId, month));
  }
  latestRevision(contractId: string, month: string): Promise<RevisionRow | undefined> {
    return this.reads.latestRevision(contractId, month);
  }
  revision(contractId: string, month: string, revision: number): Promise<RevisionRow | undefined> {
    return this.reads.revision(contractId, month, revision);
  }
  monthCallBatches(scope: MonthScope): AsyncIterable<StoredCall[]> {
    return this.reads.monthCallBatches(scope);
  }
  diffMonthTotals(scope: MonthScope, totals: MonthTotals): Promise<TotalsDiff> {
    return this.reads.diffMonthTotals(scope, totals);
  }
  revisedContracts(scope: MonthScope): Promise<string[]> {
    return this.reads.revisedContracts(scope);
  }
  billedCalls(scope: MonthScope, unreadable: string[]): AsyncIterable<TotalledCall[]> {
    return this.reads.billedCalls(scope, unreadable);
  }
  countCalls(scope: MonthScope): Promise<HeldOutCalls> {
    return this.reads.countCalls(scope);
  }
  storedTotals(scope: MonthScope, unreadable: string[]): Promise<MonthTotals> {
    return this.readTransaction((reader) => reader.storedTotals(scope, unreadable));
  }
  contractsOfMonth(scope: MonthScope): Promise<string[]> {
    return this.reads.contractsOfMonth(scope);
  }
  issuedRevisions(contractId: string, month: string, unreadable: string[]): Promise<IssuedRevision[]> {
    return this.reads.issuedRevisions(contractId, month, unreadable);
  }
  fileControls(unreadable: string[]): Promise<FileControls[]> {
    return this.readTransaction((reader) => reader.fileControls(unreadable));
  }
  integrityProblems(): Promise<string[]> {
    return this.reads.integrityProblems();
  }
  callDetails(request: CallDetailsRequest): Promise<StoredCallDetail[]> {
    return this.reads.callDetails(request);
  }
  callMonths(contractId: string): Promise<string[]> {
    return this.reads.callMonths(contractId);
  }
  hasCalls(contractId: string, month: string, number?: string): Promise<boolean> {
    return this.reads.hasCalls(contractId, month, number);
  }
}

function pendingId(): string {
  return `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** The month (UTC) a file was received: the partition of its rejects and duplicates. */
function receivedMonth(ingestedAt: string): string {
  const month = ingestedAt.slice(0, 7);
  if (!/^\d{4}-\d{2}$/.test(month)) throw new StoreFailedError(`the ingest time '${ingestedAt.slice(0, 40)}' is not an ISO date and time`);
  return month;
}

async function findFile(store: PgStore, client: Queryable, sha256: string): Promise<FileRow | undefined> {
  const row = (await store.run(client, 'fileBySha', [sha256])).rows[0];
  return row === undefined ? undefined : { fileId: Number(row.fileId), name: row.name, sha256: row.sha256, ingestedAt: row.ingestedAt };
}

// ---- row mapping, once per table

/** A boolean column as the 0/1 the row checks and the shared row types expect. */
function flag(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** A calls row with its boolean columns as 0/1 (as SQLite stores them), for the shared row checks. */
function callRowForChecks(row: Record<string, unknown>): Record<string, unknown> {
  const mapped = { ...row };
  for (const key of ['peerIsNumber', 'chakuwariEligible', 'late']) if (key in mapped) mapped[key] = flag(mapped[key]);
  return mapped;
}

function toRevision(row: Record<string, unknown> | undefined): RevisionRow | undefined {
  if (row === undefined) return undefined;
  return row as unknown as RevisionRow;
}

/** The reads and writes of one connection: the pool (no transaction) or a transaction's client. */
class PgSession implements StoreWriter {
  constructor(
    private readonly store: PgStore,
    private readonly client: Queryable,
  ) {}

  private run(name: QueryName, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.store.run(this.client, name, values);
  }

  private async strings(name: QueryName, values: unknown[], column: string): Promise<string[]> {
    return (await this.run(name, values)).rows.map((row) => (typeof row[column] === 'string' ? row[column] : keyText(row[column])));
  }

  private scoped(scope: MonthScope, month: QueryName, contract: QueryName): [QueryName, unknown[]] {
    return scope.contractId === null ? [month, [scope.month]] : [contract, [scope.month, scope.contractId]];
  }

  /**
   * Subscriptions are imported into the SQLite store only so far (`meisai subscriptions import`
   * refuses PostgreSQL): here every contract is rated by the default plan.
   */
  async subscriptionBook(): Promise<SubscriptionBook> {
    return new SubscriptionBook();
  }

  // ---- months and statements

  async closedMonths(): Promise<Set<string>> {
    return new Set(await this.strings('closedMonths', [], 'month'));
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
    const chakuwariRows = (await this.run('contractChakuwariTotals', [contractId, month])).rows as Record<string, unknown>[];
    return {
      typeTotals: typeRows.map((row) => this.readable(row, typeTotalProblem, typeTotalKey)) as unknown as NumberTypeTotal[],
      chakuwariTotals: chakuwariRows.map((row) => this.readable(row, chakuwariTotalProblem, chakuwariTotalKey)) as unknown as ChakuwariTotal[],
    };
  }

  private readable(
    row: Record<string, unknown>,
    problemOf: (row: Record<string, unknown>) => string | null,
    keyOf: (row: Record<string, unknown>) => string,
  ): Record<string, unknown> {
    const problem = problemOf(row);
    if (problem === null) return row;
    throw damagedRowError(this.store.location, keyOf(row), problem);
  }

  async latestRevision(contractId: string, month: string): Promise<RevisionRow | undefined> {
    return toRevision((await this.run('latestRevision', [contractId, month])).rows[0]);
  }

  async revision(contractId: string, month: string, revision: number): Promise<RevisionRow | undefined> {
    return toRevision((await this.run('revision', [contractId, month, revision])).rows[0]);
  }

  async insertRevision(row: RevisionRow): Promise<void> {
    await this.run('insertRevision', [row.contractId, row.month, row.revision, row.createdAt, row.reason, row.statementJson, row.sha256]);
  }

  // ---- re-rating

  /** By the key after the last call read, a batch at a time: no cursor left open while the caller writes. */
  async *monthCallBatches(scope: MonthScope): AsyncIterable<StoredCall[]> {
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

  async diffMonthTotals(scope: MonthScope, totals: MonthTotals): Promise<TotalsDiff> {
    return totalsDiff(await this.storedTotals(scope, []), totals);
  }

  revisedContracts(scope: MonthScope): Promise<string[]> {
    const [name, values] = this.scoped(scope, 'revisedContractsMonth', 'revisedContractsContract');
    return this.strings(name, values, 'contractId');
  }

  async applyReratings(reratings: Rerating[]): Promise<void> {
    const rated = reratings.filter((rerating): rerating is { recordId: string; rated: RatedCall } => 'rated' in rerating);
    const unrated = reratings.filter((rerating): rerating is { recordId: string; unratedCode: string } => 'unratedCode' in rerating);
    for (let start = 0; start < rated.length; start += 5000) {
      const slice = rated.slice(start, start + 5000).map((rerating) => rerating.rated);
      await this.run('applyRatings', [
        slice.map((call) => call.contractId),
        slice.map((call) => call.month),
        slice.map((call) => call.recordId),
        slice.map((call) => call.peerClass),
        slice.map((call) => call.tariffId),
        slice.map((call) => call.numberingPlanId),
        slice.map((call) => call.rateId),
        slice.map((call) => call.ratePrefix),
        slice.map((call) => call.units),
        slice.map((call) => call.chargeScaled),
        slice.map((call) => call.chakuwariEligible),
        slice.map((call) => call.planId),
        slice.map((call) => call.chargeRemainderParts),
      ]);
    }
    for (let start = 0; start < unrated.length; start += 5000) {
      const slice = unrated.slice(start, start + 5000);
      await this.run('markUnrated', [slice.map((rerating) => rerating.recordId), slice.map((rerating) => rerating.unratedCode)]);
    }
  }

  async applyTotalsDiff(scope: MonthScope, diff: TotalsDiff): Promise<void> {
    const { typeTotals, chakuwariTotals, goneTypeTotals, goneChakuwariTotals } = diff;
    if (typeTotals.length > 0) {
      await this.store.partitions.ensure('number_type_totals', typeTotals.map((total) => total.month));
      await this.run('setTypeTotals', [
        typeTotals.map((total) => total.contractId),
        typeTotals.map((total) => total.month),
        typeTotals.map((total) => total.number),
        typeTotals.map((total) => total.type),
        typeTotals.map((total) => total.calls),
        typeTotals.map((total) => total.durationTenths),
        typeTotals.map((total) => total.chargeScaled),
        typeTotals.map((total) => total.chargeRemainderParts),
      ]);
    }
    if (chakuwariTotals.length > 0) {
      await this.store.partitions.ensure('chakuwari_totals', chakuwariTotals.map((total) => total.month));
      await this.run('setChakuwariTotals', [
        chakuwariTotals.map((total) => total.contractId),
        chakuwariTotals.map((total) => total.month),
        chakuwariTotals.map((total) => total.number),
        chakuwariTotals.map((total) => total.calls),
        chakuwariTotals.map((total) => total.durationTenths),
        chakuwariTotals.map((total) => total.durationMs),
      ]);
    }
    if (goneTypeTotals.length > 0) {
      await this.run('deleteTypeTotals', [
        scope.month,
        goneTypeTotals.map((row) => row.contractId),
        goneTypeTotals.map((row) => row.number),
        goneTypeTotals.map((row) => row.type),
      ]);
    }
    if (goneChakuwariTotals.length > 0) {
      await this.run('deleteChakuwariTotals', [scope.month, goneChakuwariTotals.map((row) => row.contractId), goneChakuwariTotals.map((row) => row.number)]);
    }
  }

  // ---- reconciliation

  async *billedCalls(scope: MonthScope, unreadable: string[]): AsyncIterable<TotalledCall[]> {
    const [declare, values] = this.scoped(scope, 'declareBilledMonth', 'declareBilledContract');
    // A cursor needs a transaction: inside one, this session's; else a snapshot of its own.
    const own = this.client instanceof pg.Pool;
    const client = own ? await this.store.connect() : (this.client as pg.PoolClient);
    let broken = false;
    try {
      if (own) await this.store.run(client, 'beginSnapshot');
      await this.store.run(client, declare, values);
      for (;;) {
        const rows = (await this.store.run(client, 'fetchBilled')).rows as Record<string, unknown>[];
        if (rows.length === 0) break;
        const batch: TotalledCall[] = [];
        for (const row of rows) {
          const checked = callRowForChecks(row);
          const problem = callProblem(checked);
          if (problem !== null) {
            unreadable.push(`call ${keyText(row.recordId)} (file ${String(row.fileId)}, line ${String(row.line)}): cannot be read: ${problem}`);
            continue;
          }
          batch.push(row as unknown as TotalledCall);
        }
        if (batch.length > 0) yield batch;
      }
      await this.store.run(client, 'closeBilled');
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

  async countCalls(scope: MonthScope): Promise<HeldOutCalls> {
    const [name, values] = this.scoped(scope, 'countCallsMonth', 'countCallsContract');
    const rows = (await this.run(name, values)).rows as { late: boolean; unratedCode: string | null; calls: number }[];
    const counts: HeldOutCalls = { billed: 0, late: 0, unratedByCode: {} };
    for (const row of rows) {
      if (row.unratedCode !== null) counts.unratedByCode[row.unratedCode] = (counts.unratedByCode[row.unratedCode] ?? 0) + row.calls;
      else if (row.late) counts.late += row.calls;
      else counts.billed += row.calls;
    }
    return counts;
  }

  async storedTotals(scope: MonthScope, unreadable: string[]): Promise<MonthTotals> {
    const [typeName, values] = this.scoped(scope, 'storedTypeTotalsMonth', 'storedTypeTotalsContract');
    const [chakuwariName] = this.scoped(scope, 'storedChakuwariTotalsMonth', 'storedChakuwariTotalsContract');
    const typeTotals = (await this.run(typeName, values)).rows as Record<string, unknown>[];
    const chakuwariTotals = (await this.run(chakuwariName, values)).rows as Record<string, unknown>[];
    return {
      typeTotals: readableRows(typeTotals, typeTotalProblem, typeTotalKey, unreadable) as unknown as NumberTypeTotal[],
      chakuwariTotals: readableRows(chakuwariTotals, chakuwariTotalProblem, chakuwariTotalKey, unreadable) as unknown as ChakuwariTotal[],
    };
  }

  contractsOfMonth(scope: MonthScope): Promise<string[]> {
    const [name, values] = this.scoped(scope, 'contractsOfMonthMonth', 'contractsOfMonthContract');
    return this.strings(name, values, 'contractId');
  }

  async issuedRevisions(contractId: string, month: string, unreadable: string[]): Promise<IssuedRevision[]> {
    const rows = (await this.run('issuedRevisions', [contractId, month])).rows as Record<string, unknown>[];
    return readableRows(
      rows,
      (row) => problems(integerProblem('revision', row.revision, 1), textProblem('statement_json', row.statementJson), textProblem('sha256', row.sha256)),
      (row) => `${contractId} ${month}, issued revision ${keyText(row.revision)}`,
      unreadable,
    ) as unknown as IssuedRevision[];
  }

  async fileControls(unreadable: string[]): Promise<FileControls[]> {
    const files = (await this.run('fileRows')).rows as Record<string, unknown>[];
    const counted = async (name: QueryName): Promise<Map<number, number>> =>
      new Map((await this.run(name)).rows.map((row) => [Number(row.fileId), row.rows as number]));
    const calls = await counted('callRowsByFile');
    const rejects = await counted('rejectRowsByFile');
    const duplicates = await counted('duplicateRowsByFile');
    const skips = await counted('skipRowsByFile');
    const rows = files.map((file) => ({
      ...file,
      callRows: calls.get(Number(file.fileId)) ?? 0,
      rejectRows: rejects.get(Number(file.fileId)) ?? 0,
      duplicateRows: duplicates.get(Number(file.fileId)) ?? 0,
      // recycle is not built for PostgreSQL yet: no record was recycled here
      recycled: 0,
      recycledRows: 0,
      skipRows: skips.get(Number(file.fileId)) ?? 0,
    }));
    const counts = ['recordsRead', 'accepted', 'rejected', 'duplicates', 'skipped'] as const;
    const columns = { recordsRead: 'records_read', accepted: 'accepted', rejected: 'rejected', duplicates: 'duplicates', skipped: 'skipped' };
    return readableRows(
      rows,
      (row) => problems(textProblem('name', row.name), ...counts.map((count) => integerProblem(columns[count], row[count], 0))),
      (row) => `file ${String(row.fileId)} (${keyText(row.name)})`,
      unreadable,
    ) as unknown as FileControls[];
  }

  /**
   * PostgreSQL checks its own pages (checksums, WAL); what meisai checks here is its own
   * invariant across tables: every stored call has its record_ids row and no other is there.
   */
  async integrityProblems(): Promise<string[]> {
    const row = (await this.run('callsWithoutRecordId')).rows[0] as { calls: number; recordIds: number };
    return row.calls === row.recordIds ? [] : [`calls has ${row.calls} rows but record_ids ${row.recordIds}: they must have one row per stored call each`];
  }

  // ---- call details

  async callDetails(request: CallDetailsRequest): Promise<StoredCallDetail[]> {
    const rows = (await this.run('callDetails', [request.contractId, request.month, request.number ?? null, request.direction])).rows.map(
      callRowForChecks,
    );
    return readableCalls(this.store.location, rows) as unknown as StoredCallDetail[];
  }

  callMonths(contractId: string): Promise<string[]> {
    return this.strings('callMonths', [contractId], 'month');
  }

  async hasCalls(contractId: string, month: string, number?: string): Promise<boolean> {
    return (await this.run('hasCalls', [contractId, month, number ?? null])).rows.length > 0;
  }
}

/** Adds sums to the stored monthly totals (a row not there yet starts from zero), rows in key order. */
async function addTotals(store: PgStore, client: Queryable, typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void> {
  if (typeTotals.length > 0) {
    await store.partitions.ensure('number_type_totals', typeTotals.map((total) => total.month));
    await store.run(client, 'addTypeTotals', [
      typeTotals.map((total) => total.contractId),
      typeTotals.map((total) => total.month),
      typeTotals.map((total) => total.number),
      typeTotals.map((total) => total.type),
      typeTotals.map((total) => total.calls),
      typeTotals.map((total) => total.durationTenths),
      typeTotals.map((total) => total.chargeScaled),
      typeTotals.map((total) => total.chargeRemainderParts),
    ]);
  }
  if (chakuwariTotals.length > 0) {
    await store.partitions.ensure('chakuwari_totals', chakuwariTotals.map((total) => total.month));
    await store.run(client, 'addChakuwariTotals', [
      chakuwariTotals.map((total) => total.contractId),
      chakuwariTotals.map((total) => total.month),
      chakuwariTotals.map((total) => total.number),
      chakuwariTotals.map((total) => total.calls),
      chakuwariTotals.map((total) => total.durationTenths),
      chakuwariTotals.map((total) => total.durationMs),
    ]);
  }
}

/** A value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyText(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new StoreFailedError(`cannot store ${value}: meisai stores exact integers only`);
    return String(value);
  }
  return value.replace(/[\\\t\n\r]/g, (character) => (character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r'));
}

function copyLine({ call, line, late }: AcceptedCall): string {
  const values: (string | number | boolean | null)[] = [
    call.recordId, line, call.contractId, call.number, call.direction, call.peer, call.peerIsNumber, call.startMs, call.durationMs,
    call.month, call.peerClass, call.tariffId, call.numberingPlanId, call.rateId, call.ratePrefix, call.units, call.chargeScaled,
    call.chakuwariEligible, late, call.planId, call.chargeRemainderParts,
  ];
  if (values.length !== STAGING_COLUMNS.length) throw new Error('staging columns and values disagree');
  return `${values.map(copyText).join('\t')}\n`;
}

/** One file's writes, on a connection of its own, inside the transaction beginFile opened. */
class PgFileTransaction implements FileTransaction {
  private done = false;
  private readonly lockedMonths = new Set<string>();
  private wroteRejects = false;
  private wroteDuplicates = false;

  constructor(
    private readonly store: PgStore,
    private readonly client: pg.PoolClient,
    private readonly fileId: number,
    private readonly receivedMonth: string,
  ) {}

  private run(name: QueryName, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.store.run(this.client, name, values);
  }

  /** A failure inside the file's transaction: a record_id written by a concurrent file is a lost race (apply the file again). */
  private raced(error: unknown): unknown {
    const constraint = (error as { constraint?: unknown }).constraint;
    // The file's own records never collide (the rules settle them against the stored ones and
    // the file's earlier ones): a collision on a stored call's key is a concurrent file's.
    if ((error as { code?: unknown }).code === '23505' && typeof constraint === 'string' && /^(record_ids_pkey|calls_\d{4}_\d{2}_pkey)$/.test(constraint)) {
      return new StoreRaceError(
        `the PostgreSQL store --db ${this.store.location}: a file applied at the same time stored one of this file's record_ids first; nothing of this file was applied`,
      );
    }
    return this.store.fault(error);
  }

  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    if (this.done) throw new Error('the file transaction is over');
    try {
      return await work();
    } catch (error) {
      throw this.raced(error);
    }
  }

  storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity>> {
    const recordIds = calls.map((call) => call.recordId);
    return this.guarded(async () => {
      const found = new Map<string, StoredCallIdentity>();
      if (recordIds.length === 0) return found;
      for (const row of (await this.run('storedCalls', [recordIds])).rows as (StoredCallIdentity & { recordId: string })[]) {
        const { recordId, ...identity } = row;
        found.set(recordId, { ...identity, line: Number(identity.line) });
      }
      return found;
    });
  }

  writeBatch(batch: FileBatch): Promise<void> {
    return this.guarded(async () => {
      if (batch.rejects.length > 0) {
        if (!this.wroteRejects) await this.store.partitions.ensure('rejects', [this.receivedMonth]);
        this.wroteRejects = true;
        await this.run('insertRejects', [
          this.fileId,
          this.receivedMonth,
          batch.rejects.map((reject) => reject.line),
          batch.rejects.map((reject) => reject.code),
          batch.rejects.map((reject) => reject.message),
          batch.rejects.map((reject) => Buffer.from(reject.raw, 'utf8')),
          batch.rejects.map((reject) => (reject.record === null ? null : JSON.stringify(reject.record))),
        ]);
      }
      if (batch.skips.length > 0) {
        await this.run('insertSkips', [this.fileId, batch.skips.map((skip) => skip.line), batch.skips.map((skip) => skip.reason)]);
      }
      if (batch.duplicates.length > 0) {
        if (!this.wroteDuplicates) await this.store.partitions.ensure('duplicates', [this.receivedMonth]);
        this.wroteDuplicates = true;
        await this.run('insertDuplicates', [
          this.fileId,
          this.receivedMonth,
          batch.duplicates.map((duplicate) => duplicate.line),
          batch.duplicates.map((duplicate) => duplicate.recordId),
        ]);
      }
      if (batch.calls.length > 0) await this.insertCalls(batch.calls);
    });
  }

  private async insertCalls(calls: AcceptedCall[]): Promise<void> {
    const months = [...new Set(calls.map((accepted) => accepted.call.month))].sort();
    await this.lockMonths(months, calls);
    await this.store.partitions.ensure('calls', months);
    await this.run('truncateStaging');
    await this.store.copy(this.client, 'copyStaging', copyChunks(calls));
    await this.run('insertStagedCalls', [this.fileId]);
  }

  /**
   * Takes the shared lock of each new month this file writes calls of (rerate and close of it
   * wait for the file; the file waits for them), then checks the month was not closed meanwhile:
   * its calls would have been settled as not late.
   */
  private async lockMonths(months: string[], calls: AcceptedCall[]): Promise<void> {
    const fresh = months.filter((month) => !this.lockedMonths.has(month));
    if (fresh.length === 0) return;
    for (const month of fresh) {
      await this.run('lockShared', [`${MONTH_LOCK}${month}`]);
      this.lockedMonths.add(month);
    }
    const closedNow = new Set((await this.run('closedAmong', [fresh])).rows.map((row) => row.month as string));
    const settledOpen = calls.find((accepted) => !accepted.late && closedNow.has(accepted.call.month));
    if (settledOpen !== undefined) {
      throw new StoreRaceError(
        `the PostgreSQL store --db ${this.store.location}: ${settledOpen.call.month} was closed while this file was applied; nothing of it was applied`,
      );
    }
  }

  addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void> {
    return this.guarded(() => addTotals(this.store, this.client, typeTotals, chakuwariTotals));
  }

  async finish(outcome: FileOutcome): Promise<'applied' | 'already-ingested'> {
    if (this.done) throw new Error('the file transaction is over');
    try {
      if ((await findFile(this.store, this.client, outcome.sha256)) !== undefined) {
        await this.end('rollback');
        return 'already-ingested';
      }
      try {
        await this.run('finishFile', [
          outcome.sha256, outcome.bytes, outcome.encoding, outcome.read, outcome.accepted, outcome.rejected, outcome.duplicates, outcome.late,
          outcome.skipped, outcome.profile, this.fileId,
        ]);
      } catch (error) {
        // Another worker committed the same content meanwhile (this one waited on its hash): it wins.
        if (isUniqueViolation(error, 'files_sha256_key')) {
          await this.end('rollback');
          return 'already-ingested';
        }
        throw error;
      }
      await this.end('commit');
      return 'applied';
    } catch (error) {
      if (!this.done) await this.end('rollback').catch(() => undefined);
      throw this.raced(error);
    }
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    await this.end('rollback');
  }

  private async end(how: 'commit' | 'rollback'): Promise<void> {
    this.done = true;
    let broken = false;
    try {
      await this.run(how);
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      this.client.release(broken ? true : undefined);
    }
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (error as { code?: unknown })?.code === '23505' && (error as { constraint?: unknown }).constraint === constraint;
}

function* copyChunks(calls: AcceptedCall[]): Generator<string> {
  let chunk = '';
  for (const accepted of calls) {
    chunk += copyLine(accepted);
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
