import { copyReferenceData, removeReferenceCopies } from '../test-support/referenceVariant';
import { runCli } from '../test-support/runCli';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';

/** `meisai ingest` refuses a file that would carry a monthly total past the bound (store/totalsBound.ts): exit 1, a clear message, nothing applied. */
let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
  workspace.db.close();
  // One general call (1 s, one 180 s unit) costs 250,000,000 yen: 400 of them reach the bound of 100,000,000,000 yen.
  const costly = copyReferenceData();
  costly.edit('tariffs/reference-2006-12.json', (tariff) => {
    tariff.rates.find((rate: { id: string }) => rate.id === 'GENERAL').steps[0].price = '250000000';
  });
  process.env.MEISAI_DATA_DIR = costly.dataDir;
});
afterEach(() => {
  delete process.env.MEISAI_DATA_DIR;
  workspace.cleanUp();
  removeReferenceCopies();
});

const calls = (count: number): string[] =>
  Array.from(
    { length: count },
    (_, index) =>
      `G${index},N000000001,05012345678,out,0312345678,2011-04-01 09:${String(Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')},1`,
  );

test('a file past the bound exits 1 naming the total and the bound; the store keeps nothing of it', async () => {
  const result = await runCli([
    'ingest',
    workspace.writeFile('too-much.csv', csv(calls(401))),
    '--db',
    workspace.dbPath,
  ]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'too-much.csv: refused, nothing applied: the 2011-04 total of the general calls of 05012345678 (contract N000000001) would reach charge_scaled 1002500000000000',
  );
  expect(result.stderr).toContain('past the bound of 1,000,000,000,000,000 (a charge of 100,000,000,000 yen)');
  const months = await runCli(['months', '--contract', 'N000000001', '--db', workspace.dbPath]);
  expect(months.stdout).not.toContain('2011-04');
});

test('a file exactly at the bound is ingested and its statement prints the exact charge', async () => {
  expect(
    (await runCli(['ingest', workspace.writeFile('at-bound.csv', csv(calls(400))), '--db', workspace.dbPath])).code,
  ).toBe(0);
  const statement = await runCli([
    'statement',
    '--contract',
    'N000000001',
    '--month',
    '2011-04',
    '--db',
    workspace.dbPath,
  ]);
  expect(statement.stdout).toContain('100,000,000,000');
});
