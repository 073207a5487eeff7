import Decimal from 'decimal.js';
import { basename } from 'node:path';
import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { RunFailedError, TotalsBoundError } from '../errors';
import { totalsPastBound } from '../store/totalsBound';
import { InputEncoding } from '../input/csvRecords';
import { InputProfile } from '../input/profile';
import { InputFile } from '../input/inputFile';
import { RejectCode } from '../input/rejection';
import { CallRecord } from '../input/callRecord';
import { ReferenceData } from '../reference/referenceData';
import { FileTransaction, Store } from '../store/types';
import { openParseSource, ParseIn, ParseSource } from './parseSource';
import { ParsedItem } from './parseStage';
import { SettledBatch, settleBatch } from './settleBatch';

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
  /** Where the pure stages run (absent: MEISAI_INGEST_WORKER, else `auto`: a worker thread for a file of 1 MiB or more). */
  parseIn?: ParseIn;
}

/** Well-formed records settled (de-duplicated, stored) together, unless the store asks for another size. */
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
export async function ingestFile(
  store: Store,
  reference: ReferenceData,
  path: string,
  options: IngestOptions = {},
): Promise<FileSummary> {
  const file = await InputFile.open(path);
  try {
    return await ingestOpenFile(store, reference, file, options);
  } finally {
    await file.close();
  }
}

async function ingestOpenFile(
  store: Store,
  reference: ReferenceData,
  file: InputFile,
  options: IngestOptions,
): Promise<FileSummary> {
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
  if (await store.hasFileOfSize(file.size)) {
    const sha256 = await file.contentHash();
    if ((await store.findFileBySha(sha256)) !== undefined) return { ...summary, sha256, alreadyIngested: true };
  }
  // The header is checked before the transaction starts: a refused file writes nothing.
  const source = await openParseSource(file, reference, {
    encoding: options.encoding,
    profile: options.profile,
    parseIn: options.parseIn,
  });

  const fileName = basename(path);
  try {
    const transaction = await store.beginFile({
      name: fileName,
      source: options.source ?? null,
      ingestedAt: new Date().toISOString(),
    });
    try {
      return await applyParsed(transaction, source, summary, fileName, await store.closedMonths(), file.size, options);
    } catch (error) {
      await transaction.rollback();
      throw error;
    }
  } finally {
    await source.close();
  }
}

