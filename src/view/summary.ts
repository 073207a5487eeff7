import { formatScaledYen, parseYenAmountExact, YEN_SCALE } from '../money/scaledYen';
import { CALL_TYPE_LABELS, CALL_TYPES, CallType } from '../rate/callType';
import { escapeHtml } from '../statement/renderHtml';
import { formatStatementMonth } from '../statement/renderText';
import { Statement } from '../statement/statement';

/** One month of the window at a glance: the all-number charges by call type, the total, the 着割. */
export interface MonthSummary {
  month: string;
  /** False: no statement for the month (every figure 0). */
  statement: boolean;
  /** Whole yen, as the statement prints them. */
  charges: Record<CallType, string>;
  total: string;
  /** Negative or "0", as the statement's 着割 row. */
  chakuwari: string;
}

/**
 * The window's months, oldest first, from their statements (a month without one is all zeros).
 * Every month's charges add up to its statement's total row: they are its call rows.
 */
export function summariseWindow(window: string[], statements: Map<string, Statement>): MonthSummary[] {
  return [...window].reverse().map((month) => {
    const statement = statements.get(month);
    const charges = Object.fromEntries(CALL_TYPES.map((type) => [type, '0'])) as Record<CallType, string>;
    if (statement === undefined) return { month, statement: false, charges, total: '0', chakuwari: '0' };
    for (const row of statement.allNumbers.calls) charges[row.type] = row.charge;
    return { month, statement: true, charges, total: statement.allNumbers.total.charge, chakuwari: statement.allNumbers.chakuwari.discount };
  });
}

const COLOURS: Record<CallType, string> = { general: '#4e79a7', international: '#f28e2b', mobile: '#59a14f', ip: '#b07aa1', phs: '#edc948' };
const WIDTH = 720;
const HEIGHT = 260;
const LEFT = 70;
const BOTTOM = 40;
const TOP = 20;

/**
 * The window as a stacked bar chart (charges by call type) with the 着割 line, drawn as SVG on
 * the server (the page needs no script), and the same figures in a table for screen readers and
 * for checking. Heights are proportional to exact yen (integer arithmetic scaled to pixels).
 */
export function renderSummary(months: MonthSummary[]): string {
  // Exact scaled yen at any size (an all-number total may pass 2^53); a float only for the geometry.
  const magnitude = (text: string): bigint => {
    const scaled = parseYenAmountExact(text);
    return scaled < 0n ? -scaled : scaled;
  };
  const yen = (text: string): number => Number(magnitude(text)) / YEN_SCALE;
  const highestScaled = months
    .flatMap((month) => [magnitude(month.total), magnitude(month.chakuwari)])
    .reduce((highestSoFar, amount) => (amount > highestSoFar ? amount : highestSoFar), BigInt(YEN_SCALE));
  const highest = Number(highestScaled) / YEN_SCALE;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT) / Math.max(1, months.length);
  const barWidth = Math.min(60, slot * 0.6);
  const y = (amount: number): number => TOP + plotHeight - (amount / highest) * plotHeight;
  const shapes: string[] = [];
  const linePoints: string[] = [];
  months.forEach((month, index) => {
    const x = LEFT + slot * index + (slot - barWidth) / 2;
    let base = 0;
    for (const type of CALL_TYPES) {
      const amount = yen(month.charges[type]);
      if (amount === 0) continue;
      shapes.push(
        `<rect class="bar ${type}" data-month="${month.month}" data-type="${type}" data-yen="${month.charges[type]}" x="${x.toFixed(1)}" y="${y(base + amount).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + amount)).toFixed(1)}" fill="${COLOURS[type]}"><title>${escapeHtml(`${formatStatementMonth(month.month)} ${CALL_TYPE_LABELS[type]} ${month.charges[type]}円`)}</title></rect>`,
      );
      base += amount;
    }
    linePoints.push(`${(x + barWidth / 2).toFixed(1)},${y(yen(month.chakuwari)).toFixed(1)}`);
    shapes.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">${escapeHtml(month.month)}</text>`);
  });
  const legend = CALL_TYPES.map(
    (type, index) => `<rect x="${LEFT + index * 110}" y="${HEIGHT - 14}" width="10" height="10" fill="${COLOURS[type]}"/><text x="${LEFT + index * 110 + 14}" y="${HEIGHT - 5}" font-size="11">${escapeHtml(CALL_TYPE_LABELS[type])}</text>`,
  );
  const svg = [
    `<svg class="summary" role="img" aria-label="${escapeHtml('ご利用料金の推移（通話種別ごと、着割）')}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<line x1="${LEFT}" y1="${TOP + plotHeight}" x2="${WIDTH}" y2="${TOP + plotHeight}" stroke="#888"/>`,
    `<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end" font-size="11">${escapeHtml(`${formatScaledYen(highestScaled)}円`)}</text>`,
    `<text x="${LEFT - 6}" y="${TOP + plotHeight}" text-anchor="end" font-size="11">0</text>`,
    ...shapes,
    `<polyline class="chakuwari" points="${linePoints.join(' ')}" fill="none" stroke="#e15759" stroke-width="2"><title>着割</title></polyline>`,
    ...legend,
    '</svg>',
  ];
  const header = ['ご確認月', ...CALL_TYPES.map((type) => CALL_TYPE_LABELS[type]), '合計', '着割'];
  const rows = months.map(
    (month) =>
      `<tr><th scope="row">${escapeHtml(formatStatementMonth(month.month))}</th>${CALL_TYPES.map((type) => `<td>${escapeHtml(month.charges[type])}</td>`).join('')}<td>${escapeHtml(month.total)}</td><td>${escapeHtml(month.chakuwari)}</td></tr>`,
  );
  const table = [
    '<table class="summary-figures"><caption>ご利用料金の推移（円）</caption>',
    `<thead><tr>${header.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table>`,
  ];
  return [...svg, ...table].join('\n');
}
