import { FileCall, FileRemoval, FileRemovalCounts, FileSelector, StoredDuplicate, StoredFile } from '../types';
import { storedInteger } from '../rowChecks';
import { MONTH_LOCK } from './advisoryLocks';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgSession';

/** The PostgreSQL side of `files remove`: its statements are in queries.ts (`files remove`). */

export async function filesMatching(store: PgStore, client: Queryable, selector: FileSelector): Promise<StoredFile[]> {
  const rows =
    'name' in selector
      ? (await store.run(client, 'filesByName', [selector.name])).rows
      : (await store.run(client, 'filesBySha', [selector.sha256])).rows;
  return rows.map((row) => ({
    fileId: storedInteger(store.location, 'files.file_id', row.fileId),
    name: row.name,
    sha256: row.sha256,
    ingestedAt: row.ingestedAt,
    removedAt: row.removedAt ?? null,
  }));
}

export async function fileCalls(store: PgStore, client: Queryable, fileId: number): Promise<FileCall[]> {
  return (await store.run(client, 'fileCalls', [fileId])).rows.map((row) => ({
    recordId: row.recordId,
    contractId: row.contractId,
    month: row.month,
    line: storedInteger(store.location, 'line', row.line),
    late: row.late === true,
  }));
}

export async function duplicatesOf(
  store: PgStore,
  client: Queryable,
  recordIds: readonly string[],
  exceptFileId: number,
): Promise<StoredDuplicate[]> {
  if (recordIds.length === 0) return [];
  return (await store.run(client, 'duplicatesOf', [[...new Set(recordIds)], exceptFileId])).rows.map((row) => ({
    fileId: storedInteger(store.location, 'files.file_id', row.fileId),
    fileName: row.fileName,
    line: storedInteger(store.location, 'line', row.line),
    recordId: row.recordId,
  }));
}

export async function recordIdsElsewhere(
  store: PgStore,
  client: Queryable,
  recordIds: readonly string[],
  exceptFileId: number,
): Promise<Set<string>> {
  if (recordIds.length === 0) return new Set();
  return new Set(
    (await store.run(client, 'recordIdsElsewhere', [[...new Set(recordIds)], exceptFileId])).rows.map(
      (row) => row.recordId as string,
    ),
  );
}

/** The exclusive side of each month's advisory lock, in month order (a file holds the shared side of the months it writes). */
export async function lockMonths(store: PgStore, client: Queryable, months: readonly string[]): Promise<boolean> {
  for (const month of [...new Set(months)].sort()) await store.run(client, 'lockExclusive', [`${MONTH_LOCK}${month}`]);
  return true;
}

export async function removeFile(store: PgStore, client: Queryable, removal: FileRemoval): Promise<FileRemovalCounts> {
  const { fileId } = removal;
  for (const { call, duplicate } of removal.promotions) {
    const moved = await store.run(client, 'movePromotedCall', [
      duplicate.fileId,
      duplicate.line,
      call.contractId,
      call.month,
      call.recordId,
      fileId,
    ]);
    if (moved.rowCount !== 1) throw new Error(`call ${call.recordId} of file ${fileId} was not where it was read`);
    await store.run(client, 'movePromotedRecordId', [duplicate.fileId, duplicate.line, call.recordId, fileId]);
    await store.run(client, 'dropPromotedDuplicate', [duplicate.fileId, duplicate.line]);
    await store.run(client, 'countPromoted', [duplicate.fileId, call.late]);
  }
  const recordIds = (await store.run(client, 'fileRecordIds', [fileId, removal.months])).rows.map(
    (row) => row.recordId as string,
  );
  await store.run(client, 'dropFileRecordIds', [recordIds, fileId]);
  const dropped = async (
    name: 'dropFileCalls' | 'dropFileRejects' | 'dropFileDuplicates' | 'dropFileSkips' | 'dropFileRecycled',
    values: unknown[],
  ): Promise<number> => (await store.run(client, name, values)).rowCount ?? 0;
  const counts: FileRemovalCounts = {
    calls: await dropped('dropFileCalls', [fileId, removal.months]),
    rejects: await dropped('dropFileRejects', [fileId]),
    duplicates: await dropped('dropFileDuplicates', [fileId]),
    skips: await dropped('dropFileSkips', [fileId]),
    recycled: await dropped('dropFileRecycled', [fileId]),
    promoted: removal.promotions.length,
  };
  await store.run(client, 'insertFileRemoval', [
    fileId,
    removal.removedAt,
    removal.removedBy,
    removal.reason,
    counts.calls,
    counts.rejects,
    counts.duplicates,
    counts.skips,
    counts.promoted,
  ]);
  return counts;
}
