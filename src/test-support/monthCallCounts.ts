import type { TotalledCall } from '../aggregate/monthlyTotals';
import type { HeldOutCalls, MonthScope, StoreReader } from '../store/types';

/** A scope's calls read by `monthCalls`, the batches put together: the billed calls, the counts, the held-out calls' contracts and the unreadable rows. */
export async function monthCallsRead(
  store: Pick<StoreReader, 'monthCalls'>,
  scope: MonthScope,
): Promise<{ billed: TotalledCall[]; counts: HeldOutCalls; heldOutContracts: string[]; unreadable: string[] }> {
  const read = {
    billed: [] as TotalledCall[],
    counts: { billed: 0, late: 0, unratedByCode: {} } as HeldOutCalls,
    heldOutContracts: [] as string[],
    unreadable: [] as string[],
  };
  for await (const batch of store.monthCalls(scope)) {
    read.billed.push(...batch.values);
    read.unreadable.push(...batch.unreadable);
    read.heldOutContracts.push(...batch.heldOutContracts);
    read.counts.billed += batch.counts.billed;
    read.counts.late += batch.counts.late;
    for (const [code, calls] of Object.entries(batch.counts.unratedByCode))
      read.counts.unratedByCode[code] = (read.counts.unratedByCode[code] ?? 0) + calls;
  }
  return read;
}
