import { parseAmount, parseDurationText, readStatementText } from './readStatementFile';
import { StatementFigures } from './statementFigures';

const HEADER = 'contract,month,revision,scope,number,section,type,label,count,duration_tenths,duration,amount';

function figures(text: string): StatementFigures {
  const read = readStatementText(text);
  if (!read.ok) throw new Error(read.message);
  return read.figures;
}

function problem(text: string): string {
  const read = readStatementText(text);
  if (read.ok) throw new Error('expected the file to be refused');
  return read.message;
}

describe('parseAmount reads printed yen exactly into scaled yen', () => {
  test.each([
    ['0', 0n],
    ['130090', 1_300_900_000n],
    ['130,090', 1_300_900_000n],
    ['-1,174', -11_740_000n],
    ['1,234,567', 12_345_670_000n],
    ['0.5', 5_000n],
    ['-0', 0n],
    // 1,000,000,000,016.0001 yen: past 2^53 scaled yen, still exact
    ['1,000,000,000,016.0001', 10_000_000_000_160_001n],
  ])('%s', (text, scaled) => {
    expect(parseAmount(text)).toBe(scaled);
  });

  test.each(['1,23', '12,3456', '1.2.3', '¥100', '', '1e3', '0.00001'])('refuses %j', (text) => {
    expect(() => parseAmount(text)).toThrow();
  });
});

describe('parseDurationText reads H:MM:SS.s exactly into tenths', () => {
  // 119 h = 4,284,000 tenths; 54 min = 32,400; 23.5 s = 235: 4,316,635
  test.each([
    ['0:00:00.0', 0],
    ['0:00:00.1', 1],
    ['119:54:23.5', 4_316_635],
    ['109:54:23.5', 3_956_635],
    ['1:02:03', 37_230],
  ])('%s', (text, tenths) => {
    expect(parseDurationText(text)).toBe(tenths);
  });

  test.each(['1:2:03.0', '1:60:00.0', '1:00:00.05', '-1:00:00.0', '90.5'])('refuses %j', (text) => {
    expect(() => parseDurationText(text)).toThrow();
  });
});

describe('a CSV of statement rows', () => {
  test('reads the all-number scope only, with thousands separators and empty duration_tenths', () => {
    const read = figures(
      [
        HEADER,
        'N000000001,2011-04,,all,,call,general,一般通話,1096,,28:49:53.5,"10,240"',
        'N000000001,2011-04,,all,,total,,合計,1096,,28:49:53.5,"10,240"',
        'N000000001,2011-04,,all,,chakuwari,,着割対象通話,3016,,39:07:43.0,"-1,174"',
      ].join('\r\n'),
    );
    expect(read.contract).toBe('N000000001');
    expect(read.month).toBe('2011-04');
    expect(read.numbers.size).toBe(0);
    expect(read.allNumbers).toEqual({
      general: { count: 1096, durationTenths: 1_037_935, durationText: '28:49:53.5', amountScaled: 102_400_000n },
      total: { count: 1096, durationTenths: 1_037_935, durationText: '28:49:53.5', amountScaled: 102_400_000n },
      chakuwari: { count: 3016, durationTenths: 1_408_630, durationText: '39:07:43.0', amountScaled: -11_740_000n },
    });
  });

  test('reads per-number rows, a BOM, a formula-neutralised cell and hyphenated numbers', () => {
    const read = figures(
      `\uFEFF${HEADER}\n` +
        "N000000001,2011-04,2,number,050-1234-5678,chakuwari,,着割対象通話,5,50,0:00:05.0,'-3\n" +
        'N000000001,2011-04,2,number,05012345678,call,mobile,携帯通話,1,600,0:01:00.0,16\n',
    );
    expect(read.revision).toBe(2);
    expect(read.allNumbers).toBeUndefined();
    expect(read.numbers.get('05012345678')).toEqual({
      chakuwari: { count: 5, durationTenths: 50, durationText: '0:00:05.0', amountScaled: -30_000n },
      mobile: { count: 1, durationTenths: 600, durationText: '0:01:00.0', amountScaled: 160_000n },
    });
  });

  test('keeps both duration_tenths and the text when both are given, for the footing check to compare', () => {
    const read = figures(`${HEADER}\nN000000001,2011-04,,all,,total,,合計,1,600,0:02:00.0,16\n`);
    expect(read.allNumbers?.total).toEqual({
      count: 1,
      durationTenths: 600,
      durationText: '0:02:00.0',
      amountScaled: 160_000n,
    });
  });

  test.each([
    ['a missing column', 'contract,month,scope,section,count,duration\n', 'the header lacks the columns amount'],
    ['no rows', `${HEADER}\n`, 'no rows'],
    [
      'two contracts',
      `${HEADER}\nN000000001,2011-04,,all,,total,,,1,,0:00:01.0,1\nN000000002,2011-04,,all,,call,ip,,1,,0:00:01.0,0\n`,
      'line 3',
    ],
    [
      'a row twice',
      `${HEADER}\nN000000001,2011-04,,all,,total,,,1,,0:00:01.0,1\nN000000001,2011-04,,all,,total,,,1,,0:00:01.0,1\n`,
      'a second total row',
    ],
    ['an unknown type', `${HEADER}\nN000000001,2011-04,,all,,call,satellite,,1,,0:00:01.0,1\n`, 'type "satellite"'],
    [
      'a float count',
      `${HEADER}\nN000000001,2011-04,,all,,total,,,1.5,,0:00:01.0,1\n`,
      'count: "1.5" is not a whole number',
    ],
    ['a bad month', `${HEADER}\nN000000001,2011-13,,all,,total,,,1,,0:00:01.0,1\n`, 'month "2011-13"'],
  ])('refuses %s', (_name, text, message) => {
    expect(problem(text)).toContain(message);
  });
});

