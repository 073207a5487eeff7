/**
 * The COPY text format of the rows a file writes by COPY (record_ids, calls): the columns in the
 * order of their lines, and the lines of a batch's accepted calls.
 */
import { StoreFailedError } from '../../errors';
import { duplicateBuckets } from '../duplicateScope';
import { AcceptedCall } from '../types';

/** The columns of a call's record_ids rows (one per duplicate bucket), in the order of their COPY lines. */
export const RECORD_ID_COLUMNS = ['record_id', 'contract_id', 'month', 'file_id', 'line', 'bucket'] as const;
/** The columns of a calls row as a file writes it (unrated_code is NULL), in the order of its COPY lines. */
export const CALL_COLUMNS = [
  'contract_id',
  'month',
  'record_id',
  'file_id',
  'line',
  'number',
  'direction',
  'peer',
  'peer_is_number',
  'start_ms',
  'duration_ms',
  'peer_class',
  'tariff_id',
  'numbering_plan_id',
  'rate_id',
  'rate_prefix',
  'units',
  'charge_scaled',
  'chakuwari_eligible',
  'late',
  'plan_id',
  'charge_remainder_parts',
] as const;

const COPY_SPECIAL = /[\\\t\n\r]/;

/** Text in COPY's text format: backslash, tab, newline and carriage return escaped. */
function text(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (character) =>
    character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r',
  );
}

/** Text or \N for NULL. */
function nullable(value: string | null): string {
  return value === null ? '\\N' : text(value);
}

/** An exact integer (meisai stores no other numbers). */
function integer(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new StoreFailedError(`cannot store ${value}: meisai stores exact integers only`);
  return String(value);
}

/** A boolean as COPY text takes it. */
function copyBoolean(value: boolean): string {
  return value ? 't' : 'f';
}

/** COPY lines (each ending in a newline; a call may make more than one) of a batch's calls, in chunks of 1,024 lines; the first line is checked to have a field per column. */
export function* copyChunks(
  calls: AcceptedCall[],
  columns: readonly string[],
  line: (accepted: AcceptedCall) => string,
): Generator<string> {
  const lines: string[] = [];
  for (const accepted of calls) {
    const next = line(accepted);
    if (lines.length === 0 && next.slice(0, next.indexOf('\n')).split('\t').length !== columns.length)
      throw new Error('COPY columns and values disagree');
    lines.push(next);
    if (lines.length === 1024) {
      yield lines.join('');
      lines.length = 0;
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/**
 * A call's two record_ids rows (RECORD_ID_COLUMNS), one per duplicate bucket of its month
 * (duplicateScope.ts): where the unique key refuses a second sighting in scope, and where a later
 * look-up of its record_id finds the call (its contract and month; the content is the call's), and
 * the file and line that stored it (files remove takes a file's rows by them).
 */
export function recordIdLines(fileId: number): (accepted: AcceptedCall) => string {
  const file = integer(fileId);
  const bucketsOf = new Map<string, [string, string]>();
  return ({ call, line }) => {
    let buckets = bucketsOf.get(call.month);
    if (buckets === undefined) {
      const [own, next] = duplicateBuckets(call.month);
      buckets = [`\t${integer(own)}\n`, `\t${integer(next)}\n`];
      bucketsOf.set(call.month, buckets);
    }
    const row = `${text(call.recordId)}\t${text(call.contractId)}\t${text(call.month)}\t${file}\t${integer(line)}`;
    return `${row}${buckets[0]}${row}${buckets[1]}`;
  };
}

/** A call's calls row (CALL_COLUMNS). */
export function callLine(fileId: number): (accepted: AcceptedCall) => string {
  const file = integer(fileId);
  return ({ call, line, late }) =>
    `${text(call.contractId)}\t${text(call.month)}\t${text(call.recordId)}\t${file}\t${integer(line)}\t${text(call.number)}\t${text(call.direction)}\t` +
    `${text(call.peer)}\t${copyBoolean(call.peerIsNumber)}\t${integer(call.startMs)}\t${integer(call.durationMs)}\t${text(call.peerClass)}\t${text(call.tariffId)}\t` +
    `${text(call.numberingPlanId)}\t${nullable(call.rateId)}\t${nullable(call.ratePrefix)}\t${integer(call.units)}\t${integer(call.chargeScaled)}\t` +
    `${copyBoolean(call.chakuwariEligible)}\t${copyBoolean(late)}\t${nullable(call.planId)}\t${integer(call.chargeRemainderParts)}\n`;
}
