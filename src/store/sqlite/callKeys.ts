import type { Db } from './db';

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
 * A call's record_id is looked up in the tables of its month of start and the months on either
 * side: the one duplicate rule of both engines (../duplicateScope.ts).
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

/**
 * A multimap from key to call_ids at 7 bytes a slot: 256 open-addressing tables chosen by the
 * key's top byte, each keeping per slot the other 24 bits of the key (a 16-bit and an 8-bit
 * array: the key, whole, with the part) and the call_id (0: an empty slot), at most 80% full,
 * growing by a quarter on their own, so the memory a growth needs for a moment is a 256th of the
 * whole. A month of keys costs 8.75 bytes a call read into a table of its size and at most 10.9
 * while a file's calls grow it (8 + 8/3 to 16 when a slot was two 32-bit words at 75%, grown by half).
 */
export class KeyTable {
  private readonly parts: KeyTablePart[] = [];
  private used = 0;

  constructor(expected = 0) {
    // Parts get a 256th of the keys give or take a few standard deviations: room for 3 of them.
    const perPart = expected / 256;
    const room = perPart === 0 ? 0 : perPart + 3 * Math.sqrt(perPart);
    for (let part = 0; part < 256; part += 1) this.parts.push(new KeyTablePart(room));
  }

  get size(): number {
    return this.used;
  }

  /** The bytes its slots take. */
  get bytes(): number {
    let bytes = 0;
    for (const part of this.parts) bytes += part.bytes;
    return bytes;
  }

  add(key: number, callId: number): void {
    if (callId < 1 || callId > MAX_CALL_ID)
      throw new Error(`call_id ${callId} is outside the range 1 to ${MAX_CALL_ID} of the de-duplication keys`);
    this.parts[key >>> 24]!.add(key & 0xff_ffff, callId);
    this.used += 1;
  }

  /** The call_ids stored under a key (candidates: their record_ids may differ), added to `into`; how many there are. */
  addCandidates(key: number, into: Set<number>): number {
    return this.parts[key >>> 24]!.addCandidates(key & 0xff_ffff, into);
  }
}

/** One of the 256 tables: the keys' low 24 bits (`rest`) as bits 8 to 23 and 0 to 7, and the call_ids. */
class KeyTablePart {
  private high: Uint16Array;
  private low: Uint8Array;
  private callIds: Uint32Array;
  private used = 0;

  constructor(expected: number) {
    this.high = new Uint16Array(0);
    this.low = new Uint8Array(0);
    this.callIds = new Uint32Array(0);
    this.allocate(Math.max(16, Math.ceil(expected / MAX_LOAD) + 1));
  }

  get bytes(): number {
    return this.high.byteLength + this.low.byteLength + this.callIds.byteLength;
  }

  add(rest: number, callId: number): void {
    if (this.used + 1 > this.callIds.length * MAX_LOAD) this.grow();
    this.place(rest, callId);
    this.used += 1;
  }

  /** Adds the call_ids under `rest` to `into`: no array made per look-up (ingest asks three tables a call). */
  addCandidates(rest: number, into: Set<number>): number {
    const high = rest >>> 8;
    const low = rest & 0xff;
    const callIds = this.callIds;
    const capacity = callIds.length;
    let found = 0;
    for (let slot = rest % capacity; callIds[slot] !== 0; slot = slot + 1 === capacity ? 0 : slot + 1) {
      if (this.high[slot] === high && this.low[slot] === low) {
        into.add(callIds[slot]!);
        found += 1;
      }
    }
    return found;
  }

  private allocate(capacity: number): void {
    this.high = new Uint16Array(capacity);
    this.low = new Uint8Array(capacity);
    this.callIds = new Uint32Array(capacity);
  }

  private place(rest: number, callId: number): void {
    const capacity = this.callIds.length;
    let slot = rest % capacity;
    while (this.callIds[slot] !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
    this.high[slot] = rest >>> 8;
    this.low[slot] = rest & 0xff;
    this.callIds[slot] = callId;
  }

  /** A quarter larger (not doubled: a month of many calls should not pay twice its keys). */
  private grow(): void {
    const { high, low, callIds } = this;
    this.allocate(Math.ceil(callIds.length * GROWTH));
    for (let slot = 0; slot < callIds.length; slot += 1)
      if (callIds[slot] !== 0) this.place((high[slot]! << 8) | low[slot]!, callIds[slot]!);
  }
}

/** The fullest a key table gets before it grows (linear probing stays short below it). */
const MAX_LOAD = 0.8;
/** How much larger a table gets when it grows. */
const GROWTH = 1.25;

/** A growable list of 32-bit unsigned integers. */
export class Uint32List {
  private items = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Uint32Array(Math.ceil(this.items.length * 1.5));
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

/**
 * A list of small codes that come in long runs (the month of each call of a file: one run, or
 * two at a month's end), kept as its runs: a few numbers however many calls.
 */
export class RunList {
  private readonly starts: number[] = [];
  private readonly codes: number[] = [];
  length = 0;

