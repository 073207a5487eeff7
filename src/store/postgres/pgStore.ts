import { storedInteger } from '../rowChecks';
import {
  appliedVersion,
  AppliedMigrationRow,
  checkStoreTables,
  pendingMigrations,
  refuseOlderForRead,
} from '../schema';
import { SubscriptionBook } from '../../subscription/subscriptions';
import { CustomerLine } from '../listingTypes';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StoreConfigurationError, StoreFailedError } from '../../errors';
import {
  ClosedMonth,
  IngestedFile,
  RevisionSummary,
  DoubleBilled,
  CallDetailsRequest,
  FileClaim,
  FileControls,
  FileRow,
  FileStart,
  FileTransaction,
  MonthCallsBatch,
  StoreWideChecks,
  IntegrityReport,
  IssuedRevision,
  RecyclableReject,
  RejectFilter,
  StoredReject,
  StoredSubscription,
  InvoiceFilter,
  StoredInvoice,
  MonthScope,
  MonthTotals,
  RevisionRow,
  Store,
  StoreReader,
  StoreWriter,
  StoredCall,
  StoredCallDetail,
  ReadableRows,
} from '../types';
import { createPool, pgFault, redactUrl } from './connection';
import { PG_KNOWN_VERSION, PG_MIGRATIONS } from './migrations';
import { Partitions } from './partitions';
import { QUERIES, QueryName } from './queries';

import { findFile, PgSession, Queryable } from './pgSession';
import { PgFileTransaction } from './pgFileTransaction';
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

/** Observes every statement sent (tests: the Citus check lists them). */
export type QueryObserver = (name: string, text: string) => void;
let observer: QueryObserver | undefined;

export function observePostgresQueries(next: QueryObserver | undefined): void {
  observer = next;
}

export type PgAccess = 'read' | 'write' | 'create';

