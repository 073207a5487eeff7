import { readFileSync } from 'node:fs';
import { NumberTypeTotal } from '../aggregate/monthlyTotals';
import { YEN_SCALE } from '../money/scaledYen';
import { CallType } from '../numbering/callType';
import { Tariff } from '../tariff/tariff';
import { buildStatement } from './buildStatement';
import { escapeHtml, renderHtml } from './renderHtml';
import { Statement } from './statement';

const CONTRACT = 'N000000001';
const MONTH = '2011-04';
const tariff = new Tariff(JSON.parse(readFileSync('data/tariffs/reference-2006-12.json', 'utf8')));

function typeTotal(
  number: string,
  type: CallType,
  calls: number,
  durationTenths: number,
  chargeYen: number,
): NumberTypeTotal {
  return {
    contractId: CONTRACT,
    month: MONTH,
    number,
    type,
    calls,
    durationTenths,
    chargeScaled: chargeYen * YEN_SCALE,
    chargeRemainderParts: 0,
  };
}

/**
 * Two numbers: 1096 general calls for 10,240 yen on the first, 600 international for 96,870 on
 * the second; 着割 on the first only, 140863 s / 60 × 0.5 = 1173.86 → 1,174 (under its 10,240).
 */
function twoNumberStatement(contractId = CONTRACT): Statement {
  return buildStatement({
    contractId,
    month: MONTH,
    revision: 1,
    tariff,
    typeTotals: [
      typeTotal('05012345678', 'general', 1096, 1037935, 10240),
      typeTotal('05087654321', 'international', 600, 1980600, 96870),
    ],
    chakuwariTotals: [
      { contractId, month: MONTH, number: '05012345678', calls: 3016, durationTenths: 1408630, durationMs: 140863000 },
    ],
  });
}

