import { describePostgres, useTestDatabase } from '../../test-support/postgres';
import { runCli } from '../../test-support/runCli';
import { createWorkspace, csv, TempWorkspace } from '../../test-support/tempStore';

/**
 * The commands that worked on SQLite only (subscriptions import|list, rejects, recycle, quote with
 * the store's subscriptions) run the same on a PostgreSQL store URL: the same session of commands
 * on both engines prints the same, byte for byte, but for the line of reconcile naming the check
 * each engine ran. With no default plan (MEISAI_DEFAULT_PLAN=none), a contract the CRM has not
 * exported yet is NO_TARIFF: a default plan is never taken in silence.
 */
const savedDefault = process.env.MEISAI_DEFAULT_PLAN;
let workspace: TempWorkspace;
beforeAll(() => {
  process.env.MEISAI_LOG_LEVEL = 'silent';
  process.env.MEISAI_DEFAULT_PLAN = 'none';
  workspace = createWorkspace();
  workspace.db.close();
});
afterAll(() => {
  workspace.cleanUp();
  if (savedDefault === undefined) delete process.env.MEISAI_DEFAULT_PLAN;
  else process.env.MEISAI_DEFAULT_PLAN = savedDefault;
});

interface Step {
  args: string[];
  code: number;
  stdout: string;
}

/** One operator's session, on the store at `db`: every command's exit code and output. */
async function session(db: string): Promise<Step[]> {
  const steps: Step[] = [];
  const run = async (...args: string[]): Promise<Step> => {
    const result = await runCli([...args, '--db', db]);
    const step = { args, code: result.code, stdout: result.stdout };
    steps.push(step);
    if (result.code !== 0 && result.code !== 1)
      throw new Error(`meisai ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return step;
  };
  const known = workspace.writeFile('crm-1.csv', 'contract_id,plan,effective_from\nN000000001,REFERENCE,2011-01-01\n');
  await run('subscriptions', 'import', known);
  const day = workspace.writeFile(
    'day-1.csv',
    csv([
      'R1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,200', // known contract: 2 × 8 = 16
      'R2,N000000002,05022223333,out,090-1111-2222,2011-04-02 09:00:00,61', // not exported yet: NO_TARIFF
      'R3,N000000002,05022223333,out,110,2011-04-02 09:05:00,30', // NO_TARIFF, then NOT_CALLABLE
      'R4,N000000002,05022223333,out,0312345678,2011-05-02 09:00:00,10', // May: NO_TARIFF
    ]),
  );
  await run('ingest', day);
  await run('rejects', '--csv-encoding', 'utf8');
  await run(
    'quote',
    '--contract',
    'N000000002',
    '--peer',
    '090-1111-2222',
    '--start',
    '2011-04-02 09:00:00',
    '--duration',
    '61',
  );
  const crm = workspace.writeFile('crm-2.csv', 'contract_id,plan,effective_from\nN000000002,BUSINESS,2011-04-01\n');
  await run('subscriptions', 'import', crm);
  await run('subscriptions', 'list', '--contract', 'N000000002');
  await run(
    'quote',
    '--contract',
    'N000000002',
    '--peer',
    '090-1111-2222',
    '--start',
    '2011-04-02 09:00:00',
    '--duration',
    '61',
  );
  await run('recycle', '--month', '2011-04');
  await run('rejects', '--csv-encoding', 'utf8');
  await run('calls', '--contract', 'N000000002', '--month', '2011-04', '--csv-encoding', 'utf8');
  await run('statement', '--contract', 'N000000002', '--month', '2011-04', '--format', 'json');
  await run('reconcile', '--month', '2011-04');
  await run(
    'quote',
    '--direction',
    'in',
    '--contract',
    'N000000002',
    '--peer',
    '090-1111-2222',
    '--start',
    '2011-04-02 09:00:00',
    '--duration',
    '61',
    '--json',
  );
  return steps;
}

describePostgres('every command on a PostgreSQL store URL', () => {
  const database = useTestDatabase('cli_parity');

  test('subscriptions, rejects, recycle and quote print on PostgreSQL what they print on SQLite', async () => {
    const postgres = await session(database.url);
    const sqlite = await session(workspace.dbPath);
    const byCommand = (steps: Step[]): Record<string, Step> =>
      Object.fromEntries(steps.map((step) => [step.args.slice(0, 2).join(' ') + ` #${steps.indexOf(step)}`, step]));
    const pg = byCommand(postgres);
    const lite = byCommand(sqlite);

    // What an operator sees on PostgreSQL, step by step.
    expect(postgres.map((step) => [step.args[0], step.code])).toEqual([
      ['subscriptions', 0],
      ['ingest', 0],
      ['rejects', 0],
      ['quote', 1],
      ['subscriptions', 0],
      ['subscriptions', 0],
      ['quote', 0],
      ['recycle', 0],
      ['rejects', 0],
      ['calls', 0],
      ['statement', 0],
      ['reconcile', 0],
      ['quote', 0],
    ]);
    expect(
      postgres[2]!.stdout
        .split('\r\n')
        .filter((line) => line !== '')
        .map((line) => line.split(',').slice(0, 3).join(',')),
    ).toEqual(['file,line,code', 'day-1.csv,3,NO_TARIFF', 'day-1.csv,4,NO_TARIFF', 'day-1.csv,5,NO_TARIFF']);
    expect(postgres[5]!.stdout).toBe(
      'contract_id,number,plan,effective_from,imported_from\nN000000002,,BUSINESS,2011-04-01,crm-2.csv\n',
    );
    expect(postgres[6]!.stdout).toContain('plan:      BUSINESS (subscription');
    // 61 s by the second: 61 × 16 / 60 = 16.2666… (the default plan REFERENCE would charge 2 × 16 = 32)
    expect(postgres[6]!.stdout).toContain('charge:    16.266666… (244/15) yen (61 units)');
    expect(postgres[7]!.stdout).toBe(
      'recycled 1 of 2 rejects; still rejected: NOT_CALLABLE 1; already billed from another delivery: 0\n',
    );
    // on its own file and line (3), rated by BUSINESS by the second: 61 × 16 / 60 = 16.2666…
    expect(postgres[9]!.stdout).toContain('BIZ-2010-04,BIZ_MOBILE,61,16.2666,R2,day-1.csv,3,billed');
    expect(JSON.parse(postgres[10]!.stdout).allNumbers.total.charge).toBe('16');
    expect(postgres[11]!.stdout).toMatch(/PostgreSQL amcheck \(bt_index_check\) on \d+ indexes: ok/);
    expect(postgres[11]!.stdout).not.toContain('SQLite');
    // inbound, by the stored subscription: a mobile caller, 61 / 60 × 0.5 = 61/120 yen of 着割, alone half-up 1
    expect(JSON.parse(postgres[12]!.stdout)).toMatchObject({
      plan: 'BUSINESS',
      planSource: 'subscription',
      class: 'mobile',
      chakuwari: { eligible: true, share: '61/120', alone: '1' },
    });

    // The same, byte for byte, on SQLite: all but the line naming the engine's check.
    const withoutCheck = (text: string): string =>
      text.replace(/^.*(SQLite quick_check|PostgreSQL amcheck).*$/m, '<integrity check>');
    for (const key of Object.keys(lite)) {
      expect({ key, code: pg[key]!.code, stdout: withoutCheck(pg[key]!.stdout) }).toEqual({
        key,
        code: lite[key]!.code,
        stdout: withoutCheck(lite[key]!.stdout),
      });
    }
    expect(sqlite[11]!.stdout).toContain('SQLite quick_check: ok');
  });
});