describe('a JSON statement (spec §6), read loosely', () => {
  const row = { type: 'general', label: '一般通話', count: 1, durationTenths: 600, duration: '0:01:00.0', charge: '8' };

  test('may hold only allNumbers, with numbers empty, and durations as text alone', () => {
    const read = figures(
      JSON.stringify({
        contract: 'N000000001',
        month: '2011-04',
        allNumbers: { calls: [{ type: 'ip', count: 2, duration: '0:00:10.5', charge: '0' }] },
        numbers: [],
      }),
    );
    expect(read.allNumbers).toEqual({
      ip: { count: 2, durationTenths: 105, durationText: '0:00:10.5', amountScaled: 0n },
    });
    expect(read.numbers.size).toBe(0);
  });

  test('may hold only some numbers', () => {
    const read = figures(
      JSON.stringify({ contract: 'N000000001', month: '2011-04', numbers: [{ number: '05012345678', calls: [row] }] }),
    );
    expect([...read.numbers.keys()]).toEqual(['05012345678']);
    expect(read.allNumbers).toBeUndefined();
  });

  test.each([
    [
      'money as a JSON number with a fraction',
      { allNumbers: { calls: [{ ...row, charge: 8.5 }] } },
      'must be a decimal string',
    ],
    ['a tax-included statement', { taxIncluded: true, allNumbers: {} }, 'taxIncluded is not false'],
    ['another currency', { currency: 'USD', allNumbers: {} }, 'only JPY'],
    ['no table at all', { numbers: [] }, 'neither allNumbers nor any numbers'],
    [
      'a negative count',
      { allNumbers: { calls: [{ ...row, count: -1 }] } },
      'allNumbers.calls[0].count is not a whole number',
    ],
    ['a row without a duration', { allNumbers: { total: { count: 1, charge: '1' } } }, 'no duration'],
  ])('refuses %s', (_name, extra, message) => {
    expect(problem(JSON.stringify({ contract: 'N000000001', month: '2011-04', ...extra }))).toContain(message);
  });

  test('refuses text that is not JSON though it opens with a brace', () => {
    expect(problem('{ "contract": ')).toContain('not JSON');
  });
});
