import Decimal from 'decimal.js';
import { basename } from 'node:path';
import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { RunFailedError } from '../errors';
import { sameContent } from '../input/callRecord';
import { InputEncoding, LineFramer, RecordFramer } from '../input/csvRecords';
import { InputProfile, Skip } from '../input/profile';
import { InputFile } from '../input/inputFile';
import { RejectCode, Rejection } from '../input/rejection';
import { RatedCall } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';
import { closedMonths } from '../statement/revisions';
import { beginFile, Db, FileWriter, findFileBySha, finishFile, hasFileOfSize } from '../store/store';
import { ParsedItem, parseFile } from './parseStage';
import { profileFramer } from '../input/profileFramer';

export interface IngestOptions {
  /** Force an encoding; absent: detect (UTF-8 if valid, else CP932). */
  encoding?: InputEncoding;
  source?: string;
  /** Read the file with this input profile (its layout, encoding, mapping and skip rules); absent: the canonical CSV. */
  profile?: InputProfile;
  /** Refuse a file (nothing of it applied) whose rejected share of records read exceeds this, e.g. "0.05". */
  maxRejectRate?: string;
  /** Called after each chunk read with the records read so far and the file's bytes consumed. */
  onProgress?: (progress: { file: string; records: number; bytesRead: number; bytesTotal: number }) => void;
}

/** Well-formed records settled (de-duplicated, stored) together. */
const SETTLE_BATCH = 512;

export interface FileSummary {
  file: string;
  sha256: string;
  /** True when a file with the same content was ingested before: nothing read, nothing changed. */
  alreadyIngested: boolean;
  encoding: InputEncoding | null;
  read: number;
  accepted: number;
  rejected: Partial<Record<RejectCode, number>>;
  duplicates: number;
  /** Records the profile counts as not calls, by its reason. */
  skipped: Record<string, number>;
  /** The input profile the file was read with; null: the canonical CSV. */
  profile: string | null;
  /** Accepted calls of a closed month: stored and flagged, not in the totals until re-rated with --force. */
  late: number;
}

/**
 * Applies one CDR file to the store in a single transaction: every record ends accepted
 * (classified, rated, stored, added to the monthly totals), rejected (reason, line, raw text
 * kept) or duplicate. An error midway rolls the whole file back. A file whose header lacks a
 * required column is refused before anything is written.
 */
export async function ingestFile(db: Db, reference: ReferenceData, path: string, options: IngestOptions = {}): Promise<FileSummary> {
  const file = await InputFile.open(path);
  try {
    return await ingestOpenFile(db, reference, file, options);
  } finally {
    await file.close();
  }
}

