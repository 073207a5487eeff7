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
