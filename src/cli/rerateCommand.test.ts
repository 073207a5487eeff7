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
  const first = await run(
    'rerate',
    '--month',
    '2011-04',
    '--reason',
    'mobile rate corrected',
    '--db',
    workspace.dbPath,
  );
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
  const old = await run(
    'statement',
    '--contract',
    'N000000001',
    '--month',
    '2011-04',
    '--revision',
    '1',
    '--format',
    'json',
    '--db',
    workspace.dbPath,
  );
  expect(JSON.parse(old.stdout).allNumbers.total.charge).toBe('40');
});

test('close, a late call, rerate refused without --force (exit 2), billed with it', async () => {
  await run('ingest', workspace.writeFile('april.csv', csv(ROWS)), '--db', workspace.dbPath);
  expect((await run('close', '--month', '2011-04', '--db', workspace.dbPath)).stdout).toBe(
    'closed 2011-04: 1 contract, 1 statement issued now, 0 confirmed as issued\n',
  );
  const late = await run(
    'ingest',
    workspace.writeFile('late.csv', csv(['R3,N000000001,05012345678,out,0312345678,2011-04-30 22:00:00,10'])),
    '--db',
    workspace.dbPath,
  );
  expect(late.stdout).toContain('late        1 (calls of closed months: stored, not billed until rerate --force)');
  const refused = await run('rerate', '--month', '2011-04', '--db', workspace.dbPath);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('2011-04 is closed (invoiced)');
  const forced = await run(
    'rerate',
    '--month',
    '2011-04',
    '--force',
    '--reason',
    'late CDRs',
    '--db',
    workspace.dbPath,
  );
  expect(forced.stdout).toContain('1 late call now billed');
  expect(forced.stdout).toContain(
    '  all numbers  一般通話  count 1 → 2, duration 0:00:30.0 → 0:00:40.0, charge 8 → 16',
  );
});

test('--max-reject-rate refuses a file whose rejected share is over it, applying nothing, exit 1', async () => {
  const rows = [...ROWS, 'X1,N000000001,05012345678,sideways,0312345678,2011-04-11 09:00:00,30'];
  const result = await run(
    'ingest',
    workspace.writeFile('bad.csv', csv(rows)),
    '--max-reject-rate',
    '0.25',
    '--db',
    workspace.dbPath,
    '--json',
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('1 of 3 records rejected (33.33%), over --max-reject-rate 0.25');
  expect(JSON.parse(result.stdout)).toMatchObject({ files: 0, failed: 1, read: 0 });
  const within = await run(
    'ingest',
    workspace.writeFile('bad.csv', csv(rows)),
    '--max-reject-rate',
    '0.5',
    '--db',
    workspace.dbPath,
    '--json',
  );
  expect(within.code).toBe(0);
});

describe('rerate --dry-run and a big re-rate', () => {
  const mobileAt18 = (): void => {
    const corrected = copyReferenceData();
    corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
      tariff.rates.find((rate: { id: string }) => rate.id === 'MOBILE').steps[0].price = '18';
    });
    process.env.MEISAI_DATA_DIR = corrected.dataDir;
  };

  test('--dry-run prints the same report and writes nothing: no revision, the totals as they were', async () => {
    await run('ingest', workspace.writeFile('april.csv', csv(ROWS)), '--db', workspace.dbPath);
    mobileAt18();
    const dry = await run('rerate', '--month', '2011-04', '--dry-run', '--db', workspace.dbPath);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n').slice(0, 3)).toEqual([
      'dry run, nothing written: would re-rate 2011-04: 2 calls of 1 contract; 1 new revision, 0 contracts unchanged',
      'N000000001 2011-04: revision 1 → 2',
      '  all numbers  携帯通話  count 1 → 1, duration 0:01:30.0 → 0:01:30.0, charge 32 → 36',
    ]);
    expect(
      JSON.parse((await run('rerate', '--month', '2011-04', '--dry-run', '--json', '--db', workspace.dbPath)).stdout),
    ).toMatchObject({ dryRun: true });
    expect(
      (await run('revisions', '--contract', 'N000000001', '--month', '2011-04', '--db', workspace.dbPath)).code,
    ).toBe(1);
    const statement = await run(
      'statement',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--format',
      'json',
      '--db',
      workspace.dbPath,
    );
    expect(JSON.parse(statement.stdout).allNumbers.total.charge).toBe('40');
    const real = await run('rerate', '--month', '2011-04', '--db', workspace.dbPath);
    expect(real.stdout.split('\n')[0]).toBe(
      're-rated 2011-04: 2 calls of 1 contract; 1 new revision, 0 contracts unchanged',
    );
  });

  test('past 10 changed contracts, a summary: the total before → after with separators and the largest changes; --verbose lists every row', async () => {
    // 12 contracts; contract i has i + 1 mobile calls of 90 s (2 units each): 32 yen → 36 yen a call
    const rows: string[] = [];
    for (let contract = 1; contract <= 12; contract += 1) {
      for (let call = 0; call <= contract; call += 1) {
        rows.push(
          `B${contract}-${call},N${String(contract).padStart(9, '0')},050${String(contract).padStart(8, '0')},out,09011112222,2011-04-10 09:${String(call).padStart(2, '0')}:00,90`,
        );
      }
    }
    // and one contract with 40 calls, 1,280 yen → 1,440 yen
    for (let call = 0; call < 40; call += 1)
      rows.push(
        `BIG-${call},N000000099,05000000099,out,09011112222,2011-04-11 09:${String(call).padStart(2, '0')}:00,90`,
      );
    await run('ingest', workspace.writeFile('april.csv', csv(rows)), '--db', workspace.dbPath);
    mobileAt18();
    const dry = await run('rerate', '--month', '2011-04', '--dry-run', '--db', workspace.dbPath);
    const lines = dry.stdout.trimEnd().split('\n');
    // before: (2 + 3 + … + 13) × 32 + 1,280 = 90 × 32 + 1,280 = 4,160; after: 90 × 36 + 1,440 = 4,680
    expect(lines.slice(0, 4)).toEqual([
      'dry run, nothing written: would re-rate 2011-04: 130 calls of 13 contracts; 13 new revisions, 0 contracts unchanged',
      'total charge of the changed contracts: 4,160 → 4,680 yen (+520)',
      'largest changes (10 of 13; every contract with --verbose or --json):',
      '  N000000099 2011-04: revision 1 → 2, charge 1,280 → 1,440 (+160)',
    ]);
    expect(lines).toHaveLength(13);
    expect(lines[12]).toBe('  N000000004 2011-04: revision 1 → 2, charge 160 → 180 (+20)'); // 5 calls × 32 → × 36
    const verbose = await run('rerate', '--month', '2011-04', '--dry-run', '--verbose', '--db', workspace.dbPath);
    expect(verbose.stdout).toContain(
      '  all numbers  合計  count 40 → 40, duration 1:00:00.0 → 1:00:00.0, charge 1,280 → 1,440',
    );
    const json = JSON.parse(
      (await run('rerate', '--month', '2011-04', '--dry-run', '--json', '--db', workspace.dbPath)).stdout,
    );
    expect(json.contracts).toHaveLength(13);
  });
});

