/** The Store's shapes for `files remove`: which file, its calls, the duplicates of them elsewhere, and what a removal writes. */
/** Which ingested file `files remove` means: by its name (one file must have it) or its content's sha256. */
export type FileSelector = { name: string } | { sha256: string };

/** An ingested file as `files remove` finds it, with its removal if it was removed. */
export interface StoredFile {
  fileId: number;
  name: string;
  sha256: string;
  ingestedAt: string;
  removedAt: string | null;
}

/** One stored call of a file, as its removal plans it. */
export interface FileCall {
  recordId: string;
  contractId: string;
  month: string;
  line: number;
  late: boolean;
  /** The engine's own handle of the row (SQLite: its call_id). */
  storeRow?: number;
}

/** A duplicate row of a file: the record at this file and line was a duplicate of a stored call with this record_id. */
export interface StoredDuplicate {
  fileId: number;
  fileName: string;
  line: number;
  recordId: string;
}

/** A removed call whose duplicate in another file becomes the stored (billed) call: same content, now at the duplicate's file and line. */
export interface Promotion {
  call: FileCall;
  duplicate: StoredDuplicate;
}

/** What `removeFile` writes: the file's rows go, the promoted calls move to their duplicate's place, and the removal is recorded. */
export interface FileRemoval {
  fileId: number;
  removedAt: string;
  removedBy: string;
  reason: string;
  /** The months of the file's calls (PostgreSQL: the partitions its calls are in). */
  months: string[];
  promotions: Promotion[];
}

/** The rows a removal took out of the store, and the calls it promoted. */
export interface FileRemovalCounts {
  calls: number;
  rejects: number;
  duplicates: number;
  skips: number;
  recycled: number;
  promoted: number;
}
