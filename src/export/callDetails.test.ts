import { parse } from 'csv-parse/sync';
import { RunFailedError } from '../errors';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData } from '../reference/referenceData';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { CallDetailsRequest, formatExactYen, readCallDetails, renderCallDetailsCsv } from './callDetails';

const reference = loadReferenceData();
let workspace: TempWorkspace;

/** File order differs from export order on purpose: numbers, starts and record_ids are all shuffled. */
const ROWS = [
  'D4,N000000001,05087654321,out,090-1111-2222,2011-03-31T15:00:00Z,59.99', // line 2: April 1 00:00 in Japan
  'D5,N000000001,05087654321,in,09011112222,2011-04-03 08:00:00,0', // line 3
  'D2,N000000001,05012345678,out,+1 212 555 0100,2011-04-01 09:15:02,60.001', // line 4: same start as D1
  'D1,N000000001,05012345678,out,03-1234-5678,2011-04-01T09:15:02+09:00,93.5', // line 5
  'D6,N000000001,05012345678,in,=1+1,2011-04-05 10:00:00,5', // line 6: an unreadable caller id
  'D3,N000000001,05012345678,in,anonymous,2011-04-02 10:00:00,120', // line 7
  'D7,N000000001,05012345678,out,0312345678,2011-03-31 23:59:59.999,30', // line 8: March in Japan
  'D8,N000000002,05011112222,out,0312345678,2011-04-10 10:00:00,30', // line 9: another contract
];

const APRIL: CallDetailsRequest = { contractId: 'N000000001', month: '2011-04', direction: 'all' };

type CsvRow = Record<string, string>;

async function exportRows(request: CallDetailsRequest = APRIL, mask = false): Promise<CsvRow[]> {
  return parse(renderCallDetailsCsv(await readCallDetails(workspace.store, request), { mask }), {
    columns: true,
    record_delimiter: '\r\n',
  }) as CsvRow[];
}

beforeEach(async () => {
  workspace = createWorkspace();
  await ingestFile(workspace.store, reference, workspace.writeFile('day.csv', csv(ROWS)));
});
afterEach(() => workspace.cleanUp());

