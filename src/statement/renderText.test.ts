import { buildStatement } from './buildStatement';
import { displayWidth, formatMoney, formatStatementMonth, formatSubscriberNumber, renderText } from './renderText';
import { Statement } from './statement';
import {
  CONTRACT,
  FIRST_NUMBER,
  referenceTariff as tariff,
  seedSplitStatement,
  typeTotal,
} from '../test-support/seedSplitStatement';

/** One number with general calls only, no 着割: four zero rows and a zero discount. */
function generalOnlyStatement(): Statement {
  return buildStatement({
    contractId: CONTRACT,
    month: '2011-12',
    revision: 1,
    tariff,
    typeTotals: [{ ...typeTotal(FIRST_NUMBER, 'general', 3, 1805, 24), month: '2011-12' }],
    chakuwariTotals: [],
  });
}

/** The lines from the heading `ご利用明細(scope)` to the table's closing rule. */
function sectionOf(text: string, scope: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(`ご利用明細(${scope})`);
  if (start < 0) throw new Error(`no section ${scope}`);
  const end = lines.indexOf('', start);
  return lines.slice(start, end).join('\n');
}

function tableLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('+') || line.startsWith('|'));
}

describe('renderText', () => {
  it("prints the seed's all-number table with a total that foots (109:54:23.5, not the seed's 119:54:23.5)", () => {
    const expected = [
      'ご利用明細(全番号合計)',
      'ご利用になった合計通話数と合計通話時間です。',
      '通話料金に消費税は含まれておりません。',
      '+----------+--------------+--------+---------------------+---------------+',
      '| 明細種別 | 通話種別     | 通話数 | 通話時間 (時-分-秒) | 通話料金 (円) |',
      '+----------+--------------+--------+---------------------+---------------+',
      '| 通話     | 一般通話     |   1096 |          28:49:53.5 |        10,240 |',
      '|          | 国際通話     |    600 |          55:01:00.0 |        96,870 |',
      '|          | 携帯通話     |    330 |           4:40:45.0 |         7,680 |',
      '|          | IP通話       |    480 |          10:27:15.0 |             0 |',
      '|          | PHS通話      |    510 |          10:55:30.0 |        15,300 |',
      '+----------+--------------+--------+---------------------+---------------+',
      '| 合計     |              |   3016 |         109:54:23.5 |       130,090 |',
      '+----------+--------------+--------+---------------------+---------------+',
      '| 着割     | 着割対象通話 |   3016 |          39:07:43.0 |        -1,174 |',
      '+----------+--------------+--------+---------------------+---------------+',
    ].join('\n');
    expect(sectionOf(renderText(seedSplitStatement()), '全番号合計')).toBe(expected);
  });

  it('opens with the contract and the month as ご確認月 shows it', () => {
    expect(renderText(seedSplitStatement()).split('\n')[0]).toBe('ご契約番号 N000000001  ご確認月 2011年4月分');
    expect(renderText(generalOnlyStatement()).split('\n')[0]).toBe('ご契約番号 N000000001  ご確認月 2011年12月分');
  });

  it('prints one table per number after the all-number table, headed 050-XXXX-XXXX, in number order', () => {
    const text = renderText(seedSplitStatement());
    const headings = text.split('\n').filter((line) => line.startsWith('ご利用明細('));
    expect(headings).toEqual(['ご利用明細(全番号合計)', 'ご利用明細(050-1234-5678)', 'ご利用明細(050-8765-4321)']);
    // 583 yen of 着割 for the first number, 591 for the second
    expect(sectionOf(text, '050-1234-5678')).toContain(
      '| 着割     | 着割対象通話 |   1500 |          19:26:40.0 |          -583 |',
    );
    expect(sectionOf(text, '050-8765-4321')).toContain(
      '| 着割     | 着割対象通話 |   1516 |          19:41:03.0 |          -591 |',
    );
  });

  it('shows zero rows for call types without calls, and a zero discount without 着割 calls', () => {
    const section = sectionOf(renderText(generalOnlyStatement()), '050-1234-5678');
    expect(section).toContain('| 通話     | 一般通話     |      3 |           0:03:00.5 |            24 |');
    expect(section).toContain('|          | 国際通話     |      0 |           0:00:00.0 |             0 |');
    expect(section).toContain('|          | 携帯通話     |      0 |           0:00:00.0 |             0 |');
    expect(section).toContain('|          | IP通話       |      0 |           0:00:00.0 |             0 |');
    expect(section).toContain('|          | PHS通話      |      0 |           0:00:00.0 |             0 |');
    expect(section).toContain('| 着割     | 着割対象通話 |      0 |           0:00:00.0 |             0 |');
  });

  it('gives every line of every table the same display width, wide characters counted twice', () => {
    for (const statement of [seedSplitStatement(), generalOnlyStatement()]) {
      const widths = new Set(tableLines(renderText(statement)).map(displayWidth));
      expect(widths).toEqual(new Set([74]));
    }
  });

  it('widens a column for a cell wider than its heading, counting wide characters, in every table', () => {
    const statement = seedSplitStatement();
    statement.allNumbers.calls[1]!.label = '国際通話（米国・カナダ）';
    statement.allNumbers.total.charge = '123456789012';
    statement.allNumbers.total.count = 12345678;
    const lines = tableLines(renderText(statement));
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
    expect(lines).toContain(
      '|          | 国際通話（米国・カナダ） |      600 |          55:01:00.0 |          96,870 |',
    );
    expect(lines).toContain(
      '| 合計     |                          | 12345678 |         109:54:23.5 | 123,456,789,012 |',
    );
    expect(lines).toContain(
      '| 着割     | 着割対象通話             |     1500 |          19:26:40.0 |            -583 |',
    );
  });

  it('prints the footnotes once, at the end, with a single trailing newline', () => {
    const text = renderText(seedSplitStatement());
    expect(
      text.endsWith(
        '\n*着割対象通話: 着割の割引額の計算対象となった着信通話です。\n*着割の最大割引額: 通話料金を上限として割引を適用します。\n',
      ),
    ).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('*着割対象通話:').length - 1).toBe(1);
  });

  it('is deterministic and leaves the statement unchanged', () => {
    const statement = seedSplitStatement();
    const before = structuredClone(statement);
    expect(renderText(statement)).toBe(renderText(seedSplitStatement()));
    expect(statement).toEqual(before);
  });
});

