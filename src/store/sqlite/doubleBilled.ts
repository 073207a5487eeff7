import { doubleBilledOf, duplicateScopeMonths } from '../duplicateScope';
import { DoubleBilled } from '../types';
import { KeyTable, Uint32List } from './callKeys';
import type { Db } from './connection';

/** Candidate call_ids read back per query (a JSON array of them). */
const READ_BACK = 10_000;

/**
 * The record_ids stored as two calls or more within the duplicate scope, one of them in this
 * month (reconcile's check). The keys of the month and the months on either side (call_keys,
 * callKeys.ts) go into one table; a key of this month's calls found more than once there makes
 * candidates, confirmed against the stored rows' record_ids — no scan of the calls.
 */
export function doubleBilledCalls(db: Db, month: string): DoubleBilled[] {
  // Sized for the scope's keys up front (4 bytes each): a table grown from empty re-places every
  // key some 25 times on the way to a month of 1M calls.
  const keyCount = db.prepare('SELECT COALESCE(SUM(length(keys)), 0) / 4 AS keys FROM call_keys WHERE month = ?');
  const scopeMonths = duplicateScopeMonths(month);
  let expected = 0;
  for (const scopeMonth of scopeMonths) expected += (keyCount.get(scopeMonth) as { keys: number }).keys;
  const table = new KeyTable(expected);
  // Keys stored twice or more: only these can be a record_id billed twice (a key is 32 bits of it).
  const repeated = new Set<number>();
  const ownKeys = new Uint32List();
  const parts = db.prepare('SELECT keys, call_ids AS callIds FROM call_keys WHERE month = ?');
  for (const scopeMonth of scopeMonths) {
    for (const part of parts.iterate(scopeMonth) as IterableIterator<{ keys: Buffer; callIds: Buffer }>) {
      for (let at = 0; at < part.keys.length; at += 4) {
        const key = part.keys.readUInt32LE(at);
        if (table.add(key, part.callIds.readUInt32LE(at))) repeated.add(key);
        if (scopeMonth === month) ownKeys.push(key);
      }
    }
  }
  const candidates = new Set<number>();
  if (repeated.size > 0)
    for (let index = 0; index < ownKeys.length; index += 1) {
      const key = ownKeys.at(index);
      if (repeated.has(key)) table.addCandidates(key, candidates);
    }
  const byRecord = new Map<string, DoubleBilled['calls']>();
  const read = db.prepare(
    `SELECT c.record_id AS recordId, c.contract_id AS contractId, c.month, f.name AS fileName, c.line
       FROM calls c JOIN files f ON f.file_id = c.file_id
      WHERE c.call_id IN (SELECT value FROM json_each(?))`,
  );
  const callIds = [...candidates];
  for (let start = 0; start < callIds.length; start += READ_BACK) {
    for (const row of read.all(JSON.stringify(callIds.slice(start, start + READ_BACK))) as ({
      recordId: string;
    } & DoubleBilled['calls'][number])[]) {
      const { recordId, ...call } = row;
      const calls = byRecord.get(recordId);
      if (calls === undefined) byRecord.set(recordId, [call]);
      else calls.push(call);
    }
  }
  return doubleBilledOf(byRecord, month);
}
