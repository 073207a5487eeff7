import type { Db } from './store';

/**
 * De-duplication keys of the SQLite store's calls, without an index on record_id.
 *
 * A unique index on record_id made every insert land at a random place in a B-tree far bigger
 * than the page cache once record ids are random (UUIDs): 2M such CDRs took 36 s instead of 16.
 * Instead, each file's calls are appended by call_id (a rowid), and the file writes, per month of
 * start, one `call_keys` part: the 32-bit keys of its calls' record_ids and their call_ids, as two
 * little-endian blobs. De-duplicating a file loads the parts of the months it touches into an
 * in-memory hash table (the month's keys only: a store that grows by other months costs nothing);
 * a key found is only a candidate, confirmed against the stored row's record_id.
 *
 * The scope is the month of start: a record_id identifies a call within the month its start falls
 * in (a duplicate always has the same start, hence the same month).
 */

/** The 32-bit key of a record_id (FNV-1a over its UTF-16 code units, then a murmur3 finaliser); never 0. */
export function recordKey(recordId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < recordId.length; index += 1) {
    hash ^= recordId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0 || 1;
}

const MAX_CALL_ID = 0xffff_ffff;

/** An open-addressing multimap from key to call_ids, in two typed arrays (8 bytes a slot, at most 70% full). */
export class KeyTable {
  private keys: Uint32Array;
  private callIds: Uint32Array;
  private mask: number;
  private used = 0;

  constructor(expected = 0) {
    let capacity = 1024;
    while (capacity * 0.7 < expected) capacity *= 2;
    this.keys = new Uint32Array(capacity);
    this.callIds = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.used;
  }

  add(key: number, callId: number): void {
    if (callId > MAX_CALL_ID) throw new Error(`call_id ${callId} is beyond the 32-bit range of the de-duplication keys`);
    if ((this.used + 1) > (this.mask + 1) * 0.7) this.grow();
    this.place(key, callId);
    this.used += 1;
  }

  /** The call_ids stored under a key (candidates: their record_ids may differ). */
  candidates(key: number): number[] {
    const found: number[] = [];
    for (let slot = key & this.mask; this.keys[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (this.keys[slot] === key) found.push(this.callIds[slot]!);
    }
    return found;
  }

  private place(key: number, callId: number): void {
    let slot = key & this.mask;
    while (this.keys[slot] !== 0) slot = (slot + 1) & this.mask;
    this.keys[slot] = key;
    this.callIds[slot] = callId;
  }

  private grow(): void {
    const keys = this.keys;
    const callIds = this.callIds;
    this.keys = new Uint32Array(keys.length * 2);
    this.callIds = new Uint32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let slot = 0; slot < keys.length; slot += 1) if (keys[slot] !== 0) this.place(keys[slot]!, callIds[slot]!);
  }
}

/** A growable list of 32-bit unsigned integers. */
export class Uint32List {
  private items = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Uint32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length] = value;
    this.length += 1;
  }

  at(index: number): number {
    return this.items[index]!;
  }
}

/** 32-bit integers as a little-endian blob (the store's byte order on every machine). */
export function uint32Blob(values: ArrayLike<number>): Buffer {
  const blob = Buffer.alloc(values.length * 4);
  for (let index = 0; index < values.length; index += 1) blob.writeUInt32LE(values[index]!, index * 4);
  return blob;
}

/** A `call_keys` part as stored: its keys and call_ids, in call_id order. */
interface KeyPart {
  keys: Buffer;
  callIds: Buffer;
}

/** Reads the month's key parts into a table (keys of calls stored before this transaction). */
export function loadMonthKeys(db: Db, month: string): KeyTable {
  const { calls } = db.prepare('SELECT COALESCE(SUM(calls), 0) AS calls FROM call_keys WHERE month = ?').get(month) as { calls: number };
  const table = new KeyTable(calls);
  for (const part of db.prepare('SELECT keys, call_ids AS callIds FROM call_keys WHERE month = ?').iterate(month) as IterableIterator<KeyPart>) {
    for (let at = 0; at < part.keys.length; at += 4) table.add(part.keys.readUInt32LE(at), part.callIds.readUInt32LE(at));
  }
  return table;
}

/**
 * The month's call_id ranges (each part's first to last call_id), merged where they touch, in
 * order: the month's calls are the rows of these ranges whose month is this one (a file that
 * spans months interleaves them).
 */
export function monthRanges(db: Db, month: string): { first: number; last: number }[] {
  const rows = db
    .prepare('SELECT first_call_id AS first, last_call_id AS last FROM call_keys WHERE month = ? ORDER BY first_call_id')
    .all(month) as { first: number; last: number }[];
  const merged: { first: number; last: number }[] = [];
  for (const row of rows) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && row.first <= previous.last + 1) previous.last = Math.max(previous.last, row.last);
    else merged.push({ ...row });
  }
  return merged;
}

/** Writes one part: the keys and call_ids of a file's calls of one month (call_ids ascending). */
export function writeKeyPart(db: Db, month: string, fileId: number, keys: Buffer, callIds: Buffer): void {
  if (keys.length === 0) return;
  db.prepare(
    `INSERT INTO call_keys (month, file_id, first_call_id, last_call_id, calls, keys, call_ids) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(month, fileId, callIds.readUInt32LE(0), callIds.readUInt32LE(callIds.length - 4), keys.length / 4, keys, callIds);
}

/** Builds every month's key parts (one per file and month) from the calls table: for migration 6. */
export function buildKeyParts(db: Db): void {
  let current: { month: string; fileId: number; keys: number[]; callIds: number[] } | undefined;
  const flush = (): void => {
    if (current !== undefined) writeKeyPart(db, current.month, current.fileId, uint32Blob(current.keys), uint32Blob(current.callIds));
  };
  const rows = db
    .prepare('SELECT call_id AS callId, month, file_id AS fileId, record_id AS recordId FROM calls ORDER BY month, file_id, call_id')
    .all() as { callId: number; month: string; fileId: number; recordId: string }[];
  for (const row of rows) {
    if (current === undefined || current.month !== row.month || current.fileId !== row.fileId) {
      flush();
      current = { month: row.month, fileId: row.fileId, keys: [], callIds: [] };
    }
    current.keys.push(recordKey(row.recordId));
    current.callIds.push(row.callId);
  }
  flush();
}
