import Database from 'better-sqlite3';
import type { CallShare, MonthScope, StoredCall } from '../types';
import { monthRanges } from './callKeys';
import type { Db } from './connection';
import { SqliteReader } from './sqliteReader';

/**
 * A whole month's call_id ranges (its key parts', see callKeys.ts) cut in two shares of about
 * equal call_ids, `elsewhere` the later part: another thread reads it on a read-only connection of
 * its own (readSqliteCallShare) while the writer reads `here`. null where that cannot be or does
 * not pay: a contract-month, a store read into memory, fewer than `minCalls` call_ids.
 */
export function sqliteMonthCallShares(
  db: Db,
  path: string,
  scope: MonthScope,
  minCalls: number,
): { here: CallShare; elsewhere: CallShare } | null {
  if (scope.contractId !== null || db.memory) return null;
  const ranges = monthRanges(db, scope.month);
  const callIds = ranges.reduce((sum, range) => sum + range.last - range.first + 1, 0);
  if (callIds < Math.max(minCalls, 2)) return null;
  const here: CallShare['ranges'] = [];
  const elsewhere: CallShare['ranges'] = [];
  let left = Math.ceil(callIds / 2);
  for (const range of ranges) {
    const taken = Math.min(left, range.last - range.first + 1);
    if (taken > 0) here.push({ first: range.first, last: range.first + taken - 1 });
    if (range.first + taken <= range.last) elsewhere.push({ first: range.first + taken, last: range.last });
    left -= taken;
  }
  const share = (part: CallShare['ranges']): CallShare => ({
    engine: 'sqlite',
    path,
    month: scope.month,
    ranges: part,
  });
  return { here: share(here), elsewhere: share(elsewhere) };
}

/** A share's calls, a batch at a time, on a read-only connection of its own, in one read of the store. */
export async function* readSqliteCallShare(share: CallShare): AsyncIterable<StoredCall[]> {
  const db = new Database(share.path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN');
    yield* new SqliteReader(db).monthCallBatches({ month: share.month, contractId: null }, share);
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
}