function sectionOf(html: string, scope: string): string {
  const start = html.indexOf(`<h2>ご利用明細(${scope})</h2>`);
  if (start < 0) throw new Error(`no section ${scope}`);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('renderHtml', () => {
  it('is a self-contained UTF-8 HTML5 page titled 050IP電話利用明細', () => {
    const html = renderHtml(twoNumberStatement());
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(html).toContain('<title>050IP電話利用明細</title>');
    expect(html).toContain('<h1>050IP電話利用明細</h1>');
    expect(html.endsWith('</html>\n')).toBe(true);
  });

  it('has no script, no external resource and no link of any kind', () => {
    const html = renderHtml(twoNumberStatement()).toLowerCase();
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/https?:|\/\/|src=|href=|<link|@import|url\(/);
  });

  it('shows the contract, the month as ご確認月, and the notes', () => {
    const html = renderHtml(twoNumberStatement());
    expect(html).toContain('<span class="field">ご契約番号</span><span class="value">N000000001</span>');
    expect(html).toContain('<span class="field">ご確認月</span><span class="value">2011年4月分</span>');
    expect(html).toContain('<p>ご利用になった合計通話数と合計通話時間です。</p>');
    expect(html).toContain('<p>通話料金に消費税は含まれておりません。</p>');
  });

  it('lays the table out like the seed: the scope over all seven rows, 通話 over the five call rows', () => {
    const section = sectionOf(renderHtml(twoNumberStatement()), '全番号合計');
    expect(section).toContain(
      '<thead><tr><th scope="col"></th><th scope="col">明細種別</th><th scope="col">通話種別</th><th scope="col">通話数</th>' +
        '<th scope="col">通話時間 (時-分-秒)</th><th scope="col">通話料金 (円)</th></tr></thead>',
    );
    const rows = section.split('\n').filter((line) => line.startsWith('<tr>'));
    expect(rows).toEqual([
      '<tr><th scope="rowgroup" rowspan="7">全番号合計</th><th scope="rowgroup" rowspan="5">通話</th><td>一般通話</td><td class="number">1096</td><td class="number">28:49:53.5</td><td class="number">10,240</td></tr>',
      '<tr><td>国際通話</td><td class="number">600</td><td class="number">55:01:00.0</td><td class="number">96,870</td></tr>',
      '<tr><td>携帯通話</td><td class="number">0</td><td class="number">0:00:00.0</td><td class="number">0</td></tr>',
      '<tr><td>IP通話</td><td class="number">0</td><td class="number">0:00:00.0</td><td class="number">0</td></tr>',
      '<tr><td>PHS通話</td><td class="number">0</td><td class="number">0:00:00.0</td><td class="number">0</td></tr>',
      '<tr><th scope="row">合計</th><td></td><td class="number">1696</td><td class="number">83:50:53.5</td><td class="number">107,110</td></tr>',
      '<tr><th scope="row">着割</th><td>着割対象通話</td><td class="number">3016</td><td class="number">39:07:43.0</td><td class="number">-1,174</td></tr>',
    ]);
  });

  it('right-aligns the figures by their class', () => {
    expect(renderHtml(twoNumberStatement())).toMatch(/td\.number \{ text-align: right;/);
  });

  it('follows with one table per number, headed 050-XXXX-XXXX, and the footnotes once at the end', () => {
    const html = renderHtml(twoNumberStatement());
    const headings = html.split('\n').filter((line) => line.startsWith('<h2>'));
    expect(headings).toEqual([
      '<h2>ご利用明細(全番号合計)</h2>',
      '<h2>ご利用明細(050-1234-5678)</h2>',
      '<h2>ご利用明細(050-8765-4321)</h2>',
    ]);
    expect(sectionOf(html, '050-8765-4321')).toContain('<th scope="rowgroup" rowspan="7">050-8765-4321</th>');
    expect(sectionOf(html, '050-8765-4321')).toContain('<td class="number">0</td></tr>\n</tbody>'); // no 着割: zero discount
    expect(html.split('*着割対象通話: 着割の割引額の計算対象となった着信通話です。')).toHaveLength(2);
    expect(html.indexOf('*着割の最大割引額: 通話料金を上限として割引を適用します。')).toBeGreaterThan(
      html.lastIndexOf('</table>'),
    );
  });

  it('escapes a hostile string wherever it appears', () => {
    const hostile = '<script>alert("x")</script>&\'';
    // The renderer must escape whatever the statement holds, even a contract id no store would accept.
    const statement = { ...twoNumberStatement(), contract: hostile };
    statement.allNumbers.calls[0]!.label = `<img src=x onerror=alert(1)>`;
    const html = renderHtml(statement);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(html).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
  });
});

describe('renderHtml layout', () => {
  const styleOf = (html: string): string => html.slice(html.indexOf('<style>'), html.indexOf('</style>'));

  it('names a Japanese font stack, so the page does not draw boxes where the default font has no kanji', () => {
    const style = styleOf(renderHtml(twoNumberStatement()));
    const body = /body \{[^}]*font-family: ([^;]+);/.exec(style);
    expect(body).not.toBeNull();
    const fonts = body![1]!.split(',').map((font) => font.trim());
    expect(fonts).toEqual([
      '"Hiragino Kaku Gothic ProN"',
      '"Hiragino Sans"',
      '"Yu Gothic"',
      'Meiryo',
      '"Noto Sans CJK JP"',
      '"Noto Sans JP"',
      'sans-serif',
    ]);
  });

  it('gives every table one width and fixed column widths, so the sections line up', () => {
    const html = renderHtml(twoNumberStatement());
    const style = styleOf(html);
    const table = /(?:^|\n)table \{([^}]*)\}/.exec(style);
    expect(table).not.toBeNull();
    expect(table![1]).toMatch(/width: \d+(\.\d+)?em;/);
    expect(table![1]).toContain('table-layout: fixed;');
    const columns = [...html.matchAll(/<col class="([a-z-]+)">/g)].map((match) => match[1]!);
    const tables = html.match(/<table>/g)!.length;
    expect(tables).toBe(3);
    // the same six columns in each table, each with a width in the style
    expect(columns).toHaveLength(6 * tables);
    const firstTable = columns.slice(0, 6);
    for (let index = 0; index < tables; index += 1) expect(columns.slice(index * 6, index * 6 + 6)).toEqual(firstTable);
    const widths = firstTable.map((column) => {
      const rule = new RegExp(`col\\.${column} \\{ width: (\\d+)%; \\}`).exec(style);
      expect(rule).not.toBeNull();
      return Number(rule![1]);
    });
    expect(widths.reduce((sum, width) => sum + width, 0)).toBe(100);
  });
});

describe('escapeHtml', () => {
  it.each([
    ['plain 一般通話', 'plain 一般通話'],
    ['a & b', 'a &amp; b'],
    ['<b>', '&lt;b&gt;'],
    ['"quoted"', '&quot;quoted&quot;'],
    ["it's", 'it&#39;s'],
    ['&amp;', '&amp;amp;'], // already escaped text is escaped again, not trusted
  ])('turns %j into %j', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });
});
