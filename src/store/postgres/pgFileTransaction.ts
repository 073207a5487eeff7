import pg from 'pg';
import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { StoreFailedError, StoreRaceError } from '../../errors';
import { CallRecord } from '../../input/callRecord';
import { AcceptedCall, FileBatch, FileOutcome, FileTransaction, StoredCallIdentity } from '../types';
import { QueryName, STAGING_COLUMNS } from './queries';
import type { PgStore } from './pgStore';
import { addTotals, findFile, PgSession } from './pgSession';

/** The advisory lock of a month: `meisai:month:2011-04` (a transaction's lockKey `month:2011-04`). */
export const MONTH_LOCK = 'meisai:month:';

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
export class PgFileTransaction implements FileTransaction {
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

  storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>> {
    return this.guarded(() => new PgSession(this.store, this.client).storedCalls(calls));
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
