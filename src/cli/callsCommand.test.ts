import iconv from 'iconv-lite';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { runCli } from '../test-support/runCli';

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
  workspace.db.close(); // the command opens the store itself
});
afterEach(() => workspace.cleanUp());

/** Runs meisai in process with an output that takes bytes, as the real process does. */
const run = (...args: string[]) => runCli(args, { bytes: true });

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const ROWS = [
  'C1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180',
  'C2,N000000001,05012345678,in,anonymous,2011-04-01 10:00:00,30',
  'C3,N000000001,05087654321,out,09011112222,2011-04-02 10:00:00,61',
  'C4,N000000001,05012345678,in,0611112222,2011-04-01 11:00:00,600', // 10 min from a fixed line: 着割 5 yen
];

beforeEach(async () => {
  expect((await run('ingest', workspace.writeFile('day.csv', csv(ROWS)), '--db', workspace.dbPath)).code).toBe(0);
});

describe('meisai calls', () => {
  test('writes the call details as UTF-8 with a BOM by default', async () => {
    const result = await run('calls', '--contract', 'N000000001', '--month', '2011-04', '--db', workspace.dbPath);
    expect(result.code).toBe(0);
    expect(result.stdoutBytes.subarray(0, 3).equals(BOM)).toBe(true);
    expect(result.stdoutBytes.subarray(3).toString('utf8').split('\r\n')).toEqual([
      'number,direction,start,peer,duration,duration_tenths,type,label,tariff_version,rate,units,charge,record_id,file,line,status',
      '05012345678,out,2011-04-01 09:00:00.000,0312345678,0:03:00.0,1800,general,一般通話,REF-2006-12,GENERAL,1,8,C1,day.csv,2,billed',
      '05012345678,in,2011-04-01 10:00:00.000,非通知,0:00:30.0,300,withheld,非通知,REF-2006-12,,0,0,C2,day.csv,3,billed',
      '05012345678,in,2011-04-01 11:00:00.000,0611112222,0:10:00.0,6000,general,一般通話,REF-2006-12,,0,0,C4,day.csv,5,billed',
      // 61 s of a mobile call: 2 units of 60 s at 16 yen
      '05087654321,out,2011-04-02 10:00:00.000,09011112222,0:01:01.0,610,mobile,携帯通話,REF-2006-12,MOBILE,2,32,C3,day.csv,4,billed',
      '',
    ]);
  });

  test('--mask, --number, --direction and --csv-encoding cp932 together', async () => {
    const result = await run(
      'calls',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--number',
      '050-1234-5678',
      '--direction',
      'in',
      '--mask',
      '--csv-encoding',
      'cp932',
      '--db',
      workspace.dbPath,
    );
    expect(result.code).toBe(0);
    expect(result.stdoutBytes.subarray(0, 3).equals(BOM)).toBe(false);
    const lines = iconv.decode(result.stdoutBytes, 'cp932').split('\r\n');
    expect(lines.slice(1)).toEqual([
      '05012345678,in,2011-04-01 10:00:00.000,非通知,0:00:30.0,300,withheld,非通知,REF-2006-12,,0,0,C2,day.csv,3,billed',
      '05012345678,in,2011-04-01 11:00:00.000,061111****,0:10:00.0,6000,general,一般通話,REF-2006-12,,0,0,C4,day.csv,5,billed',
      '',
    ]);
  });

  test('--mask hides the last four digits of a dialled number', async () => {
    const result = await run(
      'calls',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--direction',
      'out',
      '--mask',
      '--csv-encoding',
      'utf8',
      '--db',
      workspace.dbPath,
    );
    expect(
      result.stdoutBytes
        .toString('utf8')
        .split('\r\n')
        .slice(1, 3)
        .map((line) => line.split(',')[3]),
    ).toEqual(['031234****', '0901111****']);
  });

  test('an unknown contract or a month without calls exits 1 with a clear message', async () => {
    const unknownContract = await run(
      'calls',
      '--contract',
      'N000000009',
      '--month',
      '2011-04',
      '--db',
      workspace.dbPath,
    );
    expect(unknownContract.code).toBe(1);
    expect(unknownContract.stderr).toBe(
      'meisai: no calls: contract N000000009 has no calls in 2011-04 (it has no calls at all)\n',
    );
    const emptyMonth = await run('calls', '--contract', 'N000000001', '--month', '2011-06', '--db', workspace.dbPath);
    expect(emptyMonth.code).toBe(1);
    expect(emptyMonth.stderr).toBe(
      'meisai: no calls: contract N000000001 has no calls in 2011-06 (months with calls: 2011-04)\n',
    );
    expect(emptyMonth.stdoutBytes.length).toBe(0);
  });

  test('bad usage exits 2: an unknown --csv-encoding or --direction, a malformed contract', async () => {
    const badEncoding = await run(
      'calls',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--csv-encoding',
      'latin1',
      '--db',
      workspace.dbPath,
    );
    expect(badEncoding.code).toBe(2);
    expect(badEncoding.stderr).toContain("option '--csv-encoding <encoding>' argument 'latin1' is invalid");
    expect(
      (
        await run(
          'calls',
          '--contract',
          'N000000001',
          '--month',
          '2011-04',
          '--direction',
          'both',
          '--db',
          workspace.dbPath,
        )
      ).code,
    ).toBe(2);
    expect((await run('calls', '--contract', 'N1', '--month', '2011-04', '--db', workspace.dbPath)).code).toBe(2);
  });

  test('a caller id CP932 cannot hold exits 2 and suggests utf8bom, writing nothing', async () => {
    await run(
      'ingest',
      workspace.writeFile('emoji.csv', csv(['E1,N000000001,05012345678,in,📞,2011-04-03 10:00:00,30'])),
      '--db',
      workspace.dbPath,
    );
    const result = await run(
      'calls',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--csv-encoding',
      'cp932',
      '--db',
      workspace.dbPath,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"📞" (U+1F4DE), which CP932 cannot encode: use --csv-encoding utf8bom');
    expect(result.stdoutBytes.length).toBe(0);
  });

  test('a text-only output gets the UTF-8 text', async () => {
    const result = await runCli(['calls', '--contract', 'N000000001', '--month', '2011-04', '--db', workspace.dbPath]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('number,direction,')).toBe(true);
  });
});

describe('meisai statement --format csv', () => {
  test('is written with a BOM by default, as CP932 on request, and keeps the negative discount a number', async () => {
    const args = [
      'statement',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--format',
      'csv',
      '--db',
      workspace.dbPath,
    ];
    const withBom = await run(...args);
    expect(withBom.code).toBe(0);
    expect(withBom.stdoutBytes.subarray(0, 3).equals(BOM)).toBe(true);
    expect(withBom.stdoutBytes.subarray(3).toString('utf8').startsWith('contract,month,revision,')).toBe(true);
    const cp932 = await run(...args, '--csv-encoding', 'cp932');
    const text = iconv.decode(cp932.stdoutBytes, 'cp932');
    expect(text).toContain(',all,,call,general,一般通話,1,1800,0:03:00.0,8\r\n');
    // 600 s of eligible inbound time: 0.5 yen × 10 = 5 yen off, not neutralised into text
    expect(text).toContain(',all,,chakuwari,,着割対象通話,1,6000,0:10:00.0,-5\r\n');
    expect(text).not.toContain("'-5");
  });

  test('other formats ignore --csv-encoding and print text', async () => {
    const result = await run(
      'statement',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--format',
      'json',
      '--csv-encoding',
      'cp932',
      '--db',
      workspace.dbPath,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).contract).toBe('N000000001');
    expect(result.stdoutBytes.length).toBe(0);
  });
});
