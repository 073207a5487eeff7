import pg from 'pg';
import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { StoreRaceError } from '../../errors';
import { CallRecord } from '../../input/callRecord';
import { AcceptedCall, FileBatch, FileOutcome, FileTransaction, StoredCallIdentity } from '../types';
import { QueryName } from './queries';
import { CALL_COLUMNS, callRow, copyChunks, RECORD_ID_COLUMNS, recordIdRows } from './copyLines';
import { MONTH_LOCK } from './advisoryLocks';
import type { PgStore } from './pgStore';
import { findFile, PgSession } from './pgSession';
import { addTotals } from './pgTotals';

/** Batches of one file written again in a row (each after a concurrent file committed) before the whole file is applied again. */
const RACED_BATCH_LIMIT = 20;

/** The keys that meet a concurrent file's record_id: record_ids' own, or a calls partition's. */
const RACE_CONSTRAINT = /^(record_ids_pkey|calls_\d{4}_\d{2}_pkey)$/;

/**
 * Calls of one file kept in memory for de-duplication (about 100 bytes each); a bigger file looks
 * its batches up on its own connection, each after the batch before is written.
 */
const OWN_CALLS_KEPT = 1 << 19;

/** One file's writes, on a connection of its own, inside the transaction beginFile opened. */
export class PgFileTransaction implements FileTransaction {
  /** Each statement is a round trip to the server: a file is settled in few, big batches. */
  readonly settleRecords = 32_768;
  /**
   * A batch is looked up on another connection (committed calls) and against this file's calls
   * in memory while the batch before is written: meisai settles one batch while the server
   * stores the other. What that look-up cannot see — a concurrent file's record_id stored since —
   * the unique key of record_ids catches: the batch is `raced`, looked up again here.
   */
  readonly overlapsWrites = true;
  /** This file's calls written so far (the batch in flight included), by record_id; null past OWN_CALLS_KEPT. */
  private ownCalls: Map<string, StoredCallIdentity[]> | null = new Map();
  private ownCallCount = 0;
  /** The batch being written (settled, whatever its outcome): this connection's next statement waits for it. */
  private writing: Promise<unknown> = Promise.resolve();
  private done = false;
  private readonly lockedMonths = new Set<string>();
  /** Months of calls this file's duplicates repeat, held shared (apart from lockedMonths: a call of one still has its closed check). */
  private readonly repeatedMonths = new Set<string>();
  private wroteRejects = false;
  private wroteDuplicates = false;
  /** Batches written again in a row because a concurrent file stored some of their record_ids first. */
  private racedBatches = 0;

  constructor(
    private readonly store: PgStore,
    private readonly client: pg.PoolClient,
    private readonly fileId: number,
    private readonly receivedMonth: string,
    private readonly fileName: string,
  ) {}

  private run(name: QueryName, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.store.run(this.client, name, values);
  }

  /** A failure inside the file's transaction: a record_id written by a concurrent file is a lost race (apply the file again). */
  private lostRaceOrError(error: unknown): unknown {
    const constraint = (error as { constraint?: unknown }).constraint;
    // The file's own records never collide (the rules settle them against the stored ones and
    // the file's earlier ones): a collision on a stored call's key is a concurrent file's.
    if (
      (error as { code?: unknown }).code === '23505' &&
      typeof constraint === 'string' &&
      RACE_CONSTRAINT.test(constraint)
    ) {
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
      throw this.lostRaceOrError(error);
    }
  }

  /**
   * The stored sightings of the calls' record_ids: committed ones (on a pooled connection, while
   * this one may be writing the batch before) and this file's own, from memory. A file too big to
   * keep in memory asks its own connection, once the batch in flight is written.
   */
  storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>> {
    return this.guarded(async () => {
      const ownCalls = this.ownCalls;
      if (ownCalls === null) {
        await this.writing;
        return new PgSession(this.store, this.client).storedCalls(calls);
      }
      const found = await new PgSession(this.store, this.store.pool).storedCalls(calls);
      for (const recordId of new Set(calls.map((call) => call.recordId))) {
        const own = ownCalls.get(recordId);
        if (own !== undefined) found.set(recordId, [...(found.get(recordId) ?? []), ...own]);
      }
      return found;
    });
  }

  /** Keeps the batch's calls as sightings of this file (until OWN_CALLS_KEPT; then none are kept). */
  private keepOwnCalls(calls: AcceptedCall[]): void {
    if (this.ownCalls === null) return;
    this.ownCallCount += calls.length;
    if (this.ownCallCount > OWN_CALLS_KEPT) {
      this.ownCalls = null;
      return;
    }
    for (const { call, line } of calls) {
      const identity: StoredCallIdentity = {
        contractId: call.contractId,
        number: call.number,
        direction: call.direction,
        peer: call.peer,
        startMs: call.startMs,
        durationMs: call.durationMs,
        fileName: this.fileName,
        line,
      };
      const sightings = this.ownCalls.get(call.recordId);
      if (sightings === undefined) this.ownCalls.set(call.recordId, [identity]);
      else sightings.push(identity);
    }
  }

  /** Forgets the calls of a batch that was not written (raced). */
  private forgetOwnCalls(calls: AcceptedCall[]): void {
    if (this.ownCalls === null) return;
    this.ownCallCount -= calls.length;
    const lines = new Set(calls.map((accepted) => accepted.line));
    for (const { call } of calls) {
      const kept = (this.ownCalls.get(call.recordId) ?? []).filter((sighting) => !lines.has(sighting.line));
      if (kept.length === 0) this.ownCalls.delete(call.recordId);
      else this.ownCalls.set(call.recordId, kept);
    }
  }