describe('revisions told apart', () => {
  test('an open month never issued prints "revision": null, "issued": false, and no revision line', async () => {
    await run('ingest', workspace.writeFile('april.csv', csv(ROWS)), '--db', workspace.dbPath);
    const json = await run(
      'statement',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--format',
      'json',
      '--db',
      workspace.dbPath,
    );
    expect(json.stdout).toMatch(/"taxIncluded": false,\n  "revision": null,\n  "issued": false,\n  "allNumbers"/);
    const text = await run('statement', '--contract', 'N000000001', '--month', '2011-04', '--db', workspace.dbPath);
    expect(text.stdout).not.toContain('版');
  });

  test("revision 1 and 2 show 第N版 and their reason in text and HTML; an issued revision's JSON is the stored one", async () => {
    await run('ingest', workspace.writeFile('april.csv', csv(ROWS)), '--db', workspace.dbPath);
    expect((await run('close', '--month', '2011-04', '--db', workspace.dbPath)).code).toBe(0);
    await run(
      'ingest',
      workspace.writeFile('late.csv', csv(['R3,N000000001,05012345678,out,0312345678,2011-04-30 22:00:00,10'])),
      '--db',
      workspace.dbPath,
    );
    expect(
      (await run('rerate', '--month', '2011-04', '--force', '--reason', 'late CDRs\u001b[2J', '--db', workspace.dbPath))
        .code,
    ).toBe(0);
    const statement = (...args: string[]) =>
      run('statement', '--contract', 'N000000001', '--month', '2011-04', ...args, '--db', workspace.dbPath);
    const first = (await statement('--revision', '1')).stdout.split('\n');
    const second = (await statement()).stdout.split('\n');
    expect(first[1]).toBe('第1版 (発行理由: month closed)');
    // the reason's ESC is shown escaped, never sent to the terminal
    expect(second[1]).toBe('第2版 (発行理由: late CDRs\\x1b[2J)');
    const html = (await statement('--revision', '2', '--format', 'html')).stdout;
    expect(html).toContain('<span class="value revision">第2版 (発行理由: late CDRs\\x1b[2J)</span>');
    const json = JSON.parse((await statement('--format', 'json')).stdout);
    expect(json.revision).toBe(2);
    expect(json.issued).toBeUndefined();
  });
});
