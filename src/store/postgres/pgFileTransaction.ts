import pg from 'pg';
import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { StoreFailedError, StoreRaceError } from '../../errors';
import { CallRecord } from '../../input/callRecord';
import { duplicateBuckets } from '../duplicateScope';
import { AcceptedCall, FileBatch, FileOutcome, FileTransaction, StoredCallIdentity } from '../types';
import { MONTH_LOCK } from './advisoryLocks';
import { CALL_COLUMNS, QueryName, RECORD_ID_COLUMNS } from './queries';
import type { PgStore } from './pgStore';
import { addTotals, findFile, PgSession } from './pgSession';

/** Batches of one file written again in a row (each after a concurrent file committed) before the whole file is applied again. */
const RACED_BATCH_LIMIT = 20;

/** The keys that meet a concurrent file's record_id: record_ids' own, or a calls partition's. */
const RACE_CONSTRAINT = /^(record_ids_pkey|calls_\d{4}_\d{2}_pkey)$/;

const COPY_SPECIAL = /[\\\t\n\r]/;

/** Text in COPY's text format: backslash, tab, newline and carriage return escaped. */
function text(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (character) => (character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r'));
}

/** Text or \N for NULL. */
function nullable(value: string | null): string {
  return value === null ? '\\N' : text(value);
}

/** An exact integer (meisai stores no other numbers). */
function integer(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new StoreFailedError(`cannot store ${value}: meisai stores exact integers only`);
  return String(value);
}

/** A boolean as COPY text takes it. */
function copyBoolean(value: boolean): string {
  return value ? 't' : 'f';
}

/** COPY lines (each ending in a newline; a call may make more than one) of a batch's calls, in chunks of 1,024 lines; the first line is checked to have a field per column. */
function* copyChunks(calls: AcceptedCall[], columns: readonly string[], line: (accepted: AcceptedCall) => string): Generator<string> {
  const lines: string[] = [];
  for (const accepted of calls) {
    const next = line(accepted);
    if (lines.length === 0 && next.slice(0, next.indexOf('\n')).split('\t').length !== columns.length) throw new Error('COPY columns and values disagree');
    lines.push(next);
    if (lines.length === 1024) {
      yield lines.join('');
      lines.length = 0;
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/**
 * A call's two record_ids rows (RECORD_ID_COLUMNS), one per duplicate bucket of its month
 * (duplicateScope.ts): what a later look-up of its record_id finds, and where the unique key
 * refuses a second sighting in scope.
 */
function recordIdLines(fileId: number): (accepted: AcceptedCall) => string {
  const file = integer(fileId);
  const bucketsOf = new Map<string, [string, string]>();
  return ({ call, line }) => {
    let buckets = bucketsOf.get(call.month);
    if (buckets === undefined) {
      const [own, next] = duplicateBuckets(call.month);
      buckets = [integer(own), integer(next)];
      bucketsOf.set(call.month, buckets);
    }
    const row =
      `${text(call.recordId)}\t${text(call.contractId)}\t${text(call.number)}\t${text(call.direction)}\t${text(call.peer)}\t${integer(call.startMs)}\t` +
      `${integer(call.durationMs)}\t${text(call.month)}\t${file}\t${integer(line)}\t`;
    return `${row}${buckets[0]}\n${row}${buckets[1]}\n`;
  };
}

/** A call's calls row (CALL_COLUMNS). */
function callLine(fileId: number): (accepted: AcceptedCall) => string {
  const file = integer(fileId);
  return ({ call, line, late }) =>
    `${text(call.contractId)}\t${text(call.month)}\t${text(call.recordId)}\t${file}\t${integer(line)}\t${text(call.number)}\t${text(call.direction)}\t` +
    `${text(call.peer)}\t${copyBoolean(call.peerIsNumber)}\t${integer(call.startMs)}\t${integer(call.durationMs)}\t${text(call.peerClass)}\t${text(call.tariffId)}\t` +
    `${text(call.numberingPlanId)}\t${nullable(call.rateId)}\t${nullable(call.ratePrefix)}\t${integer(call.units)}\t${integer(call.chargeScaled)}\t` +
    `${copyBoolean(call.chakuwariEligible)}\t${copyBoolean(late)}\t${nullable(call.planId)}\t${integer(call.chargeRemainderParts)}\n`;
}

/** One file's writes, on a connection of its own, inside the transaction beginFile opened. */
export class PgFileTransaction implements FileTransaction {
  /** Each statement is a round trip to the server: a file is settled in few, big batches. */
  readonly settleRecords = 32_768;
  private done = false;
  private readonly lockedMonths = new Set<string>();
  private wroteRejects = false;
  private wroteDuplicates = false;
  /** Batches written again in a row because a concurrent file stored some of their record_ids first. */
  private racedBatches = 0;

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
  private lostRaceOrError(error: unknown): unknown {
    const constraint = (error as { constraint?: unknown }).constraint;
    // The file's own records never collide (the rules settle them against the stored ones and
    // the file's earlier ones): a collision on a stored call's key is a concurrent file's.
    if ((error as { code?: unknown }).code === '23505' && typeof constraint === 'string' && RACE_CONSTRAINT.test(constraint)) {
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

  storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>> {
    return this.guarded(() => new PgSession(this.store, this.client).storedCalls(calls));
  }

  /**
   * Writes the batch inside a savepoint. A record_id of it that a concurrent file wrote first
   * makes this file wait for that one; once it has committed, the batch is rolled back to the
   * savepoint (the file's earlier batches stay) and `raced` tells the caller to look its calls up
   * again and settle it again, against that file's rows. After RACED_BATCH_LIMIT of those in a
   * row the whole file is given up (StoreRaceError, applied again).
   */
  writeBatch(batch: FileBatch): Promise<'written' | 'raced'> {
    return this.guarded(async () => {
      // Taken before the savepoint: locks and partitions outlive a batch written again.
      if (batch.rejects.length > 0 && !this.wroteRejects) await this.store.partitions.ensure('rejects', [this.receivedMonth]);
      this.wroteRejects ||= batch.rejects.length > 0;
      if (batch.duplicates.length > 0 && !this.wroteDuplicates) await this.store.partitions.ensure('duplicates', [this.receivedMonth]);
      this.wroteDuplicates ||= batch.duplicates.length > 0;
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
        return 'raced';
      }
      await this.run('releaseBatch');
      this.racedBatches = 0;
      return 'written';
    });
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
      await this.run('insertSkips', [this.fileId, batch.skips.map((skip) => skip.line), batch.skips.map((skip) => skip.reason)]);
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
      await this.store.copy(this.client, 'copyCalls', copyChunks(batch.calls, CALL_COLUMNS, callLine(this.fileId)));
    }
  }

  /**
   * The record_ids rows of the batch's calls, first: where a concurrent file with one of the same
   * record_ids makes this one wait, then lose (a race, the file applied again).
   */
  private async insertRecordIds(calls: AcceptedCall[]): Promise<void> {
    await this.store.copy(this.client, 'copyRecordIds', copyChunks(calls, RECORD_ID_COLUMNS, recordIdLines(this.fileId)));
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
      throw this.lostRaceOrError(error);
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

/** A batch met a concurrent file's record_id (which has committed since) or deadlocked with it. */
function isRecordIdRace(error: unknown): boolean {
  if (error instanceof StoreRaceError) return true; // a deadlock (40P01), as pgFault reports it
  const constraint = (error as { constraint?: unknown }).constraint;
  return (error as { code?: unknown }).code === '23505' && typeof constraint === 'string' && RACE_CONSTRAINT.test(constraint);
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (error as { code?: unknown })?.code === '23505' && (error as { constraint?: unknown }).constraint === constraint;
}

