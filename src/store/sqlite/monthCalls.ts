import type { TotalledCall } from '../../aggregate/monthlyTotals';
import { callColumn, callProblem, callValuesCheck } from '../rowChecks';
import { contractText, countedHeldOut, unreadableCallMessage } from '../rows';
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
const SUMMED_FIELDS = [
  'contractId',
  'month',
  'number',
  'direction',
  'peerClass',
  'durationMs',
  'chargeScaled',
  'chargeRemainderParts',
  'chakuwariEligible',
] as const;

export const MONTH_CALL_COLUMNS = `${SUMMED_FIELDS.map((field) => `c.${callColumn(field)}`).join(', ')},
  (typeof(c.record_id) <> 'text' OR typeof(c.line) <> 'integer' OR c.line NOT BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}),
  c.late, c.unrated_code`;

/** The checks of the summed values (positions 1 to 9 of a raw row), looked up once. */
const problemOf = callValuesCheck(SUMMED_FIELDS, 1);

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
    raw[2] = decoded(raw[2]);
    raw[4] = decoded(raw[4]);
    raw[5] = decoded(raw[5]);
    if (raw[10] !== 0 || problemOf(raw) !== null) {
      const named: Record<string, unknown> = identity(raw[0] as number);
      SUMMED_FIELDS.forEach((field, index) => (named[field] = raw[index + 1]));
      const problem = callProblem(named);
      if (problem !== null) {
        batch.unreadable.push(unreadableCallMessage(named, problem));
        continue;
      }
    }
    batch.values.push({
      contractId: raw[1] as string,
      month: raw[2] as string,
      number: raw[3] as string,
      direction: raw[4] as TotalledCall['direction'],
      peerClass: raw[5] as TotalledCall['peerClass'],
      durationMs: raw[6] as number,
      chargeScaled: raw[7] as number,
      chargeRemainderParts: raw[8] as number,
      chakuwariEligible: raw[9] === 1,
    });
  }
  return batch;
}
