import { callProblem } from '../rowChecks';
import { contractText, countedHeldOut, totalledCallOf, unreadableCallMessage } from '../rows';
import type { MonthCallsBatch } from '../types';
import type { CallValues } from './callValues';

/**
 * The columns of calls `c` reconcile reads, after its call_id, as scopeRawRows reads them: the
 * summed ones, a flag, then late and the unrated code. The identity columns (record_id, file_id,
 * line) only name a row that cannot be read: SQLite answers for each row whether record_id and
 * line could fail the row checks (the flag, 0 or 1), and they are read, by call_id, only for such
 * a row or one that fails otherwise. Three values a call fewer to step, one of them a text made
 * into a JavaScript string.
 */
export const MONTH_CALL_COLUMNS = `c.contract_id, c.month, c.number, c.direction, c.peer_class, c.duration_ms,
  c.charge_scaled, c.charge_remainder_parts, c.chakuwari_eligible,
  (typeof(c.record_id) <> 'text' OR typeof(c.line) <> 'integer' OR c.line NOT BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}),
  c.late, c.unrated_code`;

/** A call's identity columns, read by call_id. */
export type CallIdentity = { recordId: unknown; fileId: unknown; line: unknown };

/**
 * Raw rows (call_id, MONTH_CALL_COLUMNS) as reconcile takes them: each late or unrated call
 * counted; each billed one checked as every reader checks a call row (callProblem) and made a
 * TotalledCall, or left out and described.
 */
export function monthCallsOf(
  raws: unknown[][],
  values: CallValues,
  identity: (callId: number) => CallIdentity,
): MonthCallsBatch {
  const batch: MonthCallsBatch = {
    values: [],
    unreadable: [],
    counts: { billed: 0, late: 0, unratedByCode: {} },
    heldOutContracts: [],
  };
  const decoded = (code: unknown): unknown => (code === null ? null : values.value(code));
  for (const raw of raws) {
    if (countedHeldOut(batch.counts, raw[11], decoded(raw[12]))) {
      batch.heldOutContracts.push(contractText(raw[1]));
      continue;
    }
    const row: Record<string, unknown> = {
      contractId: raw[1],
      month: decoded(raw[2]),
      number: raw[3],
      direction: decoded(raw[4]),
      peerClass: decoded(raw[5]),
      durationMs: raw[6],
      chargeScaled: raw[7],
      chargeRemainderParts: raw[8],
      chakuwariEligible: raw[9],
    };
    if (raw[10] !== 0 || callProblem(row) !== null) {
      const named = { ...row, ...identity(raw[0] as number) };
      const problem = callProblem(named);
      if (problem !== null) {
        batch.unreadable.push(unreadableCallMessage(named, problem));
        continue;
      }
    }
    batch.values.push(totalledCallOf(row));
  }
  return batch;
}
