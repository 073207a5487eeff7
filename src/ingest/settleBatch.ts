import { CallContent, sameContent } from '../input/callRecord';
import { RejectCode } from '../input/rejection';
import { RatedCall } from '../rate/rateRecord';
import { RECYCLABLE_CODES } from '../recycle/recyclable';
import { FileBatch, StoredCallIdentity } from '../store/types';
import { inDuplicateScope, settlingSighting } from '../store/duplicateScope';
import { japanMonth } from '../time/japanTime';
import { Skip } from '../input/profile';
import { ParsedItem } from './parseStage';

/** A batch's records settled: the rows to write, and the accepted calls that count in the totals. */
export interface SettledBatch extends FileBatch {
  /** Accepted calls of open months: what the monthly totals add up. */
  billed: RatedCall[];
  rejectedByCode: Partial<Record<RejectCode, number>>;
  /** Records the input profile says are not calls, by its reason. */
  skippedByReason: Record<string, number>;
  late: number;
}

/**
 * Settles parsed records in file order, a pure rule: a record that could not be read is rejected
 * with its reason; a record_id seen before within the duplicate scope (duplicateScope.ts: a start
 * in the same month or the month on either side; stored — in an earlier file or earlier in this
 * one — or earlier in this batch) makes a duplicate when the content is the same and a CONFLICT
 * when not (first seen wins); otherwise its rating decides between accepted and rejected, and an
 * accepted call of a closed month is late (stored, not totalled). `stored` holds the stored
 * sightings of the batch's record_ids (FileTransaction.storedCalls).
 */
export function settleBatch(
  items: ParsedItem[],
  stored: Map<string, StoredCallIdentity[]>,
  closedMonths: Set<string>,
  fileName: string,
): SettledBatch {
  const settled: SettledBatch = {
    calls: [],
    rejects: [],
    duplicates: [],
    skips: [],
    billed: [],
    rejectedByCode: {},
    skippedByReason: {},
    late: 0,
  };
  const reject = (item: ParsedItem, code: RejectCode, message: string): void => {
    settled.rejects.push({
      line: item.line,
      code,
      message,
      raw: item.raw,
      record: RECYCLABLE_CODES.has(code) ? item.call : null,
    });
    settled.rejectedByCode[code] = (settled.rejectedByCode[code] ?? 0) + 1;
  };
  const firstInBatch = new Map<string, ParsedItem[]>();
  for (const item of items) {
    const call = item.call;
    if (call === null && 'skipped' in item.outcome) {
      const { reason } = item.outcome;
      settled.skips.push({ line: item.line, reason });
      settled.skippedByReason[reason] = (settled.skippedByReason[reason] ?? 0) + 1;
      continue;
    }
    if (call === null) {
      const rejection = item.outcome as { code: RejectCode; message: string };
      reject(item, rejection.code, rejection.message);
      continue;
    }
    const storedSightings = stored.get(call.recordId);
    const batchSightings = firstInBatch.get(call.recordId);
    // Most records have no earlier sighting: the month arithmetic is for those that do.
    const storedFirst =
      storedSightings === undefined ? undefined : firstInScope(call, storedSightings, (identity) => identity);
    const batchFirst =
      storedFirst === undefined && batchSightings !== undefined
        ? firstInScope(call, batchSightings, (earlier) => earlier.call!)
        : undefined;
    if (storedFirst !== undefined || batchFirst !== undefined) {
      if (sameContent(storedFirst ?? batchFirst!.call!, call)) {
        settled.duplicates.push({ line: item.line, recordId: call.recordId, month: japanMonth(call.startMs) });
      } else {
        const where =
          storedFirst !== undefined
            ? `${storedFirst.fileName} line ${storedFirst.line}`
            : `${fileName} line ${batchFirst!.line}`;
        reject(item, 'CONFLICT', `record_id ${call.recordId} was first seen at ${where} with different content`);
      }
      continue;
    }
    const rated = item.outcome as Exclude<ParsedItem['outcome'], Skip>;
    if ('ok' in rated) {
      reject(item, rated.code, rated.message);
      continue;
    }
    const late = closedMonths.has(rated.month);
    settled.calls.push({ call: rated, line: item.line, late });
    const sightings = firstInBatch.get(call.recordId);
    if (sightings === undefined) firstInBatch.set(call.recordId, [item]);
    else sightings.push(item);
    if (late) settled.late += 1;
    else settled.billed.push(rated);
  }
  return settled;
}

/**
 * Of the earlier sightings of a record's record_id, the one it is settled against within the
 * duplicate scope (store/duplicateScope.ts), if any.
 */
function firstInScope<T>(call: CallContent, sightings: T[], recordOf: (sighting: T) => CallContent): T | undefined {
  const month = japanMonth(call.startMs);
  const inScope = sightings
    .map((sighting) => ({ sighting, month: japanMonth(recordOf(sighting).startMs) }))
    .filter((seen) => inDuplicateScope(seen.month, month));
  return settlingSighting(inScope, (seen) => sameContent(recordOf(seen.sighting), call))?.sighting;
}
