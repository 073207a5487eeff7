/**
 * A PostgreSQL array literal (`{"a","b"}`, `{1,2}`) of values without NULLs, for a `$n::text[]` or
 * `$n::bigint[]` parameter. node-postgres escapes each element of an array with two regular
 * expressions; the totals and key look-ups of a file send millions of elements, most of which
 * need no escaping at all.
 */
const NEEDS_ESCAPE = /[\\"]/;

export function textArray(values: readonly string[]): string {
  let literal = '{';
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]!;
    if (index > 0) literal += ',';
    literal += `"${NEEDS_ESCAPE.test(value) ? value.replace(/[\\"]/g, '\\$&') : value}"`;
  }
  return `${literal}}`;
}

/** Exact integers only (meisai stores no other numbers). */
export function integerArray(values: readonly number[]): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new Error(`not an exact integer: ${value}`);
  }
  return `{${values.join(',')}}`;
}
