import { readFileSync } from 'node:fs';
import { buildStatement } from '../statement/buildStatement';
import { renderCsv } from '../statement/renderCsv';
import { Tariff } from '../tariff/tariff';

const tariff = new Tariff(JSON.parse(readFileSync('data/tariffs/reference-2006-12.json', 'utf8')));

describe('statement CSV and formula injection', () => {
  test('a cell a spreadsheet would run as a formula gets a leading quote; the figures stay numbers', () => {
    const statement = buildStatement({
      contractId: 'N000000001',
      month: '2011-04',
      revision: 1,
      tariff,
      typeTotals: [],
      chakuwariTotals: [],
    });
    statement.allNumbers.calls[0]!.label = '=HYPERLINK("http://example.com")';
    statement.allNumbers.calls[1]!.label = '@SUM(A1)';
    statement.allNumbers.chakuwari.discount = '-1174';
    const lines = renderCsv(statement).split('\r\n');
    expect(lines[1]).toBe(
      'N000000001,2011-04,1,all,,call,general,"\'=HYPERLINK(""http://example.com"")",0,0,0:00:00.0,0',
    );
    expect(lines[2]).toBe("N000000001,2011-04,1,all,,call,international,'@SUM(A1),0,0,0:00:00.0,0");
    expect(lines[7]).toBe('N000000001,2011-04,1,all,,chakuwari,,着割対象通話,0,0,0:00:00.0,-1174');
  });
});