  push(code: number): void {
    if (this.codes.length === 0 || this.codes[this.codes.length - 1] !== code) {
      this.starts.push(this.length);
      this.codes.push(code);
    }
    this.length += 1;
  }

  at(index: number): number {
    if (this.codes.length === 1) return this.codes[0]!;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return this.codes[low]!;
  }

  clear(): void {
    this.starts.length = 0;
    this.codes.length = 0;
    this.length = 0;
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
  const { calls } = db.prepare('SELECT COALESCE(SUM(calls), 0) AS calls FROM call_keys WHERE month = ?').get(month) as {
    calls: number;
  };
  const table = new KeyTable(calls);
  for (const part of db
    .prepare('SELECT keys, call_ids AS callIds FROM call_keys WHERE month = ?')
    .iterate(month) as IterableIterator<KeyPart>) {
    for (let at = 0; at < part.keys.length; at += 4)
      table.add(part.keys.readUInt32LE(at), part.callIds.readUInt32LE(at));
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
    .prepare(
      'SELECT first_call_id AS first, last_call_id AS last FROM call_keys WHERE month = ? ORDER BY first_call_id',
    )
    .all(month) as { first: number; last: number }[];
  const merged: { first: number; last: number }[] = [];
  for (const row of rows) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && row.first <= previous.last + 1) previous.last = Math.max(previous.last, row.last);
    else merged.push({ ...row });
  }
  return merged;
}

/**
 * Writes one part: the keys and call_ids of calls of one month (call_ids ascending, of one file),
 * and their call_index rows under the part, sorted by contract (then call_id): a part's rows
 * follow every earlier part's, so the index is only ever appended to, whatever the month.
 */
export function writeKeyPart(
  db: Db,
  month: string,
  fileId: number,
  keys: Buffer,
  callIds: Buffer,
  contracts: string[],
): void {
  if (keys.length === 0) return;
  const partId = Number(
    db
      .prepare(
        `INSERT INTO call_keys (month, file_id, first_call_id, last_call_id, calls, keys, call_ids) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        month,
        fileId,
        callIds.readUInt32LE(0),
        callIds.readUInt32LE(callIds.length - 4),
        keys.length / 4,
        keys,
        callIds,
      ).lastInsertRowid,
  );
  const order = orderByContract(contracts);
  const insertMany = db.prepare(
    `INSERT INTO call_index (month, part_id, contract_id, call_id) VALUES ${Array(INDEX_ROWS).fill('(?, ?, ?, ?)').join(', ')}`,
  );
  const insertOne = db.prepare('INSERT INTO call_index (month, part_id, contract_id, call_id) VALUES (?, ?, ?, ?)');
  const values: unknown[] = new Array(4 * INDEX_ROWS);
  let at = 0;
  for (; at + INDEX_ROWS <= order.length; at += INDEX_ROWS) {
    for (let row = 0; row < INDEX_ROWS; row += 1) {
      const index = order[at + row]!;
      values[row * 4] = month;
      values[row * 4 + 1] = partId;
      values[row * 4 + 2] = contracts[index];
      values[row * 4 + 3] = callIds.readUInt32LE(index * 4);
    }
    insertMany.run(values);
  }
  for (; at < order.length; at += 1)
    insertOne.run(month, partId, contracts[order[at]!], callIds.readUInt32LE(order[at]! * 4));
}

/**
 * The positions of the contracts sorted by contract, equal ones in position order: a counting
 * sort over the distinct contracts (a sort comparing every pair of texts cost a second at 2M calls).
 */
function orderByContract(contracts: string[]): Uint32Array {
  const codes = new Map<string, number>();
  const distinct: string[] = [];
  const codeAt = new Uint32Array(contracts.length);
  contracts.forEach((contract, index) => {
    let code = codes.get(contract);
    if (code === undefined) {
      code = distinct.length;
      codes.set(contract, code);
      distinct.push(contract);
    }
    codeAt[index] = code;
  });
  const rank = new Uint32Array(distinct.length);
  distinct
    .map((contract, code) => ({ contract, code }))
    .sort((left, right) => (left.contract < right.contract ? -1 : left.contract > right.contract ? 1 : 0))
    .forEach((entry, position) => (rank[entry.code] = position));
  const starts = new Uint32Array(distinct.length + 1);
  for (let index = 0; index < contracts.length; index += 1) starts[rank[codeAt[index]!]! + 1]! += 1;
  for (let position = 0; position < distinct.length; position += 1) starts[position + 1]! += starts[position]!;
  const order = new Uint32Array(contracts.length);
  for (let index = 0; index < contracts.length; index += 1) order[starts[rank[codeAt[index]!]!]!++] = index;
  return order;
}

/** Rows per multi-row INSERT of call_index (4 values each). */
const INDEX_ROWS = 200;
