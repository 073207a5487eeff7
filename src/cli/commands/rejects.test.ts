import { runCli } from '../../test-support/runCli';
import { createWorkspace, csv, TempWorkspace } from '../../test-support/tempStore';

let workspace: TempWorkspace;
beforeAll(async () => {
  process.env.MEISAI_LOG_LEVEL = 'silent';
  workspace = createWorkspace();
  workspace.db.close();
  const file = workspace.writeFile(
    'day-1.csv',
    csv([
      'R1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60',
      'R2,N000000001,05012345678,out,110,2011-04-01 09:01:00,60',
      'R3,N000000001,05012345678,out,0312345678,2005-04-01 09:02:00,60',
      'R4,N000000001,05012345678,sideways,0312345678,2011-04-01 09:03:00,60',
    ]),
  );
  expect((await runCli(['ingest', file, '--db', workspace.dbPath])).code).toBe(0);
});
afterAll(() => workspace.cleanUp());

describe('meisai rejects', () => {
  test('lists every stored reject with its file, line, code, message and raw line', async () => {
    const result = await runCli(['rejects', '--csv-encoding', 'utf8', '--db', workspace.dbPath]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\r\n')).toEqual([
      'file,line,code,message,raw',
      'day-1.csv,3,NOT_CALLABLE,110 (1…) cannot be called from a 050 phone,"R2,N000000001,05012345678,out,110,2011-04-01 09:01:00,60"',
      'day-1.csv,4,NO_TARIFF,no version of plan REFERENCE (the default plan) is in effect at the call start,"R3,N000000001,05012345678,out,0312345678,2005-04-01 09:02:00,60"',
      expect.stringMatching(
        /^day-1\.csv,5,BAD_DIRECTION,.*,"R4,N000000001,05012345678,sideways,0312345678,2011-04-01 09:03:00,60"$/,
      ),
      '',
    ]);
  });

  test('--code and --file narrow the list; nothing left exits 1', async () => {
    const noTariff = await runCli([
      'rejects',
      '--code',
      'NO_TARIFF',
      '--file',
      'day-1.csv',
      '--csv-encoding',
      'utf8',
      '--db',
      workspace.dbPath,
    ]);
    expect(noTariff.stdout.split('\r\n')).toHaveLength(3); // header, one reject, the final line end
    const none = await runCli(['rejects', '--file', 'day-2.csv', '--db', workspace.dbPath]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no stored rejects for file day-2.csv');
    // --month: the rejects kept with their record whose call starts in the month (R2 in April 2011, R3 in 2005)
    const april = await runCli(['rejects', '--month', '2011-04', '--csv-encoding', 'utf8', '--db', workspace.dbPath]);
    expect(april.stdout.split('\r\n').map((line) => line.split(',')[1])).toEqual(['line', '3', undefined]);
    const badCode = await runCli(['rejects', '--code', 'no such', '--db', workspace.dbPath]);
    expect(badCode.code).toBe(2);
  });
});
