import { CallRecord } from '../../input/callRecord';
import { RatedCall } from '../../rate/rateRecord';
import { Db } from './connection';

export interface RecyclableReject {
  rejectId: number;
  fileId: number;
  fileName: string;
  line: number;
  code: string;
  message: string;
  record: CallRecord;
}

/** Stored rejects of these codes that kept their record (ingested by version 4 or later), in file and line order. */
export function readRecyclableRejects(db: Db, codes: readonly string[]): RecyclableReject[] {
  const rows = db
    .prepare(
      `SELECT r.reject_id AS rejectId, r.file_id AS fileId, f.name AS fileName, r.line, r.code, r.message, r.record_json AS recordJson
         FROM rejects r JOIN files f ON f.file_id = r.file_id
        WHERE r.record_json IS NOT NULL AND r.code IN (SELECT value FROM json_each(?))
        ORDER BY r.file_id, r.line`,
    )
    .all(JSON.stringify(codes)) as (Omit<RecyclableReject, 'record'> & { recordJson: string })[];
  return rows.map(({ recordJson, ...row }) => ({ ...row, record: JSON.parse(recordJson) as CallRecord }));
}

/** Rejects of these codes stored without their record (ingested before version 4): recycle cannot read them again. */
export function countUnrecyclableRejects(db: Db, codes: readonly string[]): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM rejects WHERE record_json IS NULL AND code IN (SELECT value FROM json_each(?))').get(JSON.stringify(codes)) as { n: number }).n;
}

/**
 * Moves a reject into calls (the call itself is appended by SqliteStore.appendCallsToFile, on
 * its own file and line): the file's counts move with it (rejected
 * − 1, accepted + 1, recycled + 1), so read = accepted + rejected + duplicates still holds, and the
 * `recycled` row keeps why it had been rejected.
 */
export function acceptRecycled(db: Db, reject: RecyclableReject, call: Pick<RatedCall, 'recordId'>, late: boolean, recycledAt: string): void {
  db.prepare('DELETE FROM rejects WHERE reject_id = ?').run(reject.rejectId);
  db.prepare('INSERT INTO recycled (file_id, line, record_id, code, message, recycled_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    reject.fileId,
    reject.line,
    call.recordId,
    reject.code,
    reject.message,
    recycledAt,
  );
  db.prepare('UPDATE files SET accepted = accepted + 1, rejected = rejected - 1, recycled = recycled + 1, late = late + ? WHERE file_id = ?').run(late ? 1 : 0, reject.fileId);
}

/** A reject that still fails keeps its place; its code and message become today's. */
export function updateReject(db: Db, rejectId: number, code: string, message: string): void {
  db.prepare('UPDATE rejects SET code = ?, message = ? WHERE reject_id = ?').run(code, message, rejectId);
}
