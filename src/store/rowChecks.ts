import { CALL_TYPES, isCallType } from '../numbering/callType';
import { StoreFailedError } from '../errors';

/**
 * Checks of the values read from the store, for a store that a disk or a careless hand damaged:
 * SQLite keeps whatever was written (a text in an INTEGER column, a call type that does not
 * exist), and a reader must not compute figures from it. Each check returns what is wrong, in
 * words and with a bounded quote of the value, or null when the value is as meisai writes it.
 */
export type ValueProblem = string | null;

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `the text '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${value}`;
  if (Buffer.isBuffer(value)) return `a blob of ${value.length} bytes`;
  return typeof value;
}

/** A row key for a message: the values as stored, each cut short. */
export function keyText(...values: unknown[]): string {
  return values
    .map((value) =>
      typeof value === 'string' ? (value.length > 40 ? `${value.slice(0, 40)}…` : value) : describeValue(value),
    )
    .join(' ');
}

export function integerProblem(column: string, value: unknown, minimum = Number.MIN_SAFE_INTEGER): ValueProblem {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value))
    return `${column} is ${describeValue(value)}, below ${minimum}`;
  return `${column} is ${describeValue(value)}, not an integer`;
}

export function textProblem(column: string, value: unknown): ValueProblem {
  return typeof value === 'string' ? null : `${column} is ${describeValue(value)}, not a text`;
}

/** A contract id as meisai stores it: N and 9 digits (input/callRecord.ts refuses any other at ingest). */
function contractIdProblem(column: string, value: unknown): ValueProblem {
  if (typeof value === 'string' && /^N\d{9}$/.test(value)) return null;
  return `${column} ${typeof value === 'string' ? `'${keyText(value)}'` : describeValue(value)} is not N and 9 digits`;
}

/** A subscriber number as meisai stores it: 050 and 8 digits (a statement prints it as 050-1234-5678). */
export function subscriberNumberProblem(column: string, value: unknown): ValueProblem {
  if (typeof value === 'string' && /^050\d{8}$/.test(value)) return null;
  return `${column} ${typeof value === 'string' ? `'${keyText(value)}'` : describeValue(value)} is not an 11-digit 050 number`;
}

export function oneOfProblem(column: string, value: unknown, allowed: readonly string[], what: string): ValueProblem {
  if (typeof value === 'string' && allowed.includes(value)) return null;
  return `${column} ${typeof value === 'string' ? `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'` : describeValue(value)} is not ${what}`;
}

/** The first problems of a row, joined; null when there is none. */
export function problems(...found: ValueProblem[]): ValueProblem {
  const present = found.filter((problem): problem is string => problem !== null);
  return present.length === 0 ? null : present.join('; ');
}

export function typeTotalProblem(row: Record<string, unknown>): ValueProblem {
  return problems(
    contractIdProblem('contract_id', row.contractId),
    textProblem('month', row.month),
    subscriberNumberProblem('number', row.number),
    typeof row.type === 'string' && isCallType(row.type)
      ? null
      : `call_type ${typeof row.type === 'string' ? `'${keyText(row.type)}'` : describeValue(row.type)} is not a call type`,
    integerProblem('calls', row.calls, 0),
    integerProblem('duration_tenths', row.durationTenths, 0),
    integerProblem('charge_scaled', row.chargeScaled),
    integerProblem('charge_remainder_parts', row.chargeRemainderParts, 0),
  );
}

export function chakuwariTotalProblem(row: Record<string, unknown>): ValueProblem {
  return problems(
    contractIdProblem('contract_id', row.contractId),
    textProblem('month', row.month),
    subscriberNumberProblem('number', row.number),
    integerProblem('calls', row.calls, 0),
    integerProblem('duration_tenths', row.durationTenths, 0),
    integerProblem('duration_ms', row.durationMs, 0),
  );
}

export function typeTotalKey(row: Record<string, unknown>): string {
  return `number_type_totals ${keyText(row.contractId, row.month, row.number, row.type)}`;
}

export function chakuwariTotalKey(row: Record<string, unknown>): string {
  return `chakuwari_totals ${keyText(row.contractId, row.month, row.number)}`;
}

const PEER_CLASSES: readonly string[] = [...CALL_TYPES, 'withheld', 'not-callable', 'unknown'];