async function applyParsed(
  transaction: FileTransaction,
  source: ParseSource,
  summary: FileSummary,
  fileName: string,
  closed: Set<string>,
  bytesTotal: number,
  options: IngestOptions,
): Promise<FileSummary> {
  const path = summary.file;
  // The one totals rule: the calls billed (neither duplicate, conflict, late nor unrated), totalled as they settle.
  const totals = new MonthlyTotals();
  let pending: ParsedItem[] = [];
  let wellFormed = 0;
  const settleRecords = transaction.settleRecords ?? SETTLE_BATCH;
  /** The batch being written: with an engine that overlaps writes, the next one is looked up and settled meanwhile. */
  let inFlight: {
    items: ParsedItem[];
    calls: CallRecord[];
    settled: SettledBatch;
    write: Promise<'written' | 'raced'>;
  } | null = null;

  const lookUpAndSettle = async (items: ParsedItem[], calls: CallRecord[]): Promise<SettledBatch> =>
    settleBatch(items, calls.length === 0 ? new Map() : await transaction.storedCalls(calls), closed, fileName);

  const count = (settled: SettledBatch): void => {
    for (const call of settled.billed) totals.add(call);
    for (const [code, count] of Object.entries(settled.rejectedByCode) as [RejectCode, number][]) {
      summary.rejected[code] = (summary.rejected[code] ?? 0) + count;
    }
    summary.accepted += settled.calls.length;
    summary.duplicates += settled.duplicates.length;
    for (const [reason, count] of Object.entries(settled.skippedByReason))
      summary.skipped[reason] = (summary.skipped[reason] ?? 0) + count;
    summary.late += settled.late;
  };

  /**
   * Waits for the batch in flight to be written. One raced by a concurrent file (it stored some of
   * these record_ids first) is looked up, settled and written again; true when that happened.
   */
  const land = async (): Promise<boolean> => {
    if (inFlight === null) return false;
    const { items, calls, write } = inFlight;
    let { settled } = inFlight;
    inFlight = null;
    let outcome = await write;
    const raced = outcome === 'raced';
    while (outcome === 'raced') {
      settled = await lookUpAndSettle(items, calls);
      outcome = await transaction.writeBatch(settled);
    }
    count(settled);
    return raced;
  };

  /** One de-duplication look-up and one batch of writes per `settleRecords` well-formed records. */
  const settle = async (): Promise<void> => {
    const items = pending;
    const calls = items.filter((item) => item.call !== null).map((item) => item.call!);
    pending = [];
    wellFormed = 0;
    if (transaction.overlapsWrites !== true) await land();
    let settled = await lookUpAndSettle(items, calls);
    // The batch before, written again after a race, may hold other calls than the look-up saw.
    if (await land()) settled = await lookUpAndSettle(items, calls);
    const write = transaction.writeBatch(settled);
    write.catch(() => undefined); // awaited by land(); a failure meanwhile is not unhandled
    inFlight = { items, calls, settled, write };
  };

  for (let batch = await source.next(); batch !== null; batch = await source.next()) {
    for (const item of batch.items) {
      summary.read += 1;
      pending.push(item);
      if (item.call !== null) wellFormed += 1;
      if (wellFormed >= settleRecords) await settle();
    }
    options.onProgress?.({ file: path, records: summary.read, bytesRead: batch.bytesRead, bytesTotal });
  }
  await settle();
  await land();

  // The records applied and the hash recorded come from the same bytes, of a file that did not change meanwhile.
  const { facts, encoding } = await source.finish();
  summary.sha256 = facts.sha256;
  summary.encoding = encoding;

  const rejectedCount = Object.values(summary.rejected).reduce((sum, count) => sum + count, 0);
  if (
    options.maxRejectRate !== undefined &&
    summary.read > 0 &&
    new Decimal(rejectedCount).div(summary.read).gt(options.maxRejectRate)
  ) {
    throw new RunFailedError(
      `${path}: refused, nothing applied: ${rejectedCount} of ${summary.read} records rejected ` +
        `(${new Decimal(rejectedCount).div(summary.read).times(100).toFixed(2)}%), over --max-reject-rate ${options.maxRejectRate}`,
    );
  }

  const billed = { typeTotals: totals.numberTypeTotals(), chakuwariTotals: totals.numberChakuwariTotals() };
  // The file's own sums first, then the store's after each upsert: either past the bound refuses the file.
  const pastBound = totalsPastBound(billed.typeTotals, billed.chakuwariTotals);
  try {
    if (pastBound !== null) throw new TotalsBoundError(pastBound);
    await transaction.addTotals(billed.typeTotals, billed.chakuwariTotals);
  } catch (error) {
    if (error instanceof TotalsBoundError)
      throw new TotalsBoundError(`${path}: refused, nothing applied: ${error.message}`);
    throw error;
  }
  const outcome = await transaction.finish({
    sha256: facts.sha256,
    bytes: facts.bytes,
    encoding,
    read: summary.read,
    accepted: summary.accepted,
    rejected: rejectedCount,
    duplicates: summary.duplicates,
    late: summary.late,
    skipped: Object.values(summary.skipped).reduce((sum, count) => sum + count, 0),
    profile: summary.profile,
  });
  if (outcome === 'already-ingested') {
    // The same bytes were applied meanwhile (another worker, or the same content earlier in this run).
    return {
      ...summary,
      encoding: null,
      read: 0,
      accepted: 0,
      rejected: {},
      duplicates: 0,
      skipped: {},
      late: 0,
      alreadyIngested: true,
    };
  }
  return summary;
}
