import { readFileSync } from 'node:fs';
import { oneLine } from './main';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { describePostgres, useTestDatabase } from '../test-support/postgres';
import { runCli } from '../test-support/runCli';

/** Issue 19 item 5: messages that were wrong or missing, each one. */
let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
  workspace.db.close();
});
afterEach(() => workspace.cleanUp());

const run = (...args: string[]) => runCli([...args, '--db', workspace.dbPath]);

test('rejects --code with a code meisai never gives is bad usage (exit 2), naming the codes', async () => {
  await run(
    'ingest',
    workspace.writeFile('day.csv', csv(['K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60'])),
  );
  const result = await run('rejects', '--code', 'FOO');
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(
    /^meisai: reject code "FOO" is not valid: expected one of MALFORMED_ROW, .*NO_TARIFF, CONFLICT\n$/,
  );
});

/** An outbound call without a dialled number and one to `anonymous`: BAD_PEER rejects that keep their record. */
async function badPeerSession(db: string): Promise<{ listed: string; other: string; recycled: string; json: unknown }> {
  const runOn = (...args: string[]) => runCli([...args, '--db', db]);
  const day = workspace.writeFile(
    'day.csv',
    csv([
      'K1,N000000001,05012345678,out,,2011-04-01 09:00:00,60',
      'K2,N000000001,05012345678,out,anonymous,2011-04-02 09:00:00,60',
    ]),
  );
  expect((await runOn('ingest', day)).code).toBe(0);
  const listed = await runOn('rejects', '--month', '2011-04', '--csv-encoding', 'utf8');
  const other = await runOn('rejects', '--month', '2011-05', '--csv-encoding', 'utf8');
  const recycled = await runOn('recycle');
  const json = await runOn('recycle', '--month', '2011-04', '--json');
  expect([listed.code, other.code, recycled.code, json.code]).toEqual([0, 1, 0, 0]);
  return { listed: listed.stdout, other: other.stderr, recycled: recycled.stdout, json: JSON.parse(json.stdout) };
}

function expectBadPeerKept(seen: Awaited<ReturnType<typeof badPeerSession>>): void {
  const rows = seen.listed.split('\r\n').filter((line) => line !== '');
  expect(rows.map((line) => line.split(',').slice(0, 3).join(','))).toEqual([
    'file,line,code',
    'day.csv,2,BAD_PEER',
    'day.csv,3,BAD_PEER',
  ]);
  expect(rows[1]).toContain('an outbound call needs the dialled number');
  expect(rows[2]).toContain('""anonymous"" is not a telephone number');
  expect(seen.other).toBe('meisai: no stored rejects for month 2011-05\n');
  // Recycled with the data as it is now: still no number to call, so still BAD_PEER; no word of store version 4.
  expect(seen.recycled).toBe(
    'recycled 0 of 2 rejects; still rejected: BAD_PEER 2; already billed from another delivery: 0\n',
  );
  expect(seen.json).toMatchObject({ considered: 2, stillRejected: { BAD_PEER: 2 }, withoutRecord: 0 });
}

test('recycle on a new store: an outbound call without a dialled number keeps its record: listed by month, recyclable (SQLite)', async () => {
  expectBadPeerKept(await badPeerSession(workspace.dbPath));
});

describePostgres('BAD_PEER rejects on PostgreSQL', () => {
  const database = useTestDatabase('bad_peer');
  test('recycle on a new store: an outbound call without a dialled number keeps its record: listed by month, recyclable (PostgreSQL)', async () => {
    expectBadPeerKept(await badPeerSession(database.url));
  });
});

test('quote --json on a call it would reject prints the verdict as JSON, exit 1; one unit is "1 unit"', async () => {
  const rejected = await run(
    'quote',
    '--contract',
    'N000000001',
    '--peer',
    '0990-123-456',
    '--start',
    '2011-04-01 09:00:00',
    '--duration',
    '30',
    '--json',
  );
  expect(rejected.code).toBe(1);
  expect(JSON.parse(rejected.stdout)).toMatchObject({ contract: 'N000000001', rejected: { code: 'NOT_CALLABLE' } });
  const one = await run(
    'quote',
    '--contract',
    'N000000001',
    '--peer',
    '0312345678',
    '--start',
    '2011-04-01 09:00:00',
    '--duration',
    '30',
  );
  expect(one.stdout).toContain('(1 unit)');
});

test('a folder given as a file says --inbox; a headerless file in a switch layout says --profile', async () => {
  const folder = workspace.writeFile('inbox', '') && workspace.directory;
  const asFile = await run('ingest', folder);
  expect(asFile.code).toBe(1);
  expect(asFile.stderr).toContain(`(to take the files of a folder: --inbox ${folder})`);
  const headerless = await run(
    'ingest',
    workspace.writeFile('switch.csv', 'x1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60\n'),
  );
  expect(headerless.code).toBe(1);
  expect(headerless.stderr).toContain('needs --profile NAME (meisai profiles check lists them)');
});

test("profiles preview rates with the store's subscriptions (--db), as ingest would", async () => {
  const subscriptions = workspace.writeFile(
    'crm.csv',
    'contract_id,plan,effective_from\nN000000007,BUSINESS,2011-04-01\n',
  );
  expect((await run('subscriptions', 'import', subscriptions)).code).toBe(0);
  const file = workspace.writeFile('day.csv', csv(['K1,N000000007,05012345678,out,0312345678,2011-04-01 09:00:00,60']));
  const preview = await run('profiles', 'preview', '--profile', 'canonical', file);
  expect(preview.code).toBe(0);
  expect(preview.stdout.trimEnd().split('\n')[1]).toMatch(/"accepted \(general, BIZ-2010-04\)"$/);
});

test('rejects escapes the control characters of a raw line (an ESC ] 0; … BEL ESC[2J line cannot rewrite the terminal); --raw writes them byte for byte to a file', async () => {
  const hostile = 'K9,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,6\u001b]0;pwned\u0007\u001b[2J\u0000';
  await run('ingest', workspace.writeFile('day.csv', csv([hostile])));
  const listed = await run('rejects', '--csv-encoding', 'utf8');
  expect(listed.code).toBe(0);
  expect(listed.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  expect(listed.stdout).toContain('\\x1b]0;pwned\\x07\\x1b[2J\\x00');
  const rawFile = `${workspace.directory}/rejects.csv`;
  const raw = await run('rejects', '--raw', rawFile, '--csv-encoding', 'utf8');
  expect(raw.stdout).toBe(`wrote 1 reject to ${rawFile}, raw lines byte for byte\n`);
  expect(readFileSync(rawFile, 'utf8')).toContain('\u001b]0;pwned\u0007\u001b[2J\u0000');
});

test('a message of several lines reads as one: no "file:;" after a colon (the tariff schema message)', () => {
  expect(
    oneLine('data/tariffs/x.json is not a valid tariff file:\n  $.rates[0].id: is required\n  $.plan: is required'),
  ).toBe('data/tariffs/x.json is not a valid tariff file: $.rates[0].id: is required; $.plan: is required');
});

test('subscriptions import of one line says "1 subscription"', async () => {
  const file = workspace.writeFile('crm.csv', 'contract_id,plan,effective_from\nN000000001,BUSINESS,2011-04-01\n');
  const result = await run('subscriptions', 'import', file);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(
    `imported ${file}: 1 subscription (1 new, 0 changed plan); rerate a month to re-rate its calls\n`,
  );
});
