import type { Db } from './db';

/**
 * Migration 6, frozen: released, so never edited. It holds its own copy of all it needs (the
 * coded columns, the record key, how a key part and its index rows are written) as they were
 * when it was released, so a later change to callKeys.ts or to how ingest writes cannot change
 * what this migration does to a version-5 store. The store's live code must keep reading what it
 * wrote (callKeys.ts `recordKey` must give the same keys: migrationSix.test.ts holds both).
 */

/**
 * The columns of calls whose few values repeat (direction, month, class, tariff, rate and plan ids,
 * unrated code): stored as codes of call_values. record_id, contract_id, number and peer stay
 * text (a dictionary look-up of a contract or number costs more than storing it); the rest are
 * integers.
 */
const CODED_CALL_COLUMNS = [
  'direction',
  'month',
  'peer_class',
  'tariff_id',
  'numbering_plan_id',
  'rate_id',
  'rate_prefix',
  'unrated_code',
  'plan_id',
] as const;

const CALL_COLUMN_ORDER = [
  'call_id',
  'record_id',
  'file_id',
  'line',
  'contract_id',
  'number',
  'direction',
  'peer',
  'peer_is_number',
  'start_ms',
  'duration_ms',
  'month',
  'peer_class',
  'tariff_id',
  'numbering_plan_id',
  'rate_id',
  'rate_prefix',
  'units',
  'charge_scaled',
  'chakuwari_eligible',
  'late',
  'unrated_code',
  'plan_id',
  'charge_remainder_parts',
];

export function callsVersionSix(): string {
  const coded = new Set<string>(CODED_CALL_COLUMNS);
  const written = CALL_COLUMN_ORDER.filter((column) => column !== 'call_id');
  const decoded =
    (from: string) =>
    (column: string): string =>
      coded.has(column)
        ? `(SELECT value FROM call_values WHERE value_id = ${from}.${column}) AS ${column}`
        : `${from}.${column}`;
  const encoded =
    (from: string) =>
    (column: string): string =>
      coded.has(column) ? `(SELECT value_id FROM call_values WHERE value = ${from}.${column})` : `${from}.${column}`;
  const learn = (from: string): string =>
    CODED_CALL_COLUMNS.map(
      (column) =>
        `INSERT OR IGNORE INTO call_values (value) SELECT ${from}.${column} WHERE ${from}.${column} IS NOT NULL;`,
    ).join('\n        ');
  return `
      -- The unique index on record_id put every insert of random (UUID) ids at a random place in a
      -- tree bigger than the page cache, and 23 columns of mostly repeated text made each row
      -- wide. Calls are now call_rows, appended by call_id, their repeated values as codes of
      -- call_values; de-duplication reads the month's keys (call_keys, one part per file and
      -- month: 32-bit keys of the record_ids and their call_ids, as blobs) into memory; a
      -- contract-month is a short range of call_index per key part of the month (written with
      -- each part, sorted by contract: the index is only appended to). The view calls shows the rows as before, with their
      -- values, and takes INSERT, UPDATE and DELETE (for operators' and tests' SQL).
      CREATE TABLE call_values (
        value_id  INTEGER PRIMARY KEY,
        value     TEXT NOT NULL UNIQUE
      );
      CREATE TABLE call_rows (
        call_id            INTEGER PRIMARY KEY,
        record_id          TEXT NOT NULL,
        file_id            INTEGER NOT NULL REFERENCES files(file_id),
        line               INTEGER NOT NULL,
        contract_id        TEXT NOT NULL,
        number             TEXT NOT NULL,
        direction          INTEGER NOT NULL,
        peer               TEXT NOT NULL,
        peer_is_number     INTEGER NOT NULL,
        start_ms           INTEGER NOT NULL,
        duration_ms        INTEGER NOT NULL CHECK (duration_ms >= 0),
        month              INTEGER NOT NULL,
        peer_class         INTEGER NOT NULL,
        tariff_id          INTEGER NOT NULL,
        numbering_plan_id  INTEGER NOT NULL,
        rate_id            INTEGER,
        rate_prefix        INTEGER,
        units              INTEGER NOT NULL,
        charge_scaled      INTEGER NOT NULL,
        chakuwari_eligible INTEGER NOT NULL,
        late               INTEGER NOT NULL DEFAULT 0,
        unrated_code       INTEGER,
        plan_id            INTEGER,
        charge_remainder_parts INTEGER NOT NULL DEFAULT 0
      );
      ${CODED_CALL_COLUMNS.map((column) => `INSERT OR IGNORE INTO call_values (value) SELECT DISTINCT ${column} FROM calls WHERE ${column} IS NOT NULL;`).join('\n      ')}
      INSERT INTO call_rows (${written.join(', ')})
        SELECT ${written.map(encoded('c')).join(', ')} FROM calls c ORDER BY c.file_id, c.line;
      DROP TABLE calls;

      CREATE VIEW calls AS SELECT ${CALL_COLUMN_ORDER.map(decoded('r')).join(', ')} FROM call_rows r;
      CREATE TRIGGER calls_insert INSTEAD OF INSERT ON calls BEGIN
        ${learn('NEW')}
        INSERT INTO call_rows (${CALL_COLUMN_ORDER.join(', ')}) VALUES (${CALL_COLUMN_ORDER.map(encoded('NEW')).join(', ')});
      END;
      CREATE TRIGGER calls_update INSTEAD OF UPDATE ON calls BEGIN
        ${learn('NEW')}
        UPDATE call_rows SET ${written.map((column) => `${column} = ${encoded('NEW')(column)}`).join(', ')} WHERE call_id = OLD.call_id;
      END;
      CREATE TRIGGER calls_delete INSTEAD OF DELETE ON calls BEGIN
        DELETE FROM call_rows WHERE call_id = OLD.call_id;
      END;

      -- Per key part (its calls of one month): the calls by contract. Filled with the parts (by
      -- buildKeyPartsVersionSix after this SQL, as ingest does): parts only follow each other, so the index
      -- is appended to; one contract-month is one short range per part of the month.
      CREATE TABLE call_index (
        month        TEXT NOT NULL,
        part_id      INTEGER NOT NULL,
        contract_id  TEXT NOT NULL,
        call_id      INTEGER NOT NULL,
        PRIMARY KEY (month, part_id, contract_id, call_id)
      ) WITHOUT ROWID;

      CREATE TABLE call_keys (
        part_id        INTEGER PRIMARY KEY,
        month          TEXT NOT NULL,
        file_id        INTEGER NOT NULL REFERENCES files(file_id),
        first_call_id  INTEGER NOT NULL,
        last_call_id   INTEGER NOT NULL,
        calls          INTEGER NOT NULL CHECK (calls >= 1),
        keys           BLOB NOT NULL,
        call_ids       BLOB NOT NULL
      );
      CREATE INDEX call_keys_by_month ON call_keys (month, first_call_id);
    `;
}

