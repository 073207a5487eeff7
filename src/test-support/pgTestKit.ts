import { inDuplicateScope } from '../store/duplicateScope';
import { japanMonth } from '../time/japanTime';
import { MonthlyTotals } from '../aggregate/monthlyTotals';
import { sameContent } from '../input/callRecord';
import { RatedCall } from '../rate/rateRecord';
import { FileBatch, Store } from '../store/types';

/** A rated call for tests: an outbound general call of N000000001 in April 2011 unless told otherwise. */
export function ratedCall(overrides: Partial<RatedCall> & { recordId: string }): RatedCall {
  return {
    contractId: 'N000000001',
    number: '05012345678',
    direction: 'out',
    peer: '0312345678',
    peerIsNumber: true,
    startMs: Date.UTC(2011, 3, 10, 0, 0, 0),
    durationMs: 61_000,
    month: '2011-04',
    peerClass: 'general',
    tariffId: 'T1',
    numberingPlanId: 'P1',
    rateId: 'R1',
    ratePrefix: null,
    units: 3,
    chargeScaled: 240_000,
    chargeRemainderParts: 0,
    planId: 'REFERENCE',
    chakuwariEligible: false,
    ...overrides,
  };
}

export interface AppliedFile {
  outcome: 'applied' | 'already-ingested';
  accepted: number;
  duplicates: number;
  conflicts: number;
}

/**
 * What ingest does with a file's settled records, through the Store interface (the pure rules of
 * de-duplication as ingestFile applies them): a stored record_id with the same content is a
 * duplicate, with other content a conflict (rejected); the rest is accepted and totalled.
 */
export async function applyCalls(
  store: Store,
  name: string,
  sha256: string,
  calls: RatedCall[],
  options: { batch?: number; beforeFinish?: () => Promise<void>; closed?: Set<string> } = {},
): Promise<AppliedFile> {
  const closed = options.closed ?? (await store.closedMonths());
  const file = await store.beginFile({ name, source: null, ingestedAt: '2011-05-02T00:00:00.000Z' });
  const totals = new MonthlyTotals();
  const counts = { accepted: 0, duplicates: 0, conflicts: 0 };
  try {
    const size = options.batch ?? 512;
    for (let start = 0; start < calls.length; start += size) {
      const items = calls.slice(start, start + size);
      // A batch raced by a concurrent file is looked up and settled again, as ingest does.
      for (;;) {
        const stored = await file.storedCalls(items);
        const firstInBatch = new Map<string, { call: RatedCall; line: number }>();
        const batch: FileBatch = { calls: [], rejects: [], duplicates: [], skips: [] };
        const batchCounts = { accepted: 0, duplicates: 0, conflicts: 0 };
        const billed: RatedCall[] = [];
        items.forEach((call, index) => {
          const line = start + index + 2;
          const inScope = (seen: { startMs: number }): boolean =>
            inDuplicateScope(japanMonth(seen.startMs), call.month);
          const first =
            stored.get(call.recordId)?.find(inScope) ??
            [firstInBatch.get(call.recordId)?.call].find((seen) => seen !== undefined && inScope(seen));
          if (first !== undefined) {
            if (sameContent(first, call)) {
              batch.duplicates.push({ line, recordId: call.recordId });
              batchCounts.duplicates += 1;
            } else {
              batch.rejects.push({
                line,
                code: 'CONFLICT',
                message: `record_id ${call.recordId} was first seen with different content`,
                raw: call.recordId,
                record: null,
              });
              batchCounts.conflicts += 1;
            }
            return;
          }
          const late = closed.has(call.month);
          batch.calls.push({ call, line, late });
          firstInBatch.set(call.recordId, { call, line });
          if (!late) billed.push(call);
          batchCounts.accepted += 1;
        });
        if ((await file.writeBatch(batch)) === 'raced') continue;
        for (const call of billed) totals.add(call);
        counts.accepted += batchCounts.accepted;
        counts.duplicates += batchCounts.duplicates;
        counts.conflicts += batchCounts.conflicts;
        break;
      }
    }
    await file.addTotals(totals.numberTypeTotals(), totals.numberChakuwariTotals());
    await options.beforeFinish?.();
    const late = calls.filter((call) => closed.has(call.month)).length;
    const outcome = await file.finish({
      sha256,
      bytes: calls.length * 100,
      encoding: 'utf8',
      read: calls.length,
      accepted: counts.accepted,
      rejected: counts.conflicts,
      duplicates: counts.duplicates,
      late: Math.min(late, counts.accepted),
      skipped: 0,
      profile: null,
    });
    return { outcome, ...counts };
  } catch (error) {
    await file.rollback();
    throw error;
  }
}

/**
 * A file applied up to its finish and held there until `release`: its rows written, not
 * committed (what a concurrent file meets). `done` ends once released.
 */
export async function heldFile(
  store: Store,
  name: string,
  sha256: string,
  calls: RatedCall[],
): Promise<{ done: Promise<AppliedFile>; release: () => void }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => {
    wrote = resolve;
  });
  const done = applyCalls(store, name, sha256, calls, {
    beforeFinish: async () => {
      wrote();
      await held;
    },
  });
  await Promise.race([written, done]);
  return { done, release };
}
