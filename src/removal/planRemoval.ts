import { FileCall, Promotion, StoredDuplicate } from '../store/types';

/** What taking a file back does to its calls, before anything is written: the pure part of `files remove`. */
export interface RemovalPlan {
  /** Calls of the file whose duplicate in another file becomes the stored call (same content, same rating). */
  promotions: Promotion[];
  /** Calls of the file that leave the store: the totals of their contract-months move. */
  removed: FileCall[];
  /**
   * Record_ids with duplicates elsewhere that the file holds more than one call of (starts two or
   * more months apart), or that another file stores as a call too: a duplicate row keeps only the
   * record_id, so which call it repeated cannot be told; they stay duplicates.
   */
  undecided: string[];
  /** The months of the file's calls, in order. */
  months: string[];
  /** The contract-months whose totals change (those of the removed calls), by month then contract. */
  contractMonths: { contractId: string; month: string }[];
}

/**
 * Plans the removal of a file's calls given the duplicate rows of other files with their
 * record_ids. A record that was a duplicate of a removed call becomes the stored call again: of
 * a record_id's duplicates, the first in the original order (files in ingest order, then line) is
 * promoted, and the later ones remain duplicates — now of it. A record_id the file holds twice, or
 * that `elsewhere` (stored as a call by another file) holds, is left undecided (see `undecided`).
 *
 *   file A: r1 (line 1), r2 (line 2); file B: duplicate r1 at line 7; file C: duplicates r1 at 3, r2 at 4
 *   → r1 moves to B line 7, r2 moves to C line 4, C line 3 stays a duplicate (of B line 7).
 */
export function planRemoval(
  calls: readonly FileCall[],
  duplicates: readonly StoredDuplicate[],
  elsewhere: ReadonlySet<string> = new Set(),
): RemovalPlan {
  const callsOf = new Map<string, FileCall[]>();
  for (const call of calls) {
    const same = callsOf.get(call.recordId);
    if (same === undefined) callsOf.set(call.recordId, [call]);
    else same.push(call);
  }
  const inOrder = [...duplicates].sort((left, right) => left.fileId - right.fileId || left.line - right.line);
  const promotedTo = new Map<string, StoredDuplicate>();
  for (const duplicate of inOrder) {
    if (
      callsOf.get(duplicate.recordId)?.length !== 1 ||
      elsewhere.has(duplicate.recordId) ||
      promotedTo.has(duplicate.recordId)
    )
      continue;
    promotedTo.set(duplicate.recordId, duplicate);
  }
  const plan: RemovalPlan = { promotions: [], removed: [], undecided: [], months: [], contractMonths: [] };
  const contractMonths = new Map<string, { contractId: string; month: string }>();
  for (const call of calls) {
    const duplicate = promotedTo.get(call.recordId);
    if (duplicate !== undefined) {
      plan.promotions.push({ call, duplicate });
      continue;
    }
    plan.removed.push(call);
    contractMonths.set(`${call.month} ${call.contractId}`, { contractId: call.contractId, month: call.month });
  }
  const duplicated = new Set(inOrder.map((duplicate) => duplicate.recordId));
  plan.undecided = [...callsOf]
    .filter(([recordId, same]) => (same.length > 1 || elsewhere.has(recordId)) && duplicated.has(recordId))
    .map(([recordId]) => recordId)
    .sort();
  plan.months = [...new Set(calls.map((call) => call.month))].sort();
  plan.contractMonths = [...contractMonths.keys()].sort().map((key) => contractMonths.get(key)!);
  plan.promotions.sort(
    (left, right) => left.duplicate.fileId - right.duplicate.fileId || left.duplicate.line - right.duplicate.line,
  );
  return plan;
}
