import { isCallType } from '../rate/callType';

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
  return values.map((value) => (typeof value === 'string' ? (value.length > 40 ? `${value.slice(0, 40)}…` : value) : describeValue(value))).join(' ');
}

export function integerProblem(column: string, value: unknown, minimum = Number.MIN_SAFE_INTEGER): ValueProblem {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `${column} is ${describeValue(value)}, below ${minimum}`;
  return `${column} is ${describeValue(value)}, not an integer`;
}

export function textProblem(column: string, value: unknown): ValueProblem {
  return typeof value === 'string' ? null : `${column} is ${describeValue(value)}, not a text`;
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
    textProblem('contract_id', row.contractId),
    textProblem('month', row.month),
    textProblem('number', row.number),
    typeof row.type === 'string' && isCallType(row.type) ? null : `call_type ${typeof row.type === 'string' ? `'${keyText(row.type)}'` : describeValue(row.type)} is not a call type`,
    integerProblem('calls', row.calls, 0),
    integerProblem('duration_tenths', row.durationTenths, 0),
    integerProblem('charge_scaled', row.chargeScaled),
  );
}

export function chakuwariTotalProblem(row: Record<string, unknown>): ValueProblem {
  return problems(
    textProblem('contract_id', row.contractId),
    textProblem('month', row.month),
    textProblem('number', row.number),
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
