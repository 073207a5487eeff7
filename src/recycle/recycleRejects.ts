import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { RejectCode } from '../input/rejection';
import { rateByReference } from '../rate/rateRecord';
import { ReferenceData } from '../reference/referenceData';
import { Store } from '../store/types';
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
  /** Rejects of these codes stored without their record (before store version 4; or an outbound call without a number, before meisai kept those). */
  withoutRecord: number;
}

/**
 * Re-processes stored rejects whose cause was data with the tariffs, subscriptions and numbering
 * plan as they are now, in one transaction. A record that now rates joins the calls on its own
 * file and line (a closed month takes it as a late call); one that still fails stays rejected.
 */
export async function recycleRejects(
  store: Store,
  reference: ReferenceData,
  request: RecycleRequest,
  recycledAt = new Date().toISOString(),
): Promise<RecycleResult> {
  return store.transaction(async (writer) => {
    const result: RecycleResult = {
      considered: 0,
      recycled: [],
      stillRejected: {},
      alreadyBilled: [],
      withoutRecord: await writer.rejectsWithoutRecord(request.codes),
    };
    const closed = await writer.closedMonths();
    const totals = new MonthlyTotals();
    for (const reject of await writer.recyclableRejects(request.codes)) {
      if (request.month !== undefined && japanMonth(reject.record.startMs) !== request.month) continue;
      result.considered += 1;
      const rated = rateByReference(reject.record, reference);
      if ('ok' in rated) {
        await writer.updateReject(reject, rated.code, rated.message);
        result.stillRejected[rated.code] = (result.stillRejected[rated.code] ?? 0) + 1;
        continue;
      }
      // The one de-duplication rule of ingest (the store's), also against the records recycled before this one.
      const billed = (await writer.storedCalls([rated])).get(rated.recordId)?.[0];
      if (billed !== undefined) {
        result.alreadyBilled.push({
          fileName: reject.fileName,
          line: reject.line,
          billedIn: `${billed.fileName} line ${billed.line}`,
        });
        continue;
      }
      const late = closed.has(rated.month);
      await writer.acceptRecycled([{ reject, call: rated, late, recycledAt }]);
      if (!late) totals.add(rated);
      result.recycled.push({
        fileName: reject.fileName,
        line: reject.line,
        recordId: rated.recordId,
        month: rated.month,
        formerCode: reject.code,
        late,
      });
    }
    await writer.addTotals(totals.numberTypeTotals(), totals.numberChakuwariTotals());
    return result;
  });
}