/** The advisory lock key of a delivery's claim. */
function claimKey(name: string): string {
  return `meisai:claim:${name}`;
}

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
      return await client.query(
        entry.prepare ? { name: `meisai_${name}`, text: entry.text, values } : { text: entry.text, values },
      );
    } catch (error) {
      throw this.fault(error);
    }
  }

  /** @internal Runs a catalogued COPY … FROM STDIN with these chunks of its data (copyLines.ts). */
  async copy(client: pg.PoolClient, name: QueryName, chunks: Iterable<Buffer>): Promise<void> {
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
      if (access === 'read') refuseOlderForRead(this.location, version, PG_KNOWN_VERSION);
      else await this.migrateOn(client);
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
      const applied = (await this.run(client, 'appliedMigrations')).rows.map((row) =>
        storedInteger(this.location, 'schema_migrations.version', row.version),
      );
      for (const migration of pendingMigrations(this.location, PG_MIGRATIONS, applied)) {
        await this.run(client, 'begin');
        try {
          await this.runText(client, `migration ${migration.version}`, migration.sql);
          await this.run(client, 'recordMigration', [
            migration.version,
            migration.description,
            new Date().toISOString(),
          ]);
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
    const notAStore = (why: string): StoreConfigurationError =>
      new StoreConfigurationError(`--db ${this.location} is not a meisai store: ${why}`);
    if (!tables.includes('schema_migrations')) {
      if (tables.length > 0)
        throw notAStore(`its schema has tables (${tables.slice(0, 3).join(', ')}…) but no schema_migrations`);
      if (access === 'create') return 0;
      throw new StoreConfigurationError(
        `the PostgreSQL store --db ${this.location} has no meisai schema yet: run meisai migrate, or ingest files first`,
      );
    }
    const applied = (await this.run(client, 'appliedMigrations')).rows as AppliedMigrationRow[];
    const newest = appliedVersion(this.location, PG_MIGRATIONS, applied, notAStore);
    if (newest === 0 && access !== 'create') {
      throw new StoreConfigurationError(
        `the PostgreSQL store --db ${this.location} has no meisai schema yet: run meisai migrate, or ingest files first`,
      );
    }
    // Read again after the migrations: a concurrent first run may have committed one (its tables
    // with its row) between the two reads above, which would look like a row without tables.
    if (newest > 0)
      checkStoreTables(
        (await this.run(client, 'schemaTables')).rows.map((row) => row.name as string),
        notAStore,
      );
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
    const key = claimKey(name);
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

  /** Whether another session holds the claim (claimFile's advisory lock) of any of these names. */
  async claimedElsewhere(names: string[]): Promise<boolean> {
    if (names.length === 0) return false;
    return (await this.run(this.pool, 'claimedElsewhere', [names.map(claimKey)])).rows[0]?.claimed === true;
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
      await this.run(client, 'begin');
      const fileId = Number(
        (await this.run(client, 'insertFile', [file.name, `pending:${pendingId()}`, file.source, file.ingestedAt]))
          .rows[0].fileId,
      );
      return new PgFileTransaction(this, client, fileId, receivedMonth(file.ingestedAt), file.name);
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
  contractSubscriptions(contractId: string): Promise<StoredSubscription[]> {
    return this.reads.contractSubscriptions(contractId);
  }
  customers(contractId: string | null): Promise<CustomerLine[]> {
    return this.reads.customers(contractId);
  }
  invoices(filter: InvoiceFilter): Promise<StoredInvoice[]> {
    return this.reads.invoices(filter);
  }
  rejects(filter: RejectFilter): Promise<StoredReject[]> {
    return this.reads.rejects(filter);
  }
  recyclableRejects(codes: readonly string[]): Promise<RecyclableReject[]> {
    return this.reads.recyclableRejects(codes);
  }
  rejectsWithoutRecord(codes: readonly string[]): Promise<number> {
    return this.reads.rejectsWithoutRecord(codes);
  }

  closedMonths(): Promise<Set<string>> {
    return this.reads.closedMonths();
  }
  isMonthClosed(month: string): Promise<boolean> {
    return this.reads.isMonthClosed(month);
  }
  closedMonthList(): Promise<ClosedMonth[]> {
    return this.reads.closedMonthList();
  }
  ingestedFiles(): Promise<IngestedFile[]> {
    return this.reads.ingestedFiles();
  }
  revisionHistory(contractId: string, month: string): Promise<RevisionSummary[]> {
    return this.reads.revisionHistory(contractId, month);
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
  revisedContracts(scope: MonthScope): Promise<string[]> {
    return this.reads.revisedContracts(scope);
  }
  monthCalls(scope: MonthScope): AsyncIterable<MonthCallsBatch> {
    return this.reads.monthCalls(scope);
  }
  storedTotals(scope: MonthScope): Promise<ReadableRows<MonthTotals>> {
    return this.readTransaction((reader) => reader.storedTotals(scope));
  }
  contractsOfMonth(scope: MonthScope): Promise<string[]> {
    return this.reads.contractsOfMonth(scope);
  }
  issuedRevisions(contractId: string, month: string): Promise<ReadableRows<IssuedRevision[]>> {
    return this.reads.issuedRevisions(contractId, month);
  }
  fileControls(): Promise<ReadableRows<FileControls[]>> {
    return this.readTransaction((reader) => reader.fileControls());
  }
  integrityCheck(): Promise<IntegrityReport> {
    return this.reads.integrityCheck();
  }
  doubleBilled(month: string): Promise<DoubleBilled[]> {
    return this.reads.doubleBilled(month);
  }
  storeWideChecks(month: string): Promise<StoreWideChecks> {
    return this.readTransaction((reader) => reader.storeWideChecks(month));
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
  if (!/^\d{4}-\d{2}$/.test(month))
    throw new StoreFailedError(`the ingest time '${ingestedAt.slice(0, 40)}' is not an ISO date and time`);
  return month;
}
