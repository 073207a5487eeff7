import { FileCall, FileRemoval, FileRemovalCounts, FileSelector, StoredDuplicate, StoredFile } from '../types';
import { recordKey, uint32Blob, writeKeyPart } from './callKeys';
import { Db } from './connection';

/**
 * The SQL of `files remove` on SQLite. A file's calls are found through its key parts (call_keys:
 * one per file and month, with the range of its call_ids): a short range of call_rows each, never
 * a scan of every call.
 */

export function filesMatching(db: Db, selector: FileSelector): StoredFile[] {
  const [column, value] = 'name' in selector ? ['name', selector.name] : ['sha256', selector.sha256];
  return db
    .prepare(
      `SELECT f.file_id AS fileId, f.name, f.sha256, f.ingested_at AS ingestedAt, x.removed_at AS removedAt
         FROM files f LEFT JOIN file_removals x ON x.file_id = f.file_id
        WHERE f.${column} = ? AND f.sha256 NOT LIKE 'pending:%' ORDER BY f.file_id`,
    )
    .all(value) as StoredFile[];
}

interface KeyPartRange {
  partId: number;
  month: string;
  first: number;
  last: number;
}

function keyParts(db: Db, fileId: number): KeyPartRange[] {
  return db
    .prepare(
      'SELECT part_id AS partId, month, first_call_id AS first, last_call_id AS last FROM call_keys WHERE file_id = ? ORDER BY part_id',
    )
    .all(fileId) as KeyPartRange[];
}

export function fileCalls(db: Db, fileId: number): FileCall[] {
  const read = db.prepare(
    `SELECT call_id AS storeRow, record_id AS recordId, contract_id AS contractId, month, line, late
       FROM calls WHERE call_id BETWEEN ? AND ? AND file_id = ? AND month = ? ORDER BY call_id`,
  );
  const calls: FileCall[] = [];
  for (const part of keyParts(db, fileId)) {
    for (const row of read.all(part.first, part.last, fileId, part.month) as (Omit<FileCall, 'late'> & {
      late: number;
    })[]) {
      calls.push({ ...row, late: row.late === 1 });
    }
  }
  return calls;
}

export function duplicatesOf(db: Db, recordIds: readonly string[], exceptFileId: number): StoredDuplicate[] {
  const wanted = new Set(recordIds);
  if (wanted.size === 0) return [];
  const rows = db
    .prepare(
      `SELECT d.file_id AS fileId, f.name AS fileName, d.line, d.record_id AS recordId
         FROM duplicates d JOIN files f ON f.file_id = d.file_id
        WHERE d.file_id <> ? ORDER BY d.file_id, d.line`,
    )
    .all(exceptFileId) as StoredDuplicate[];
  return rows.filter((row) => wanted.has(row.recordId));
}

export function recordIdsElsewhere(db: Db, recordIds: readonly string[], exceptFileId: number): Set<string> {
  if (recordIds.length === 0) return new Set();
  // No index on record_id (callKeys.ts): a scan, asked only for the few record_ids a removal could promote.
  const rows = db
    .prepare(
      'SELECT DISTINCT record_id AS recordId FROM call_rows WHERE file_id <> ? AND record_id IN (SELECT value FROM json_each(?))',
    )
    .all(exceptFileId, JSON.stringify(recordIds)) as { recordId: string }[];
  return new Set(rows.map((row) => row.recordId));
}

export function removeFile(db: Db, removal: FileRemoval): FileRemovalCounts {
  const { fileId } = removal;
  const parts = keyParts(db, fileId);
  // Promoted calls keep their row (call_id, rating, late) and move to the duplicate's file and line.
  const moveCall = db.prepare('UPDATE call_rows SET file_id = ?, line = ? WHERE call_id = ? AND file_id = ?');
  const dropDuplicate = db.prepare('DELETE FROM duplicates WHERE file_id = ? AND line = ?');
  const countPromoted = db.prepare(
    'UPDATE files SET duplicates = duplicates - 1, accepted = accepted + 1, late = late + ? WHERE file_id = ?',
  );
  for (const { call, duplicate } of removal.promotions) {
    if (moveCall.run(duplicate.fileId, duplicate.line, call.storeRow, fileId).changes !== 1)
      throw new Error(`call ${call.recordId} of file ${fileId} was not where it was read`);
    dropDuplicate.run(duplicate.fileId, duplicate.line);
    countPromoted.run(call.late ? 1 : 0, duplicate.fileId);
  }
  let calls = 0;
  const dropIndex = db.prepare('DELETE FROM call_index WHERE month = ? AND part_id = ?');
  const dropCalls = db.prepare('DELETE FROM call_rows WHERE call_id BETWEEN ? AND ? AND file_id = ?');
  for (const part of parts) {
    dropIndex.run(part.month, part.partId);
    calls += dropCalls.run(part.first, part.last, fileId).changes;
  }
  db.prepare('DELETE FROM call_keys WHERE file_id = ?').run(fileId);
  writePromotedParts(db, removal);
  const counts: FileRemovalCounts = {
    calls,
    rejects: db.prepare('DELETE FROM rejects WHERE file_id = ?').run(fileId).changes,
    duplicates: db.prepare('DELETE FROM duplicates WHERE file_id = ?').run(fileId).changes,
    skips: db.prepare('DELETE FROM skips WHERE file_id = ?').run(fileId).changes,
    recycled: db.prepare('DELETE FROM recycled WHERE file_id = ?').run(fileId).changes,
    promoted: removal.promotions.length,
  };
  db.prepare(
    `INSERT INTO file_removals (file_id, removed_at, removed_by, reason, calls_removed, rejects_removed, duplicates_removed, skips_removed, promoted)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    fileId,
    removal.removedAt,
    removal.removedBy,
    removal.reason,
    counts.calls,
    counts.rejects,
    counts.duplicates,
    counts.skips,
    counts.promoted,
  );
  return counts;
}

/** The promoted calls' key parts, one per file and month they moved to (de-duplication and the month's call ranges find them there). */
function writePromotedParts(db: Db, removal: FileRemoval): void {
  const byPart = new Map<string, { month: string; fileId: number; calls: FileCall[] }>();
  for (const { call, duplicate } of removal.promotions) {
    const key = `${duplicate.fileId} ${call.month}`;
    const part = byPart.get(key) ?? { month: call.month, fileId: duplicate.fileId, calls: [] };
    part.calls.push(call);
    byPart.set(key, part);
  }
  for (const { month, fileId, calls } of byPart.values()) {
    calls.sort((left, right) => left.storeRow! - right.storeRow!);
    writeKeyPart(
      db,
      month,
      fileId,
      uint32Blob(calls.map((call) => recordKey(call.recordId))),
      uint32Blob(calls.map((call) => call.storeRow!)),
      calls.map((call) => call.contractId),
    );
  }
}
