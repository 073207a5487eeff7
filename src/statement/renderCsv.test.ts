import { parse } from 'csv-parse/sync';
import { buildStatement } from './buildStatement';
import { renderCsv } from './renderCsv';
import { CONTRACT, MONTH, referenceTariff as tariff, seedSplitStatement } from '../test-support/seedSplitStatement';

type CsvRow = Record<string, string>;

function parseRows(csv: string): CsvRow[] {
  return parse(csv, { columns: true, record_delimiter: '\r\n' }) as CsvRow[];
}

describe('renderCsv', () => {
  it("prints the header and the seed's all-number rows first, with the statement's own figures", () => {
    const lines = renderCsv(seedSplitStatement(2)).split('\r\n');
    expect(lines.slice(0, 8)).toEqual([
      'contract,month,revision,scope,number,section,type,label,count,duration_tenths,duration,amount',
      'N000000001,2011-04,2,all,,call,general,一般通話,1096,1037935,28:49:53.5,10240',
      'N000000001,2011-04,2,all,,call,international,国際通話,600,1980600,55:01:00.0,96870',
      'N000000001,2011-04,2,all,,call,mobile,携帯通話,330,168450,4:40:45.0,7680',
      'N000000001,2011-04,2,all,,call,ip,IP通話,480,376350,10:27:15.0,0',
      'N000000001,2011-04,2,all,,call,phs,PHS通話,510,393300,10:55:30.0,15300',
      'N000000001,2011-04,2,all,,total,,合計,3016,3956635,109:54:23.5,130090',
      'N000000001,2011-04,2,all,,chakuwari,,着割対象通話,3016,1408630,39:07:43.0,-1174',
    ]);
  });

  it('follows with seven rows per number, zero rows included, in number order', () => {
    const rows = parseRows(renderCsv(seedSplitStatement(2)));
    expect(rows).toHaveLength(3 * 7);
    expect(rows.slice(7).map((row) => `${row.scope} ${row.number} ${row.section} ${row.type}`)).toEqual([
      'number 05012345678 call general',
      'number 05012345678 call international',
      'number 05012345678 call mobile',
      'number 05012345678 call ip',
      'number 05012345678 call phs',
      'number 05012345678 total ',
      'number 05012345678 chakuwari ',
      'number 05087654321 call general',
      'number 05087654321 call international',
      'number 05087654321 call mobile',
      'number 05087654321 call ip',
      'number 05087654321 call phs',
      'number 05087654321 total ',
      'number 05087654321 chakuwari ',
    ]);
    const firstNumberPhs = rows[11]!;
    expect([
      firstNumberPhs.count,
      firstNumberPhs.duration_tenths,
      firstNumberPhs.duration,
      firstNumberPhs.amount,
    ]).toEqual(['0', '0', '0:00:00.0', '0']);
  });

  it('foots: in every scope the call rows add up to the total row', () => {
    const rows = parseRows(renderCsv(seedSplitStatement(2)));
    const scopes = new Set(rows.map((row) => `${row.scope}|${row.number}`));
    expect(scopes.size).toBe(3);
    for (const scope of scopes) {
      const scopeRows = rows.filter((row) => `${row.scope}|${row.number}` === scope);
      const callRows = scopeRows.filter((row) => row.section === 'call');
      const totalRow = scopeRows.find((row) => row.section === 'total')!;
      // whole yen and whole tenths: integer sums are exact
      const sumOf = (column: string): number => callRows.reduce((sum, row) => sum + Number(row[column]), 0);
      expect(callRows).toHaveLength(5);
      expect(sumOf('count')).toBe(Number(totalRow.count));
      expect(sumOf('duration_tenths')).toBe(Number(totalRow.duration_tenths));
      expect(sumOf('amount')).toBe(Number(totalRow.amount));
    }
  });

  it('foots down: each all-number row is the sum of the per-number rows', () => {
    const rows = parseRows(renderCsv(seedSplitStatement(2)));
    const allRows = rows.filter((row) => row.scope === 'all');
    expect(allRows).toHaveLength(7);
    for (const allRow of allRows) {
      const numberRows = rows.filter(
        (row) => row.scope === 'number' && row.section === allRow.section && row.type === allRow.type,
      );
      expect(numberRows).toHaveLength(2);
      // e.g. 着割: -583 + -591 = -1174
      expect(numberRows.reduce((sum, row) => sum + Number(row.amount), 0)).toBe(Number(allRow.amount));
      expect(numberRows.reduce((sum, row) => sum + Number(row.count), 0)).toBe(Number(allRow.count));
    }
  });

  it('puts the negative 着割 discount in the amount column of the chakuwari row', () => {
    const rows = parseRows(renderCsv(seedSplitStatement(2)));
    expect(rows.filter((row) => row.section === 'chakuwari').map((row) => row.amount)).toEqual([
      '-1174',
      '-583',
      '-591',
    ]);
  });

  it('ends every line with CRLF, including the last, and starts without a byte-order mark', () => {
    const csv = renderCsv(seedSplitStatement(2));
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
    expect(csv.startsWith('contract,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(1 + 21 + 1);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('prints only the header and the all-number rows for a month without calls', () => {
    const empty = buildStatement({
      contractId: CONTRACT,
      month: MONTH,
      revision: 1,
      tariff,
      typeTotals: [],
      chakuwariTotals: [],
    });
    const rows = parseRows(renderCsv(empty));
    expect(rows).toHaveLength(7);
    expect(rows.every((row) => row.scope === 'all' && row.amount === '0')).toBe(true);
  });

  it('quotes a field that holds a comma or a quote', () => {
    const statement = seedSplitStatement(2);
    statement.allNumbers.calls[0]!.label = 'general, "domestic"';
    const lines = renderCsv(statement).split('\r\n');
    expect(lines[1]).toBe(
      'N000000001,2011-04,2,all,,call,general,"general, ""domestic""",1096,1037935,28:49:53.5,10240',
    );
  });
});