describe('formatMoney', () => {
  it.each([
    ['0', '0'],
    ['999', '999'],
    ['1000', '1,000'],
    ['130090', '130,090'],
    ['-1174', '-1,174'],
    ['-999', '-999'],
    ['1234567', '1,234,567'],
    ['1234567.25', '1,234,567.25'],
    ['-0.5', '-0.5'],
    ['10240.0000', '10,240.0000'],
  ])('prints %s as %s', (amount, shown) => {
    expect(formatMoney(amount)).toBe(shown);
  });

  it.each(['', 'abc', '1e3', '1,000', '+5', '12.'])('refuses %j, which is not a decimal string', (amount) => {
    expect(() => formatMoney(amount)).toThrow(RangeError);
  });
});

describe('displayWidth', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['1,174', 5],
    ['一般通話', 8],
    ['IP通話', 6],
    ['(時-分-秒)', 10],
    ['ご利用明細', 10],
    ['ｶﾅ', 2], // half-width katakana: one column each
    ['ＡＢ', 4], // full-width Latin: two columns each
    ['「」', 4],
    ['𠮷', 2], // a supplementary-plane ideograph is one character, not two halves
  ])('%j takes %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('formatStatementMonth and formatSubscriberNumber', () => {
  it('prints the month without a leading zero and the number in three groups', () => {
    expect(formatStatementMonth('2011-04')).toBe('2011年4月分');
    expect(formatStatementMonth('2011-10')).toBe('2011年10月分');
    expect(formatSubscriberNumber('05012345678')).toBe('050-1234-5678');
  });

  it('refuses a month or a number of another shape', () => {
    expect(() => formatStatementMonth('2011-4')).toThrow(RangeError);
    expect(() => formatStatementMonth('2011-13')).toThrow(RangeError);
    expect(() => formatSubscriberNumber('0501234567')).toThrow(RangeError);
    expect(() => formatSubscriberNumber('09012345678')).toThrow(RangeError);
  });
});
