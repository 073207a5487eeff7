import { callColumn, callKey, callValuesCheck, damagedRowError } from '../rowChecks';
import type { StoredCall } from '../types';
import { CallValues, CODED_FIELDS } from './callValues';

/**
 * The fields of a stored call as a re-rate reads them, in the order of the columns read (after
 * call_id): the SQL and the checks follow this list, and storedCallsOf reads by its positions.
 */
const STORED_CALL_FIELDS = [
  'recordId',
  'contractId',
  'number',
  'direction',
  'peer',
  'peerIsNumber',
  'startMs',
  'durationMs',
  'late',
  'peerClass',
  'tariffId',
  'numberingPlanId',
  'rateId',
  'ratePrefix',
  'units',
  'chargeScaled',
  'chakuwariEligible',
  'unratedCode',
  'planId',
  'chargeRemainderParts',
] as const;

/** The columns of calls `c` STORED_CALL_FIELDS stands for, as scopeRawRows reads them (after call_id). */
export const STORED_CALL_COLUMNS = STORED_CALL_FIELDS.map((field) => `c.${callColumn(field)}`).join(', ');

/** Positions in a raw row (call_id first) of the coded values, decoded before the checks. */
const CODED_AT = STORED_CALL_FIELDS.flatMap((field, index) =>
  (CODED_FIELDS as readonly string[]).includes(field) ? [index + 1] : [],
);
const problemOf = callValuesCheck(STORED_CALL_FIELDS, 1);

/**
 * Raw rows (call_id, STORED_CALL_COLUMNS) as StoredCalls: codes decoded in place, each row checked
 * as every reader checks a call row, and made one StoredCall with no object in between; a damaged
 * row is a failed run naming it, as readableCalls makes it.
 */
export function storedCallsOf(raws: unknown[][], values: CallValues, storePath: string): StoredCall[] {
  const calls: StoredCall[] = [];
  for (const raw of raws) {
    for (const at of CODED_AT) if (raw[at] !== null) raw[at] = values.value(raw[at]);
    const problem = problemOf(raw);
    if (problem !== null) throw damagedRowError(storePath, callKey({ recordId: raw[1] }), problem);
    calls.push({
      recordId: raw[1] as string,
      contractId: raw[2] as string,
      number: raw[3] as string,
      direction: raw[4] as StoredCall['direction'],
      peer: raw[5] as string,
      peerIsNumber: raw[6] === 1,
      startMs: raw[7] as number,
      durationMs: raw[8] as number,
      late: raw[9] === 1,
      rating: {
        peerClass: raw[10] as StoredCall['rating']['peerClass'],
        tariffId: raw[11] as string,
        numberingPlanId: raw[12] as string,
        rateId: raw[13] as string | null,
        ratePrefix: raw[14] as string | null,
        units: raw[15] as number,
        chargeScaled: raw[16] as number,
        chakuwariEligible: raw[17] === 1,
        unratedCode: raw[18] as string | null,
        planId: raw[19] as string,
        chargeRemainderParts: raw[20] as number,
      },
      storeRow: raw[0] as number,
    });
  }
  return calls;
}
