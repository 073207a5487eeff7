import { RejectFilter, StoredReject } from '../types';
import { Db } from './connection';

/** Stored rejects, by file (in ingest order) and line; each filter optional. */
export function readRejects(db: Db, filter: RejectFilter): StoredReject[] {
  return db
    .prepare(
      `SELECT f.name AS fileName, r.line, r.code, r.message, r.raw, json_extract(r.record_json, '$.startMs') AS startMs
         FROM rejects r JOIN files f ON f.file_id = r.file_id
        WHERE (@fileName IS NULL OR f.name = @fileName) AND (@code IS NULL OR r.code = @code)
        ORDER BY f.file_id, r.line`,
    )
    .all({ fileName: filter.fileName ?? null, code: filter.code ?? null }) as StoredReject[];
}
