import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Statement } from '../statement/statement';
import { renderSummary, summariseWindow } from './summary';
import { windowMonths } from './window';

const seed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'seed-2011-04.expected.json'), 'utf8'))
  .statement as Statement;
const WINDOW = windowMonths('2011-04', 7);

describe('the window at a glance', () => {
  const months = summariseWindow(WINDOW, new Map([['2011-04', seed]]));

  test('lists the window oldest first; a month without a statement is all zeros', () => {
    expect(months.map((month) => month.month)).toEqual([...WINDOW].reverse());
    expect(months[0]).toEqual({
      month: '2010-10',
      statement: false,
      charges: { general: '0', international: '0', mobile: '0', ip: '0', phs: '0' },
      total: '0',
      chakuwari: '0',
    });
  });

  test("a month's charges are its statement's call rows and add up to its total row", () => {
    const april = months.at(-1)!;
    // 一般 10,240 + 国際 96,870 + 携帯 7,680 + IP 0 + PHS 15,300 = 130,090 yen
    expect(april).toEqual({
      month: '2011-04',
      statement: true,
      charges: { general: '10240', international: '96870', mobile: '7680', ip: '0', phs: '15300' },
      total: '130090',
      chakuwari: '-1174',
    });
    expect(Object.values(april.charges).reduce((sum, charge) => sum + Number.parseInt(charge, 10), 0)).toBe(130_090);
  });

  test('the SVG draws one bar piece per non-zero charge, the pieces of a month add up to its total, and the figures are in a table', () => {
    const html = renderSummary(months);
    const pieces = [...html.matchAll(/data-month="2011-04" data-type="(\w+)" data-yen="(\d+)"/g)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(pieces).toEqual([
      ['general', '10240'],
      ['international', '96870'],
      ['mobile', '7680'],
      ['phs', '15300'],
    ]);
    expect(pieces.reduce((sum, [, yen]) => sum + Number.parseInt(yen!, 10), 0)).toBe(130_090);
    expect(html).toContain('<polyline class="chakuwari"');
    expect(html).toContain(
      '<th scope="row">2011年4月分</th><td class="number">10,240</td><td class="number">96,870</td><td class="number">7,680</td><td class="number">0</td><td class="number">15,300</td><td class="number">130,090</td><td class="number">-1,174</td>',
    );
    expect(html).not.toContain('<script');
  });

  test('a month whose total is past 2^53 scaled yen draws and labels it exactly', () => {
    // 1,000,000,000,016.0001 yen = 10,000,000,000,160,001 scaled yen > 2^53 (9,007,199,254,740,992)
    const huge = {
      month: '2011-04',
      statement: true,
      charges: { general: '1000000000000', international: '0', mobile: '16.0001', ip: '0', phs: '0' },
      total: '1000000000016.0001',
      chakuwari: '0',
    };
    const html = renderSummary([huge]);
    expect(html).toContain('>1,000,000,000,016円</text>');
    expect(html).toContain('<td class="number">1,000,000,000,016.0001</td>');
  });

  test('the axis names the months as the heading does (2011年4月), with the legend beside the chart', () => {
    const html = renderSummary(months);
    const labels = [...html.matchAll(/<text class="axis-month"[^>]*>(.*?)<\/text>/g)].map((match) =>
      match[1]!.replace(/<[^>]+>/g, ''),
    );
    expect(labels).toEqual([
      '2010年10月',
      '2010年11月',
      '2010年12月',
      '2011年1月',
      '2011年2月',
      '2011年3月',
      '2011年4月',
    ]);
    expect(html).not.toMatch(/>20\d\d-\d\d</);
    expect(html).toContain('<ul class="legend">');
  });

  test('a long window labels at most eight months on the axis, always the newest', () => {
    const long = summariseWindow(windowMonths('2011-04', 24), new Map());
    const labels = [...renderSummary(long).matchAll(/<text class="axis-month"/g)];
    expect(labels.length).toBeLessThanOrEqual(9);
    expect(renderSummary(long)).toContain('<tspan x="');
  });
});