  /**
   * Writes the batch inside a savepoint. A record_id of it that a concurrent file wrote first
   * makes this file wait for that one; once it has committed, the batch is rolled back to the
   * savepoint (the file's earlier batches stay) and `raced` tells the caller to look its calls up
   * again and settle it again, against that file's rows. After RACED_BATCH_LIMIT of those in a
   * row the whole file is given up (StoreRaceError, applied again).
   */
  writeBatch(batch: FileBatch): Promise<'written' | 'raced'> {
    // Known before the write starts: the next batch's look-up may run meanwhile.
    this.keepOwnCalls(batch.calls);
    const write = this.guarded(() => this.write(batch));
    this.writing = write.catch(() => undefined);
    return write;
  }

  private async write(batch: FileBatch): Promise<'written' | 'raced'> {
    // Taken before the savepoint: locks and partitions outlive a batch written again.
    if (batch.rejects.length > 0 && !this.wroteRejects)
      await this.store.partitions.ensure('rejects', [this.receivedMonth]);
    this.wroteRejects ||= batch.rejects.length > 0;
    if (batch.duplicates.length > 0 && !this.wroteDuplicates)
      await this.store.partitions.ensure('duplicates', [this.receivedMonth]);
    this.wroteDuplicates ||= batch.duplicates.length > 0;
    // The month of a call a duplicate repeats is held too (shared), so files remove cannot take the call away
    // meanwhile; a batch settled before that month was held is looked up and settled again under it.
    const repeated = [...new Set(batch.duplicates.map((duplicate) => duplicate.month))].filter(
      (month): month is string => month !== undefined && !this.repeatedMonths.has(month),
    );
    if (repeated.length > 0) {
      for (const month of repeated.sort()) await this.run('lockShared', [`${MONTH_LOCK}${month}`]);
      for (const month of repeated) this.repeatedMonths.add(month);
      this.forgetOwnCalls(batch.calls);
      return 'raced';
    }
    const months = [...new Set(batch.calls.map((accepted) => accepted.call.month))].sort();
    if (months.length > 0) {
      await this.lockMonths(months, batch.calls);
      await this.store.partitions.ensure('calls', months);
    }
    await this.run('savepointBatch');
    try {
      await this.insertBatch(batch);
    } catch (error) {
      if (!isRecordIdRace(error) || this.racedBatches >= RACED_BATCH_LIMIT) throw error;
      await this.run('rollbackBatch');
      this.racedBatches += 1;
      this.forgetOwnCalls(batch.calls);
      return 'raced';
    }
    await this.run('releaseBatch');
    this.racedBatches = 0;
    return 'written';
  }

  private async insertBatch(batch: FileBatch): Promise<void> {
    if (batch.rejects.length > 0) {
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
      await this.run('insertSkips', [
        this.fileId,
        batch.skips.map((skip) => skip.line),
        batch.skips.map((skip) => skip.reason),
      ]);
    }
    if (batch.duplicates.length > 0) {
      await this.run('insertDuplicates', [
        this.fileId,
        this.receivedMonth,
        batch.duplicates.map((duplicate) => duplicate.line),
        batch.duplicates.map((duplicate) => duplicate.recordId),
      ]);
    }
    if (batch.calls.length > 0) {
      await this.insertRecordIds(batch.calls);
      await this.store.copy(this.client, 'copyCalls', copyChunks(batch.calls, CALL_COLUMNS, callRow(this.fileId)));
    }
  }

  /**
   * The record_ids rows of the batch's calls, first: where a concurrent file with one of the same
   * record_ids makes this one wait, then lose (a race, the file applied again). In record_id
   * order, their key's: two files sharing record_ids wait for each other in one order (no
   * deadlock between two batches), and random record_ids fill the index in one sweep.
   */
  private async insertRecordIds(calls: AcceptedCall[]): Promise<void> {
    const byRecordId = [...calls].sort((a, b) => compareText(a.call.recordId, b.call.recordId));
    await this.store.copy(
      this.client,
      'copyRecordIds',
      copyChunks(byRecordId, RECORD_ID_COLUMNS, recordIdRows(this.fileId)),
    );
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
    return this.guarded(async () => {
      await this.writing;
      await addTotals(this.store, this.client, typeTotals, chakuwariTotals);
    });
  }

  async finish(outcome: FileOutcome): Promise<'applied' | 'already-ingested'> {
    if (this.done) throw new Error('the file transaction is over');
    try {
      await this.writing;
      if ((await findFile(this.store, this.client, outcome.sha256)) !== undefined) {
        await this.end('rollback');
        return 'already-ingested';
      }
      try {
        await this.run('finishFile', [
          outcome.sha256,
          outcome.bytes,
          outcome.encoding,
          outcome.read,
          outcome.accepted,
          outcome.rejected,
          outcome.duplicates,
          outcome.late,
          outcome.skipped,
          outcome.profile,
          this.fileId,
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
      throw this.lostRaceOrError(error);
    }
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    await this.writing;
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

/** A batch met a concurrent file's record_id (which has committed since) or deadlocked with it. */
function isRecordIdRace(error: unknown): boolean {
  if (error instanceof StoreRaceError) return true; // a deadlock (40P01), as pgFault reports it
  const constraint = (error as { constraint?: unknown }).constraint;
  return (
    (error as { code?: unknown }).code === '23505' && typeof constraint === 'string' && RACE_CONSTRAINT.test(constraint)
  );
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    (error as { code?: unknown })?.code === '23505' && (error as { constraint?: unknown }).constraint === constraint
  );
}

/** Texts in code unit order (byte order for the ASCII of keys, the order of their COLLATE "C" indexes). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
