import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { RejectCode } from '../input/rejection';
import { rateRecord } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';
import { acceptRecycled, countUnrecyclableRejects, readRecyclableRejects, updateReject } from '../store/sqlite/recycle';
import { SqliteStore } from '../store/sqlite/sqliteStore';
import { japanMonth } from '../time/japanTime';

export interface RecycleRequest {
  codes: RejectCode[];
  /** Only records whose call starts in this month (Japan time). */
  month?: string;
}

export interface RecycledRecord {
  fileName: string;
  line: number;
  recordId: string;
  month: string;
  formerCode: string;
  late: boolean;
}

export interface RecycleResult {
  considered: number;
  recycled: RecycledRecord[];
  /** Still rejected, by today's code. */
  stillRejected: Record<string, number>;
  /** Rated now, but its record_id is billed already (a corrected copy was delivered): left rejected, never counted twice. */
  alreadyBilled: { fileName: string; line: number; billedIn: string }[];
  /** Rejects of these codes stored before store version 4, without their record. */
  withoutRecord: number;
}

/**
 * Re-processes stored rejects whose cause was data with the tariffs, subscriptions and numbering
 * plan as they are now, in one transaction. A record that now rates joins the calls on its own
 * file and line (a closed month takes it as a late call); one that still fails stays rejected.
 */
export async function recycleRejects(store: SqliteStore, reference: ReferenceData, request: RecycleRequest, recycledAt = new Date().toISOString()): Promise<RecycleResult> {
  const db = store.db;
  const result: RecycleResult = { considered: 0, recycled: [], stillRejected: {}, alreadyBilled: [], withoutRecord: countUnrecyclableRejects(db, request.codes) };
  await store.transaction(async () => {
    const closed = await store.closedMonths();
    const totals = new MonthlyTotals();
    for (const reject of readRecyclableRejects(db, request.codes)) {
      if (request.month !== undefined && japanMonth(reject.record.startMs) !== request.month) continue;
      result.considered += 1;
      const rated = rateRecord(reject.record, reference.tariffs, reference.numbering, reference.subscriptions);
      if ('ok' in rated) {
        updateReject(db, reject.rejectId, rated.code, rated.message);
        result.stillRejected[rated.code] = (result.stillRejected[rated.code] ?? 0) + 1;
        continue;
      }
      const billed = await store.findStoredCall(rated.month, rated.recordId);
      if (billed !== undefined) {
        result.alreadyBilled.push({ fileName: reject.fileName, line: reject.line, billedIn: `${billed.fileName} line ${billed.line}` });
        continue;
      }
      const late = closed.has(rated.month);
      await store.appendCallsToFile(reject.fileId, [{ call: rated, line: reject.line, late }]);
      acceptRecycled(db, reject, rated, late, recycledAt);
      if (!late) totals.add(rated);
      result.recycled.push({ fileName: reject.fileName, line: reject.line, recordId: rated.recordId, month: rated.month, formerCode: reject.code, late });
    }
    store.addTotalsNow(totals.numberTypeTotals(), totals.numberChakuwariTotals());
  });
  return result;
}