describe('call details export', () => {
  test('prints the header and one line per call with Japan time, duration as the statement shows it, rate and trace', async () => {
    const lines = renderCallDetailsCsv(await readCallDetails(workspace.store, APRIL), { mask: false }).split('\r\n');
    expect(lines[0]).toBe(
      'number,direction,start,peer,duration,duration_tenths,type,label,tariff_version,rate,units,charge,record_id,file,line,status',
    );
    // 93.5 s of a general call: 1 unit of 180 s at 8 yen
    expect(lines[1]).toBe(
      '05012345678,out,2011-04-01 09:15:02.000,0312345678,0:01:33.5,935,general,一般通話,REF-2006-12,GENERAL,1,8,D1,day.csv,5,billed',
    );
    // 60.001 s to the US: 2 units of 60 s at 9 yen = 18
    expect(lines[2]).toBe(
      '05012345678,out,2011-04-01 09:15:02.000,01012125550100,0:01:00.0,600,international,国際通話,REF-2006-12,INTERNATIONAL_US_CANADA,2,18,D2,day.csv,4,billed',
    );
    expect(lines[3]).toBe(
      '05012345678,in,2011-04-02 10:00:00.000,非通知,0:02:00.0,1200,withheld,非通知,REF-2006-12,,0,0,D3,day.csv,7,billed',
    );
  });

  test('orders by number, then start, then record_id, and keeps only the contract and Japan-time month', async () => {
    expect((await exportRows()).map((row) => row.record_id)).toEqual(['D1', 'D2', 'D3', 'D6', 'D4', 'D5']);
  });

  test('a call starting at 15:00 UTC on March 31 is April 1 00:00 in Japan, its duration truncated to tenths', async () => {
    const mobile = (await exportRows()).find((row) => row.record_id === 'D4')!;
    // 59.99 s: shown as 59.9 s, billed as 1 unit of 60 s at 16 yen
    expect([
      mobile.start,
      mobile.duration,
      mobile.duration_tenths,
      mobile.type,
      mobile.label,
      mobile.rate,
      mobile.units,
      mobile.charge,
    ]).toEqual(['2011-04-01 00:00:00.000', '0:00:59.9', '599', 'mobile', '携帯通話', 'MOBILE', '1', '16']);
  });

  test("inbound rows carry the caller's class: a mobile caller, and an unreadable caller id neutralised as text", async () => {
    const rows = await exportRows();
    const mobileCaller = rows.find((row) => row.record_id === 'D5')!;
    expect([mobileCaller.direction, mobileCaller.type, mobileCaller.label, mobileCaller.charge]).toEqual([
      'in',
      'mobile',
      '携帯通話',
      '0',
    ]);
    const unreadable = rows.find((row) => row.record_id === 'D6')!;
    expect([unreadable.peer, unreadable.type, unreadable.label]).toEqual(["'=1+1", 'unknown', '不明']);
  });

  test('--mask hides the last four digits of each peer and still prints a withheld caller as 非通知', async () => {
    expect((await exportRows(APRIL, true)).map((row) => row.peer)).toEqual([
      '031234****',
      '0101212555****',
      '非通知',
      '****',
      '0901111****',
      '0901111****',
    ]);
  });

  test('the direction filter keeps outbound or inbound calls only', async () => {
    expect((await exportRows({ ...APRIL, direction: 'out' })).map((row) => row.record_id)).toEqual(['D1', 'D2', 'D4']);
    expect((await exportRows({ ...APRIL, direction: 'in' })).map((row) => row.record_id)).toEqual(['D3', 'D6', 'D5']);
  });

  test('a number narrows the export to its calls', async () => {
    expect((await exportRows({ ...APRIL, number: '05087654321' })).map((row) => row.record_id)).toEqual(['D4', 'D5']);
  });

  test('status says late for a call that arrived after its month was closed, unrated:<code> when a re-rate could not rate it', async () => {
    workspace.db.prepare("UPDATE calls SET late = 1 WHERE record_id IN ('D2', 'D4')").run();
    workspace.db.prepare("UPDATE calls SET unrated_code = 'NOT_CALLABLE' WHERE record_id = 'D4'").run();
    const statuses = Object.fromEntries((await exportRows()).map((row) => [row.record_id, row.status]));
    expect(statuses).toEqual({
      D1: 'billed',
      D2: 'late',
      D3: 'billed',
      D6: 'billed',
      D4: 'unrated:NOT_CALLABLE',
      D5: 'billed',
    });
  });

  test('a charge with a fraction of a yen is printed exactly, never cut to whole yen', async () => {
    workspace.db.prepare("UPDATE calls SET charge_scaled = 84000 WHERE record_id = 'D1'").run(); // 8.4 yen
    workspace.db.prepare("UPDATE calls SET charge_scaled = 5 WHERE record_id = 'D2'").run(); // 0.0005 yen
    expect((await exportRows({ ...APRIL, direction: 'out' })).map((row) => row.charge)).toEqual([
      '8.4',
      '0.0005',
      '16',
    ]);
  });

  test('a month, contract or number without calls is a failed run that says what exists', async () => {
    await expect(readCallDetails(workspace.store, { ...APRIL, month: '2011-06' })).rejects.toThrow(
      new RunFailedError('no calls: contract N000000001 has no calls in 2011-06 (months with calls: 2011-04, 2011-03)'),
    );
    await expect(readCallDetails(workspace.store, { ...APRIL, contractId: 'N000000009' })).rejects.toThrow(
      'no calls: contract N000000009 has no calls in 2011-04 (it has no calls at all)',
    );
    await expect(readCallDetails(workspace.store, { ...APRIL, number: '05099999999' })).rejects.toThrow(
      'no calls: number 05099999999 has no calls in N000000001 2011-04',
    );
  });

  test('a direction without calls in a month that has calls gives the header alone', async () => {
    workspace.db.prepare("DELETE FROM calls WHERE direction = 'in'").run();
    expect(
      renderCallDetailsCsv(await readCallDetails(workspace.store, { ...APRIL, direction: 'in' }), { mask: false }),
    ).toBe(
      'number,direction,start,peer,duration,duration_tenths,type,label,tariff_version,rate,units,charge,record_id,file,line,status\r\n',
    );
  });
});

describe('formatExactYen', () => {
  test.each([
    [0, '0'],
    [80_000, '8'],
    [84_000, '8.4'],
    [102_500, '10.25'],
    [1, '0.0001'],
    [1_300_900_000, '130090'],
    [-11_740_000, '-1174'],
  ])('%i scaled yen prints as %s', (scaled, expected) => {
    expect(formatExactYen(scaled)).toBe(expected);
  });
});
