import type { TotalledCall } from '../../aggregate/monthlyTotals';
import { callProblem } from '../rowChecks';
import { totalledCallOf, unreadableCallMessage } from '../rows';
import type { ReadableRows } from '../types';
import type { CallValues } from './callValues';

/**
 * The columns of calls `c` reconcile sums, after its call_id, as scopeRawRows reads them. The
 * identity columns (record_id, file_id, line) only name a row that cannot be read: SQLite answers
 * for each row whether record_id and line could fail the row checks (a flag, 0 or 1), and they
 * are read, by call_id, only for such a row or one that fails otherwise. Three values a call fewer
 * to step, one of them a text made into a JavaScript string.
 */
export const BILLED_CALL_COLUMNS = `c.contract_id, c.month, c.number, c.direction, c.peer_class, c.duration_ms,
  c.charge_scaled, c.charge_remainder_parts, c.chakuwari_eligible,
  (typeof(c.record_id) <> 'text' OR typeof(c.line) <> 'integer' OR c.line NOT BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER})`;

/** A call's identity columns, read by call_id. */
export type CallIdentity = { recordId: unknown; fileId: unknown; line: unknown };

/**
 * The calls of raw rows (call_id, BILLED_CALL_COLUMNS) as TotalledCalls, each checked as every
 * reader checks a call row (callProblem); a row that fails is left out and described.
 */
export function billedCallsOf(
  raws: unknown[][],
  values: CallValues,
  identity: (callId: number) => CallIdentity,
): ReadableRows<TotalledCall[]> {
  const calls: TotalledCall[] = [];
  const unreadable: string[] = [];
  const decoded = (code: unknown): unknown => (code === null ? null : values.value(code));
  for (const raw of raws) {
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
        unreadable.push(unreadableCallMessage(named, problem));
        continue;
      }
    }
    calls.push(totalledCallOf(row));
  }
  return { values: calls, unreadable };
}
