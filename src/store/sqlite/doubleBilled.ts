import { doubleBilledOf, duplicateScopeMonths } from '../duplicateScope';
import { DoubleBilled } from '../types';
import type { Db } from './connection';

/** Candidate call_ids read back per query (a JSON array of them). */
const READ_BACK = 10_000;

/**
 * The record_ids stored as two calls or more within the duplicate scope, one of them in this
 * month (reconcile's check). The keys of the month and the months on either side (call_keys,
 * callKeys.ts) go into one array, sorted: a key stored twice or more sits next to itself. The
 * call_ids of such keys, when one of them is this month's, are candidates, confirmed against the
 * stored rows' record_ids — no scan of the calls, and 4 bytes a key (a hash table of them took 7
 * to 11, beside the command's own peak).
 */
export function doubleBilledCalls(db: Db, month: string): DoubleBilled[] {
  const keyCount = db.prepare('SELECT COALESCE(SUM(length(keys)), 0) / 4 AS keys FROM call_keys WHERE month = ?');
  const scopeMonths = duplicateScopeMonths(month);
  let expected = 0;
  for (const scopeMonth of scopeMonths) expected += (keyCount.get(scopeMonth) as { keys: number }).keys;
  const parts = db.prepare('SELECT keys, call_ids AS callIds FROM call_keys WHERE month = ?');
  const keys = new Uint32Array(expected);
  let filled = 0;
  for (const scopeMonth of scopeMonths) {
    for (const part of parts.iterate(scopeMonth) as IterableIterator<{ keys: Buffer; callIds: Buffer }>) {
      for (let at = 0; at + 4 <= part.keys.length && filled < expected; at += 4)
        keys[filled++] = part.keys.readUInt32LE(at);
    }
  }
  const sorted = keys.subarray(0, filled).sort();
  const repeated = new Set<number>();
  for (let index = 1; index < sorted.length; index += 1)
    if (sorted[index] === sorted[index - 1]) repeated.add(sorted[index]!);
  if (repeated.size === 0) return [];
  // The call_ids of the repeated keys, and which of those keys have a call in this month.
  const callIdsOfKey = new Map<number, number[]>();
  const ownKeys = new Set<number>();
  for (const scopeMonth of scopeMonths) {
    for (const part of parts.iterate(scopeMonth) as IterableIterator<{ keys: Buffer; callIds: Buffer }>) {
      for (let at = 0; at + 4 <= part.keys.length; at += 4) {
        const key = part.keys.readUInt32LE(at);
        if (!repeated.has(key)) continue;
        const callIds = callIdsOfKey.get(key);
        if (callIds === undefined) callIdsOfKey.set(key, [part.callIds.readUInt32LE(at)]);
        else callIds.push(part.callIds.readUInt32LE(at));
        if (scopeMonth === month) ownKeys.add(key);
      }
    }
  }
  const candidates = new Set<number>();
  for (const key of ownKeys) for (const callId of callIdsOfKey.get(key)!) candidates.add(callId);
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
