import pg from 'pg';
import { StoreRaceError } from '../../errors';
import { CallRecord } from '../../input/callRecord';
import { RecyclableReject, RecycledCall, RejectFilter, StoredReject } from '../types';
import type { PgStore } from './pgStore';
import { MONTH_LOCK } from './advisoryLocks';
import type { Queryable } from './pgSession';

/** Stored rejects, by file (in ingest order) and line; the raw line back as the text it was received as. */
export async function readRejects(store: PgStore, client: Queryable, filter: RejectFilter): Promise<StoredReject[]> {
  return (await store.run(client, 'rejects', [filter.fileName ?? null, filter.code ?? null])).rows.map((row) => ({
    fileName: row.fileName as string,
    line: row.line as number,
    code: row.code as string,
    message: row.message as string,
    raw: (row.raw as Buffer).toString('utf8'),
    startMs: row.startMs as number | null,
  }));
}

export async function readRecyclableRejects(
  store: PgStore,
  client: Queryable,
  codes: readonly string[],
): Promise<RecyclableReject[]> {
  return (await store.run(client, 'recyclableRejects', [codes])).rows.map((row) => ({
    fileId: row.fileId as number,
    fileName: row.fileName as string,
    line: row.line as number,
    code: row.code as string,
    message: row.message as string,
    record: JSON.parse(row.recordJson as string) as CallRecord,
  }));
}

export async function countRejectsWithoutRecord(
  store: PgStore,
  client: Queryable,
  codes: readonly string[],
): Promise<number> {
  return (await store.run(client, 'rejectsWithoutRecord', [codes])).rows[0].rejects as number;
}

/**
 * Moves recycled rejects into calls (record_ids and calls, on their own file and line), the
 * rejects into `recycled`, and the files' counts with them. Like a file, it holds the shared lock
 * of each month it writes calls of, and refuses a month closed since the caller read it.
 */
export async function acceptRecycled(
  store: PgStore,
  client: Queryable,
  recycled: readonly RecycledCall[],
): Promise<void> {
  if (recycled.length === 0) return;
  if (client instanceof pg.Pool) throw new Error('acceptRecycled runs inside a transaction');
  const months = [...new Set(recycled.map(({ call }) => call.month))].sort();
  for (const month of months) await store.run(client, 'lockShared', [`${MONTH_LOCK}${month}`]);
  const closedNow = new Set((await store.run(client, 'closedAmong', [months])).rows.map((row) => row.month as string));
  const settledOpen = recycled.find(({ call, late }) => !late && closedNow.has(call.month));
  if (settledOpen !== undefined) {
    throw new StoreRaceError(
      `the PostgreSQL store --db ${store.location}: ${settledOpen.call.month} was closed while recycle ran; nothing was recycled`,
    );
  }
  await store.partitions.ensure('calls', months);
  const column = <T>(pick: (one: RecycledCall) => T): T[] => recycled.map(pick);
  await store.run(client, 'insertRecycledCalls', [
    column(({ call }) => call.recordId),
    column(({ reject }) => reject.line),
    column(({ reject }) => reject.fileId),
    column(({ call }) => call.contractId),
    column(({ call }) => call.number),
    column(({ call }) => call.direction),
    column(({ call }) => call.peer),
    column(({ call }) => call.peerIsNumber),
    column(({ call }) => call.startMs),
    column(({ call }) => call.durationMs),
    column(({ call }) => call.month),
    column(({ call }) => call.peerClass),
    column(({ call }) => call.tariffId),
    column(({ call }) => call.numberingPlanId),
    column(({ call }) => call.rateId),
    column(({ call }) => call.ratePrefix),
    column(({ call }) => call.units),
    column(({ call }) => call.chargeScaled),
    column(({ call }) => call.chakuwariEligible),
    column(({ late }) => late),
    column(({ call }) => call.planId),
    column(({ call }) => call.chargeRemainderParts),
  ]);
  await store.run(client, 'deleteRecycledRejects', [
    column(({ reject }) => reject.fileId),
    column(({ reject }) => reject.line),
  ]);
  await store.run(client, 'insertRecycled', [
    column(({ reject }) => reject.fileId),
    column(({ reject }) => reject.line),
    column(({ call }) => call.recordId),
    column(({ reject }) => reject.code),
    column(({ reject }) => reject.message),
    column(({ recycledAt }) => recycledAt),
  ]);
  await store.run(client, 'countRecycled', [column(({ reject }) => reject.fileId), column(({ late }) => late)]);
}

export async function updateReject(
  store: PgStore,
  client: Queryable,
  reject: Pick<RecyclableReject, 'fileId' | 'line'>,
  code: string,
  message: string,
): Promise<void> {
  await store.run(client, 'updateReject', [reject.fileId, reject.line, code, message]);
}