/** What each column of `calls` must hold, by the name the readers give it. */
const CALL_COLUMNS: Record<string, [column: string, check: (column: string, value: unknown) => ValueProblem]> = {
  recordId: ['record_id', textProblem],
  contractId: ['contract_id', textProblem],
  number: ['number', textProblem],
  direction: ['direction', (column, value) => oneOfProblem(column, value, ['out', 'in'], 'a direction')],
  peer: ['peer', textProblem],
  peerIsNumber: ['peer_is_number', (column, value) => integerProblem(column, value, 0)],
  startMs: ['start_ms', integerProblem],
  durationMs: ['duration_ms', (column, value) => integerProblem(column, value, 0)],
  month: ['month', textProblem],
  peerClass: ['peer_class', (column, value) => oneOfProblem(column, value, PEER_CLASSES, 'a peer class')],
  tariffId: ['tariff_id', textProblem],
  numberingPlanId: ['numbering_plan_id', textProblem],
  rateId: ['rate_id', (column, value) => (value === null ? null : textProblem(column, value))],
  ratePrefix: ['rate_prefix', (column, value) => (value === null ? null : textProblem(column, value))],
  units: ['units', (column, value) => integerProblem(column, value, 0)],
  chargeScaled: ['charge_scaled', integerProblem],
  chargeRemainderParts: ['charge_remainder_parts', (column, value) => integerProblem(column, value, 0)],
  planId: ['plan_id', (column, value) => (value === null ? null : textProblem(column, value))],
  chakuwariEligible: ['chakuwari_eligible', (column, value) => integerProblem(column, value, 0)],
  late: ['late', (column, value) => integerProblem(column, value, 0)],
  unratedCode: ['unrated_code', (column, value) => (value === null ? null : textProblem(column, value))],
  fileName: ['name', textProblem],
  line: ['line', (column, value) => integerProblem(column, value, 1)],
};

/** The problems of a row read from `calls` (whichever of its columns the reader selected). */
export function callProblem(row: Record<string, unknown>): ValueProblem {
  // Once per call of a month-wide read: no array made unless a value is wrong.
  let found: string[] | null = null;
  for (const key in row) {
    const entry = CALL_COLUMNS[key];
    if (entry === undefined) continue;
    const problem = entry[1](entry[0], row[key]);
    if (problem !== null) (found ??= []).push(problem);
  }
  return found === null ? null : found.join('; ');
}

/** The column of calls a reader's field name stands for (`chargeScaled`: charge_scaled). */
export function callColumn(name: string): string {
  const entry = CALL_COLUMNS[name];
  if (entry === undefined) throw new Error(`no column of calls is read as ${name}`);
  return entry[0];
}

/**
 * callProblem for rows read as arrays: the checks of `names` (the readers' field names, in the
 * order of the values from `offset` on), looked up once for a whole read instead of per row.
 */
export function callValuesCheck(names: readonly string[], offset: number): (values: unknown[]) => ValueProblem {
  const checks = names.map((name) => CALL_COLUMNS[name]);
  return (values) => {
    let found: string[] | null = null;
    for (let index = 0; index < checks.length; index += 1) {
      const entry = checks[index];
      if (entry === undefined) continue;
      const problem = entry[1](entry[0], values[index + offset]);
      if (problem !== null) (found ??= []).push(problem);
    }
    return found === null ? null : found.join('; ');
  };
}

export function callKey(row: Record<string, unknown>): string {
  return `call ${keyText(row.recordId)}`;
}

/** For a reader that must not go on with a damaged row (a statement, a re-rate, an export): a failed run. */
export function damagedRowError(storePath: string, key: string, problem: string): StoreFailedError {
  return new StoreFailedError(
    `cannot read the store ${storePath}: its row ${key} is damaged (${problem}); \`meisai reconcile\` shows the damage; restore the store from a backup`,
  );
}

/**
 * A whole number read back from a store column (PostgreSQL's driver returns a BIGINT as decimal
 * text): the number, or a failed run naming the column when the value is not a safe integer —
 * never a number rounded on the way.
 */
export function storedInteger(storePath: string, column: string, value: unknown): number {
  const number = typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value;
  const problem = integerProblem(column, number);
  if (problem !== null) throw damagedRowError(storePath, column, problem);
  return number as number;
}

/** The call rows as read, or a failed run naming the first damaged one. */
export function readableCalls<T>(storePath: string, rows: T[]): T[] {
  for (const row of rows) {
    const problem = callProblem(row as Record<string, unknown>);
    if (problem !== null) throw damagedRowError(storePath, callKey(row as Record<string, unknown>), problem);
  }
  return rows;
}
