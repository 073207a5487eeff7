import { CallRecord } from '../../input/callRecord';
import { RecyclableReject, RecycledCall } from '../types';
import { Db } from './connection';

/** Stored rejects of these codes that kept their record (ingested by version 4 or later), in file and line order. */
export function readRecyclableRejects(db: Db, codes: readonly string[]): RecyclableReject[] {
  const rows = db
    .prepare(
      `SELECT r.file_id AS fileId, f.name AS fileName, r.line, r.code, r.message, r.record_json AS recordJson
         FROM rejects r JOIN files f ON f.file_id = r.file_id
        WHERE r.record_json IS NOT NULL AND r.code IN (SELECT value FROM json_each(?))
        ORDER BY r.file_id, r.line`,
    )
    .all(JSON.stringify(codes)) as (Omit<RecyclableReject, 'record'> & { recordJson: string })[];
  return rows.map(({ recordJson, ...row }) => ({ ...row, record: JSON.parse(recordJson) as CallRecord }));
}

/** Rejects of these codes stored without their record (ingested before version 4): recycle cannot read them again. */
export function countUnrecyclableRejects(db: Db, codes: readonly string[]): number {
  return (
    db
      .prepare(
        'SELECT COUNT(*) AS n FROM rejects WHERE record_json IS NULL AND code IN (SELECT value FROM json_each(?))',
      )
      .get(JSON.stringify(codes)) as { n: number }
  ).n;
}

/**
 * The bookkeeping of a recycled reject (its call is appended by SqliteStore.acceptRecycled, on its
 * own file and line): the reject row goes, a `recycled` row keeps why it had been rejected, and
 * the file's counts move (rejected − 1, accepted + 1, recycled + 1), so read = accepted + rejected
 * + duplicates + skipped still holds.
 */
export function markRecycled(db: Db, { reject, call, late, recycledAt }: RecycledCall): void {
  db.prepare('DELETE FROM rejects WHERE file_id = ? AND line = ?').run(reject.fileId, reject.line);
  db.prepare(
    'INSERT INTO recycled (file_id, line, record_id, code, message, recycled_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(reject.fileId, reject.line, call.recordId, reject.code, reject.message, recycledAt);
  db.prepare(
    'UPDATE files SET accepted = accepted + 1, rejected = rejected - 1, recycled = recycled + 1, late = late + ? WHERE file_id = ?',
  ).run(late ? 1 : 0, reject.fileId);
}

/** A reject that still fails keeps its place; its code and message become today's. */
export function updateReject(
  db: Db,
  reject: Pick<RecyclableReject, 'fileId' | 'line'>,
  code: string,
  message: string,
): void {
  db.prepare('UPDATE rejects SET code = ?, message = ? WHERE file_id = ? AND line = ?').run(
    code,
    message,
    reject.fileId,
    reject.line,
  );
}
