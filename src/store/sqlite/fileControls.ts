import { fileControlsOf, REMOVED_FILE_COUNTS } from '../rows';
import type { FileControls, ReadableRows } from '../types';
import type { Db } from './connection';

/** Each file's control totals with the rows the store holds of it (calls, rejects, duplicates, recycled, skips). */
export function readFileControls(db: Db): ReadableRows<FileControls[]> {
  const rows = db
    .prepare(
      `SELECT f.file_id AS fileId, f.name, ${REMOVED_FILE_COUNTS},
              COALESCE(c.row_count, 0) AS callRows, COALESCE(r.row_count, 0) AS rejectRows, COALESCE(d.row_count, 0) AS duplicateRows,
              COALESCE(y.row_count, 0) AS recycledRows, COALESCE(s.row_count, 0) AS skipRows
         FROM files f
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM call_rows GROUP BY file_id) c ON c.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM rejects GROUP BY file_id) r ON r.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM duplicates GROUP BY file_id) d ON d.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM recycled GROUP BY file_id) y ON y.file_id = f.file_id
         LEFT JOIN (SELECT file_id, COUNT(*) AS row_count FROM skips GROUP BY file_id) s ON s.file_id = f.file_id
         LEFT JOIN file_removals x ON x.file_id = f.file_id
        ORDER BY f.file_id`,
    )
    .all() as Record<string, unknown>[];
  return fileControlsOf(rows);
}