async function ingestOpenFile(db: Db, reference: ReferenceData, file: InputFile, options: IngestOptions): Promise<FileSummary> {
  const path = file.path;
  const summary: FileSummary = {
    file: path,
    sha256: '',
    alreadyIngested: false,
    encoding: null,
    read: 0,
    accepted: 0,
    rejected: {},
    duplicates: 0,
    skipped: {},
    profile: options.profile?.id ?? null,
    late: 0,
  };
  // A delivery seen before is skipped without parsing it; only a file of a size already stored
  // can be one, so only then is it hashed ahead (the parse pass below hashes what it applies).
  if (hasFileOfSize(db, file.size)) {
    const sha256 = await file.contentHash();
    if (findFileBySha(db, sha256) !== undefined) return { ...summary, sha256, alreadyIngested: true };
  }
  const framer = recordFramer(options);

  // The header is checked before the transaction starts: a refused file writes nothing.
  const batches = await parseFile(file, framer, reference, options.profile);

  db.exec('BEGIN IMMEDIATE');
  try {
    const fileId = beginFile(db, { name: basename(path), source: options.source ?? null, ingestedAt: new Date().toISOString() });
    const fileName = basename(path);
    const writer = new FileWriter(db, fileId);
    const totals = new MonthlyTotals();
    const closed = closedMonths(db);
    let pending: ParsedItem[] = [];

    const rejectItem = (item: ParsedItem, code: RejectCode, message: string): void => {
      writer.reject(item.line, code, message, item.raw);
      summary.rejected[code] = (summary.rejected[code] ?? 0) + 1;
    };

    /**
     * Settles a batch of well-formed records in file order: a record_id seen before (stored, in
     * an earlier batch of this transaction, or earlier in this batch) makes a duplicate or a
     * conflict; otherwise the rating decides between accepted and rejected. One look-up per
     * batch and multi-row inserts keep the store's cost per record low.
     */
    const settle = (): void => {
      const stored = writer.storedCalls(pending.map((item) => item.call!.recordId));
      const firstInBatch = new Map<string, ParsedItem>();
      const accepted: { call: RatedCall; line: number; late: boolean }[] = [];
      for (const item of pending) {
        const call = item.call!;
        const storedFirst = stored.get(call.recordId);
        const batchFirst = storedFirst === undefined ? firstInBatch.get(call.recordId) : undefined;
        if (storedFirst !== undefined || batchFirst !== undefined) {
          if (sameContent(storedFirst ?? batchFirst!.call!, call)) {
            writer.duplicate(item.line, call.recordId);
            summary.duplicates += 1;
          } else {
            const where = storedFirst !== undefined ? `${storedFirst.fileName} line ${storedFirst.line}` : `${fileName} line ${batchFirst!.line}`;
            rejectItem(item, 'CONFLICT', `record_id ${call.recordId} was first seen at ${where} with different content`);
          }
          continue;
        }
        const rated = item.outcome as Exclude<ParsedItem['outcome'], Skip>;
        if ('ok' in rated) {
          rejectItem(item, rated.code, rated.message);
          continue;
        }
        const late = closed.has(rated.month);
        accepted.push({ call: rated, line: item.line, late });
        firstInBatch.set(call.recordId, item);
        if (late) summary.late += 1;
        else totals.add(rated);
        summary.accepted += 1;
      }
      writer.calls(accepted);
      pending = [];
    };

    for (let next = await batches.next(); !next.done; next = await batches.next()) {
      for (const item of next.value.items) {
        summary.read += 1;
        if (item.call === null) {
          if ('skipped' in item.outcome) {
            const { reason } = item.outcome;
            writer.skip(item.line, reason);
            summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
            continue;
          }
          const rejection = item.outcome as Rejection;
          rejectItem(item, rejection.code, rejection.message);
          continue;
        }
        pending.push(item);
        if (pending.length >= SETTLE_BATCH) settle();
      }
      options.onProgress?.({ file: path, records: summary.read, bytesRead: next.value.bytesRead, bytesTotal: file.size });
    }
    settle();

    // The records applied and the hash recorded come from the same bytes, of a file that did not change meanwhile.
    const facts = await file.finish();
    summary.sha256 = facts.sha256;
    summary.encoding = framer.encoding;
    if (findFileBySha(db, facts.sha256) !== undefined) {
      db.exec('ROLLBACK');
      return { ...summary, encoding: null, read: 0, accepted: 0, rejected: {}, duplicates: 0, skipped: {}, late: 0, alreadyIngested: true };
    }

    const rejectedCount = Object.values(summary.rejected).reduce((sum, count) => sum + count, 0);
    if (options.maxRejectRate !== undefined && summary.read > 0 && new Decimal(rejectedCount).div(summary.read).gt(options.maxRejectRate)) {
      throw new RunFailedError(
        `${path}: refused, nothing applied: ${rejectedCount} of ${summary.read} records rejected ` +
          `(${new Decimal(rejectedCount).div(summary.read).times(100).toFixed(2)}%), over --max-reject-rate ${options.maxRejectRate}`,
      );
    }

    writer.addTotals(totals.numberTypeTotals(), totals.numberChakuwariTotals());
    finishFile(db, fileId, {
      sha256: facts.sha256,
      bytes: facts.bytes,
      encoding: framer.encoding,
      read: summary.read,
      accepted: summary.accepted,
      rejected: rejectedCount,
      duplicates: summary.duplicates,
      late: summary.late,
      skipped: Object.values(summary.skipped).reduce((sum, count) => sum + count, 0),
      profile: summary.profile,
    });
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  } finally {
    await batches.return(undefined);
  }
  return summary;
}

/** What cuts the file into records: the canonical line framer, or the profile's layout (`--encoding` wins over its encoding). */
function recordFramer(options: IngestOptions): RecordFramer {
  return options.profile === undefined ? new LineFramer(options.encoding) : profileFramer(options.profile, options.encoding);
}
