import type { DoubleBilled } from './types';

/**
 * The one duplicate rule of both engines, as pure month arithmetic.
 *
 * A record_id seen before — stored by an earlier file or delivery, or earlier in the same file at
 * any distance — is a duplicate (same content) or a CONFLICT (other content) when the earlier
 * sighting's start falls in the same month (Japan time) as this one's, or in the month on either
 * side. A re-send whose start was corrected across a month end (23:59:50 on 30 April → 00:00:10 on
 * 1 May) is therefore caught; the same record_id with starts two or more months apart is two calls.
 *
 * The bound keeps each look-up to three months of keys (SQLite: three months' key tables;
 * PostgreSQL: the record_ids rows of two buckets, see `duplicateBuckets`), whatever the store's size.
 */

/** A month `YYYY-MM` as a count of months since year 0 (2011-04 → 2011 × 12 + 3). */
export function monthNumber(month: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (match === null) throw new Error(`not a month: ${month}`);
  const monthOfYear = Number(match[2]);
  if (monthOfYear < 1 || monthOfYear > 12) throw new Error(`not a month: ${month}`);
  return Number(match[1]) * 12 + monthOfYear - 1;
}

/** The month `YYYY-MM` of a month number (the inverse of monthNumber). */
export function monthOfNumber(number: number): string {
  return `${String(Math.floor(number / 12)).padStart(4, '0')}-${String((number % 12) + 1).padStart(2, '0')}`;
}

/** The months whose stored calls a call of this month of start is checked against: the month before, it, the month after. */
export function duplicateScopeMonths(month: string): string[] {
  const number = monthNumber(month);
  return [monthOfNumber(number - 1), month, monthOfNumber(number + 1)];
}

/** Whether two sightings of one record_id, by their months of start, are the same call under the rule. */
export function inDuplicateScope(month: string, otherMonth: string): boolean {
  return Math.abs(monthNumber(month) - monthNumber(otherMonth)) <= 1;
}

/**
 * The buckets a call of this month occupies in a unique index on (record_id, bucket): its month
 * number and the next. Two calls' buckets meet exactly when their months are at most one apart
 * ({m, m+1} ∩ {n, n+1} ≠ ∅ ⇔ |m − n| ≤ 1), so the index refuses the second of two sightings
 * in scope, and a look-up for month m reads buckets m and m+1 (they hold the calls of m−1, m, m+1).
 */
export function duplicateBuckets(month: string): [number, number] {
  const number = monthNumber(month);
  return [number, number + 1];
}

/**
 * Of the earlier sightings in scope of one record_id (from the store, or this file), the one a new
 * sighting is settled against: one with the same content if there is one (a duplicate), else the
 * earliest month's (whose file and line a CONFLICT names). Deterministic, so both engines agree.
 */
export function settlingSighting<T extends { month: string }>(
  sightings: T[],
  sameContent: (sighting: T) => boolean,
): T | undefined {
  const same = sightings.find(sameContent);
  if (same !== undefined) return same;
  let earliest: T | undefined;
  for (const sighting of sightings) if (earliest === undefined || sighting.month < earliest.month) earliest = sighting;
  return earliest;
}

/**
 * Reconcile's finding from every stored call of some record_ids within a month's scope: those
 * stored twice or more with one of them in the month, in record_id order, each's calls by month,
 * file name and line (the same on both engines).
 */
export function doubleBilledOf(byRecord: Map<string, DoubleBilled['calls']>, month: string): DoubleBilled[] {
  const found: DoubleBilled[] = [];
  for (const [recordId, calls] of byRecord) {
    if (calls.length < 2 || !calls.some((call) => call.month === month)) continue;
    calls.sort(
      (left, right) =>
        compareText(left.month, right.month) || compareText(left.fileName, right.fileName) || left.line - right.line,
    );
    found.push({ recordId, calls });
  }
  return found.sort((left, right) => compareText(left.recordId, right.recordId));
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
