import { runCli } from '../../test-support/runCli';
import { createWorkspace, csv, TempWorkspace } from '../../test-support/tempStore';

/**
 * With no default plan, calls of a contract the CRM had not exported yet are rejected NO_TARIFF;
 * once its subscription is imported, recycle accepts them into their month, on their own file
 * and line, and every count still adds up.
 */
let workspace: TempWorkspace;
const savedDefault = process.env.MEISAI_DEFAULT_PLAN;
beforeAll(async () => {
  process.env.MEISAI_LOG_LEVEL = 'silent';
  process.env.MEISAI_DEFAULT_PLAN = 'none';
  workspace = createWorkspace();
  workspace.db.close();
  const known = workspace.writeFile('crm-1.csv', 'contract_id,plan,effective_from\nN000000001,REFERENCE,2011-01-01\n');
  expect((await runCli(['subscriptions', 'import', known, '--db', workspace.dbPath])).code).toBe(0);
  const file = workspace.writeFile(
    'day-1.csv',
    csv([
      'R1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,200', // known contract: 2 × 8 = 16
      'R2,N000000002,05022223333,out,090-1111-2222,2011-04-02 09:00:00,61', // not exported yet: NO_TARIFF
      'R3,N000000002,05022223333,out,110,2011-04-02 09:05:00,30', // NO_TARIFF (no plan is looked at first), then NOT_CALLABLE
      'R4,N000000002,05022223333,out,0312345678,2011-05-02 09:00:00,10', // May: NO_TARIFF
    ]),
  );
  expect((await runCli(['ingest', file, '--db', workspace.dbPath])).code).toBe(0);
});
afterAll(() => {
  workspace.cleanUp();
  if (savedDefault === undefined) delete process.env.MEISAI_DEFAULT_PLAN;
  else process.env.MEISAI_DEFAULT_PLAN = savedDefault;
});

describe('meisai recycle', () => {
  test('before the subscription exists, a recycle changes nothing', async () => {
    const result = await runCli(['recycle', '--json', '--db', workspace.dbPath]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ considered: 3, recycled: [], stillRejected: { NO_TARIFF: 3 } });
  });

  test('after the subscription is imported, the April record is accepted into April; May and the NOT_CALLABLE one stay rejected', async () => {
    const crm = workspace.writeFile('crm-2.csv', 'contract_id,plan,effective_from\nN000000002,BUSINESS,2011-04-01\n');
    expect((await runCli(['subscriptions', 'import', crm, '--db', workspace.dbPath])).code).toBe(0);
    const result = await runCli(['recycle', '--month', '2011-04', '--db', workspace.dbPath]);
    expect(result.stdout).toBe(
      'recycled 1 of 2 rejects; still rejected: NOT_CALLABLE 1; already billed from another delivery: 0\n',
    );
    const calls = await runCli([
      'calls',
      '--contract',
      'N000000002',
      '--month',
      '2011-04',
      '--csv-encoding',
      'utf8',
      '--db',
      workspace.dbPath,
    ]);
    // on its own file and line (3), rated by BUSINESS by the second: 61 × 16 / 60 = 16.2666…
    expect(calls.stdout).toContain('BIZ-2010-04,BIZ_MOBILE,61,16.2666,R2,day-1.csv,3,billed');
    const statement = await runCli([
      'statement',
      '--contract',
      'N000000002',
      '--month',
      '2011-04',
      '--format',
      'json',
      '--db',
      workspace.dbPath,
    ]);
    expect(JSON.parse(statement.stdout).allNumbers.total.charge).toBe('16');
    const rejects = await runCli(['rejects', '--csv-encoding', 'utf8', '--db', workspace.dbPath]);
    expect(
      rejects.stdout
        .split('\r\n')
        .filter((line) => line !== '')
        .map((line) => line.split(',')[2]),
    ).toEqual(['code', 'NOT_CALLABLE', 'NO_TARIFF']);
  });

  test('the file still adds up, and reconcile agrees; a second recycle counts nothing twice', async () => {
    const reconcile = await runCli(['reconcile', '--month', '2011-04', '--db', workspace.dbPath]);
    expect(reconcile.stdout).toContain('files: OK');
    expect(reconcile.code).toBe(0);
    const again = await runCli(['recycle', '--month', '2011-04', '--json', '--db', workspace.dbPath]);
    expect(JSON.parse(again.stdout)).toMatchObject({ considered: 1, recycled: [], stillRejected: { NOT_CALLABLE: 1 } });
    const may = await runCli(['recycle', '--json', '--db', workspace.dbPath]);
    expect(JSON.parse(may.stdout)).toMatchObject({
      recycled: [{ recordId: 'R4', month: '2011-05', formerCode: 'NO_TARIFF', late: false }],
    });
  });
});
