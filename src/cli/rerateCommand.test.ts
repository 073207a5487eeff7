import { copyReferenceData, removeReferenceCopies } from '../test-support/referenceVariant';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { runCli } from '../test-support/runCli';

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
  workspace.db.close();
});
afterEach(() => {
  delete process.env.MEISAI_DATA_DIR;
  workspace.cleanUp();
  removeReferenceCopies();
});

const run = (...args: string[]) => runCli(args);

const ROWS = [
  'R1,N000000001,05012345678,out,09011112222,2011-04-10 09:00:00,90',
  'R2,N000000001,05012345678,out,0312345678,2011-04-11 09:00:00,30',
];

test('rerate prints what changed per contract, number and call type, then no change the second time', async () => {
  await run('ingest', workspace.writeFile('april.csv', csv(ROWS)), '--db', workspace.dbPath);
  const corrected = copyReferenceData();
  corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
    tariff.rates.find((rate: { id: string }) => rate.id === 'MOBILE').steps[0].price = '18';
  });
  process.env.MEISAI_DATA_DIR = corrected.dataDir;
  const first = await run('rerate', '--month', '2011-04', '--reason', 'mobile rate corrected', '--db', workspace.dbPath);
  expect(first.code).toBe(0);
  // R1: 90 s = 2 units; 2 × 16 = 32 yen before, 2 × 18 = 36 yen after
  expect(first.stdout).toBe(
    [
      're-rated 2011-04: 2 calls of 1 contract; 1 new revision, 0 contracts unchanged',
      'N000000001 2011-04: revision 1 → 2',
      '  all numbers  携帯通話  count 1 → 1, duration 0:01:30.0 → 0:01:30.0, charge 32 → 36',
      '  all numbers  合計  count 2 → 2, duration 0:02:00.0 → 0:02:00.0, charge 40 → 44',
      '  05012345678  携帯通話  count 1 → 1, duration 0:01:30.0 → 0:01:30.0, charge 32 → 36',
      '  05012345678  合計  count 2 → 2, duration 0:02:00.0 → 0:02:00.0, charge 40 → 44',
      '',
    ].join('\n'),
  );
  const second = await run('rerate', '--month', '2011-04', '--db', workspace.dbPath);
  expect(second.stdout).toBe('re-rated 2011-04: 2 calls of 1 contract; 0 new revisions, 1 contract unchanged\n');
  const verbose = await run('rerate', '--month', '2011-04', '--verbose', '--db', workspace.dbPath);
  expect(verbose.stdout).toContain('N000000001 2011-04: no change (revision 2 stands)');
  const old = await run('statement', '--contract', 'N000000001', '--month', '2011-04', '--revision', '1', '--format', 'json', '--db', workspace.dbPath);
  expect(JSON.parse(old.stdout).allNumbers.total.charge).toBe('40');
});

test('close, a late call, rerate refused without --force (exit 2), billed with it', async () => {
  await run('ingest', workspace.writeFile('april.csv', csv(ROWS)), '--db', workspace.dbPath);
  expect((await run('close', '--month', '2011-04', '--db', workspace.dbPath)).stdout).toBe('closed 2011-04: 1 contract, 1 statement issued now, 0 confirmed as issued\n');
  const late = await run('ingest', workspace.writeFile('late.csv', csv(['R3,N000000001,05012345678,out,0312345678,2011-04-30 22:00:00,10'])), '--db', workspace.dbPath);
  expect(late.stdout).toContain('late        1 (calls of closed months: stored, not billed until rerate --force)');
  const refused = await run('rerate', '--month', '2011-04', '--db', workspace.dbPath);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('2011-04 is closed (invoiced)');
  const forced = await run('rerate', '--month', '2011-04', '--force', '--reason', 'late CDRs', '--db', workspace.dbPath);
  expect(forced.stdout).toContain('1 late calls now billed');
  expect(forced.stdout).toContain('  all numbers  一般通話  count 1 → 2, duration 0:00:30.0 → 0:00:40.0, charge 8 → 16');
});

test('--max-reject-rate refuses a file whose rejected share is over it, applying nothing, exit 1', async () => {
  const rows = [...ROWS, 'X1,N000000001,05012345678,sideways,0312345678,2011-04-11 09:00:00,30'];
  const result = await run('ingest', workspace.writeFile('bad.csv', csv(rows)), '--max-reject-rate', '0.25', '--db', workspace.dbPath, '--json');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('1 of 3 records rejected (33.33%), over --max-reject-rate 0.25');
  expect(JSON.parse(result.stdout)).toMatchObject({ files: 0, failed: 1, read: 0 });
  const within = await run('ingest', workspace.writeFile('bad.csv', csv(rows)), '--max-reject-rate', '0.5', '--db', workspace.dbPath, '--json');
  expect(within.code).toBe(0);
});
