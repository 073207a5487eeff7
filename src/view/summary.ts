import { formatScaledYen, parseYenAmountExact, YEN_SCALE } from '../money/scaledYen';
import { CALL_TYPE_LABELS, CALL_TYPES, CallType } from '../numbering/callType';
import { escapeHtml } from '../statement/renderHtml';
import { formatMoney, formatStatementMonth } from '../statement/renderText';
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
    return {
      month,
      statement: true,
      charges,
      total: statement.allNumbers.total.charge,
      chakuwari: statement.allNumbers.chakuwari.discount,
    };
  });
}

const COLOURS: Record<CallType, string> = {
  general: '#4e79a7',
  international: '#f28e2b',
  mobile: '#59a14f',
  ip: '#b07aa1',
  phs: '#edc948',
};
/** The drawing's own units: the SVG scales to the width it is given (a phone's 340 px or a desk's 600). */
const WIDTH = 480;
const HEIGHT = 240;
const LEFT = 72;
const BOTTOM = 40;
const TOP = 16;
const FONT = 12;
/** The most month labels the axis carries; a longer window labels every second (third…) month. */
const MAX_LABELS = 8;

/** "2011-04" → "2011年4月", the heading's 2011年4月分 without 分. */
export function formatAxisMonth(month: string): string {
  return formatStatementMonth(month).replace(/分$/, '');
}

/**
 * The window as a stacked bar chart (charges by call type) with the 着割 line, drawn as SVG on
 * the server (the page needs no script), a legend, and the same figures in a table for screen
 * readers and for checking. Heights are proportional to exact yen (integer arithmetic scaled to pixels).
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
  const barWidth = Math.min(40, slot * 0.6);
  const labelEvery = Math.ceil(months.length / MAX_LABELS);
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
        `<rect class="bar ${type}" data-month="${month.month}" data-type="${type}" data-yen="${month.charges[type]}" x="${x.toFixed(1)}" y="${y(base + amount).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + amount)).toFixed(1)}" fill="${COLOURS[type]}"><title>${escapeHtml(`${formatStatementMonth(month.month)} ${CALL_TYPE_LABELS[type]} ${formatMoney(month.charges[type])}円`)}</title></rect>`,
      );
      base += amount;
    }
    const centre = (x + barWidth / 2).toFixed(1);
    linePoints.push(`${centre},${y(yen(month.chakuwari)).toFixed(1)}`);
    if (index % labelEvery !== 0 && index !== months.length - 1) return;
    // Two lines (2011年 over 4月), so that seven months fit a phone's width; read as one: 2011年4月.
    const [year, monthOfYear] = formatAxisMonth(month.month).split('年') as [string, string];
    shapes.push(
      `<text class="axis-month" x="${centre}" y="${HEIGHT - BOTTOM + FONT + 2}" text-anchor="middle" font-size="${FONT}"><tspan x="${centre}">${escapeHtml(`${year}年`)}</tspan><tspan x="${centre}" dy="${FONT + 2}">${escapeHtml(monthOfYear)}</tspan></text>`,
    );
  });
  const svg = [
    `<svg class="summary" role="img" aria-label="${escapeHtml('ご利用料金の推移（通話種別ごと、着割）')}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`,
    `<line x1="${LEFT}" y1="${TOP + plotHeight}" x2="${WIDTH}" y2="${TOP + plotHeight}" stroke="#888"/>`,
    `<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end" font-size="${FONT}">${escapeHtml(`${formatMoney(formatScaledYen(highestScaled))}円`)}</text>`,
    `<text x="${LEFT - 6}" y="${TOP + plotHeight}" text-anchor="end" font-size="${FONT}">0</text>`,
    ...shapes,
    `<polyline class="chakuwari" points="${linePoints.join(' ')}" fill="none" stroke="#e15759" stroke-width="2"><title>着割</title></polyline>`,
    '</svg>',
  ];
  const legend = [
    ...CALL_TYPES.map(
      (type) =>
        `<li><span class="swatch" style="background: ${COLOURS[type]}"></span>${escapeHtml(CALL_TYPE_LABELS[type])}</li>`,
    ),
    '<li><span class="swatch line" style="background: #e15759"></span>着割</li>',
  ];
  const header = ['ご確認月', ...CALL_TYPES.map((type) => CALL_TYPE_LABELS[type]), '合計', '着割'];
  const amountCell = (amount: string): string => `<td class="number">${escapeHtml(formatMoney(amount))}</td>`;
  const rows = months.map(
    (month) =>
      `<tr><th scope="row">${escapeHtml(formatStatementMonth(month.month))}</th>${CALL_TYPES.map((type) => amountCell(month.charges[type])).join('')}${amountCell(month.total)}${amountCell(month.chakuwari)}</tr>`,
  );
  const table = [
    // The figures scroll inside their own box on a narrow screen; the page itself never scrolls sideways.
    '<div class="scroll">',
    '<table class="summary-figures"><caption>ご利用料金の推移（円）</caption>',
    `<thead><tr>${header.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table>`,
    '</div>',
  ];
  return [...svg, `<ul class="legend">${legend.join('')}</ul>`, ...table].join('\n');
}
