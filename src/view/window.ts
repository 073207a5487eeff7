import { japanMonth } from '../time/japanTime';

/** The months the portal shows, newest first: `end` and the `length - 1` months before it. */
export function windowMonths(end: string, length: number): string[] {
  const [year, month] = end.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let index = 0; index < length; index += 1) {
    const total = year * 12 + (month - 1) - index;
    months.push(`${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

/** The current month in Japan time. */
export function currentJapanMonth(nowMs = Date.now()): string {
  return japanMonth(nowMs);
}

/**
 * How the window is chosen: `months` fixed by --window-end, or the `length` months up to the
 * current Japan-time month, looked at again on every request (a server left running moves on).
 */
export type WindowRule = string[] | { length: number; now?: () => number };

/**
 * The months a contract's page and API show, newest first. A fixed window is kept as given. The
 * default window ends at the current month; when the contract has no month with figures in it
 * but has some before or after, it ends at the contract's newest month with figures instead, so
 * the page opens on the data rather than on empty months.
 */
export function contractWindow(rule: WindowRule, storedMonths: readonly string[]): string[] {
  if (Array.isArray(rule)) return rule;
  const current = windowMonths(currentJapanMonth(rule.now?.()), rule.length);
  const newest = storedMonths[0];
  if (newest === undefined || storedMonths.some((month) => current.includes(month))) return current;
  return windowMonths(newest, rule.length);
}
