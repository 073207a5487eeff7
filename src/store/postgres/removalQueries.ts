import { local, multi, queryEntry, router } from './citusPlans';

/** The statements of `files remove` on PostgreSQL (pgFileRemoval.ts), part of the catalog (queries.ts). */
export const REMOVAL_QUERIES = {
  filesByName: queryEntry(
    `SELECT f.file_id AS "fileId", f.name, f.sha256, f.ingested_at AS "ingestedAt", x.removed_at AS "removedAt"
       FROM files f LEFT JOIN file_removals x ON x.file_id = f.file_id WHERE f.name = $1 ORDER BY f.file_id`,
    local,
  ),
  filesBySha: queryEntry(
    `SELECT f.file_id AS "fileId", f.name, f.sha256, f.ingested_at AS "ingestedAt", x.removed_at AS "removedAt"
       FROM files f LEFT JOIN file_removals x ON x.file_id = f.file_id WHERE f.sha256 = $1 ORDER BY f.file_id`,
    local,
  ),
  fileCalls: queryEntry(
    'SELECT record_id AS "recordId", contract_id AS "contractId", month, line, late FROM calls WHERE file_id = $1 ORDER BY month, line',
    multi("files remove reads one file's calls, of any contract"),
  ),
  duplicatesOf: queryEntry(
    `SELECT d.file_id AS "fileId", f.name AS "fileName", d.line, d.record_id AS "recordId"
       FROM duplicates d JOIN files f ON f.file_id = d.file_id
      WHERE d.record_id = ANY($1::text[]) AND d.file_id <> $2 ORDER BY d.file_id, d.line`,
    multi("files remove looks for duplicates of a file's record_ids in every other file"),
  ),
  recordIdsElsewhere: queryEntry(
    'SELECT DISTINCT record_id AS "recordId" FROM record_ids WHERE record_id = ANY($1::text[]) AND file_id <> $2',
    multi(
      'files remove asks whether record_ids it could promote are stored by other files, on the shards of those ids',
    ),
  ),
  movePromotedCall: queryEntry(
    'UPDATE calls SET file_id = $1, line = $2 WHERE contract_id = $3 AND month = $4 AND record_id = $5 AND file_id = $6',
    router,
  ),
  movePromotedRecordId: queryEntry(
    'UPDATE record_ids SET file_id = $1, line = $2 WHERE record_id = $3 AND file_id = $4',
    router,
  ),
  dropPromotedDuplicate: queryEntry('DELETE FROM duplicates WHERE file_id = $1 AND line = $2', router),
  countPromoted: queryEntry(
    'UPDATE files SET duplicates = duplicates - 1, accepted = accepted + 1, late = late + CASE WHEN $2::boolean THEN 1 ELSE 0 END WHERE file_id = $1',
    local,
  ),
  fileRecordIds: queryEntry(
    'SELECT DISTINCT record_id AS "recordId" FROM calls WHERE file_id = $1 AND month = ANY($2::text[])',
    multi("files remove reads one file's calls, of any contract"),
  ),
  dropFileRecordIds: queryEntry(
    'DELETE FROM record_ids WHERE record_id = ANY($1::text[]) AND file_id = $2',
    multi("a removed file's record_ids, on the shards of those ids"),
  ),
  dropFileCalls: queryEntry(
    'DELETE FROM calls WHERE file_id = $1 AND month = ANY($2::text[])',
    multi("a removed file's calls, of any contract"),
  ),
  dropFileRejects: queryEntry('DELETE FROM rejects WHERE file_id = $1', router),
  dropFileDuplicates: queryEntry('DELETE FROM duplicates WHERE file_id = $1', router),
  dropFileSkips: queryEntry('DELETE FROM skips WHERE file_id = $1', router),
  dropFileRecycled: queryEntry('DELETE FROM recycled WHERE file_id = $1', router),
  insertFileRemoval: queryEntry(
    `INSERT INTO file_removals (file_id, removed_at, removed_by, reason, calls_removed, rejects_removed, duplicates_removed, skips_removed, promoted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    local,
  ),
};