/** The record key of version 6 (FNV-1a over the UTF-16 code units, then a murmur3 finaliser; never 0). */
export function recordKeyVersionSix(recordId: string): number {
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

/**
 * Builds every month's key parts from the calls: one part per file and month (its record keys and
 * call_ids as little-endian 32-bit blobs, call_ids ascending) and the part's call_index rows,
 * inserted sorted by contract, then call_id.
 */
export function buildKeyPartsVersionSix(db: Db): void {
  const insertPart = db.prepare(
    'INSERT INTO call_keys (month, file_id, first_call_id, last_call_id, calls, keys, call_ids) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertIndex = db.prepare('INSERT INTO call_index (month, part_id, contract_id, call_id) VALUES (?, ?, ?, ?)');
  type Call = { callId: number; month: string; fileId: number; recordId: string; contractId: string };
  const writePart = (calls: Call[]): void => {
    const { month, fileId } = calls[0]!;
    const keys = Buffer.alloc(calls.length * 4);
    const callIds = Buffer.alloc(calls.length * 4);
    calls.forEach((call, index) => {
      keys.writeUInt32LE(recordKeyVersionSix(call.recordId), index * 4);
      callIds.writeUInt32LE(call.callId, index * 4);
    });
    const partId = Number(
      insertPart.run(month, fileId, calls[0]!.callId, calls[calls.length - 1]!.callId, calls.length, keys, callIds)
        .lastInsertRowid,
    );
    const byContract = [...calls].sort((left, right) =>
      left.contractId < right.contractId ? -1 : left.contractId > right.contractId ? 1 : left.callId - right.callId,
    );
    for (const call of byContract) insertIndex.run(month, partId, call.contractId, call.callId);
  };
  const rows = db
    .prepare(
      'SELECT call_id AS callId, month, file_id AS fileId, record_id AS recordId, contract_id AS contractId FROM calls ORDER BY month, file_id, call_id',
    )
    .all() as Call[];
  let part: Call[] = [];
  for (const row of rows) {
    if (part.length > 0 && (part[0]!.month !== row.month || part[0]!.fileId !== row.fileId)) {
      writePart(part);
      part = [];
    }
    part.push(row);
  }
  if (part.length > 0) writePart(part);
}
