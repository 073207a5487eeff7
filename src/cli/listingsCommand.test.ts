import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { runCli } from '../test-support/runCli';

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
  workspace.db.close(); // the command opens the store itself
});
afterEach(() => workspace.cleanUp());

const run = (...args: string[]) => runCli([...args, '--db', workspace.dbPath]);
const lines = (text: string): string[] => text.split('\r\n').filter((line) => line !== '');

async function ingestCloseAndRerate(): Promise<void> {
  const day = csv([
    'K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180',
    'K2,N000000002,05012345679,out,0312345678,2011-04-01 09:00:00,60',
  ]);
  expect((await run('ingest', workspace.writeFile('day.csv', day))).code).toBe(0);
  expect((await run('close', '--month', '2011-04')).code).toBe(0);
  expect(
    (
      await run(
        'ingest',
        workspace.writeFile('late.csv', csv(['K3,N000000001,05012345678,out,0312345678,2011-04-02 09:00:00,180'])),
      )
    ).code,
  ).toBe(0);
  expect((await run('rerate', '--month', '2011-04', '--force', '--reason', 'late delivery billed')).code).toBe(0);
}

describe('listing the store without SQL', () => {
  test('contracts --month lists the contracts with figures, as CSV and --json', async () => {
    await ingestCloseAndRerate();
    const listed = await run('contracts', '--month', '2011-04', '--csv-encoding', 'utf8');
    expect(listed.code).toBe(0);
    expect(lines(listed.stdout)).toEqual(['contract', 'N000000001', 'N000000002']);
    expect(JSON.parse((await run('contracts', '--month', '2011-04', '--json')).stdout)).toEqual([
      { contract: 'N000000001' },
      { contract: 'N000000002' },
    ]);
    const none = await run('contracts', '--month', '2011-05');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('meisai: no contract has statement figures in 2011-05\n');
  });

  test('files lists each file with its control totals', async () => {
    await ingestCloseAndRerate();
    const listed = await run('files', '--csv-encoding', 'utf8');
    expect(listed.code).toBe(0);
    const [header, day, late] = lines(listed.stdout);
    expect(header).toBe(
      'name,sha256,ingested_at,source,profile,bytes,encoding,read,accepted,rejected,duplicates,skipped,late,recycled,removed_at,removed_by,removal_reason',
    );
    expect(day).toMatch(/^day\.csv,[0-9a-f]{64},\d{4}-\d\d-\d\dT[^,]+,,,\d+,utf8,2,2,0,0,0,0,0,,,$/);
    expect(late).toMatch(/^late\.csv,[0-9a-f]{64},[^,]+,,,\d+,utf8,1,1,0,0,0,1,0,,,$/);
    const json = JSON.parse((await run('files', '--json')).stdout) as { name: string; recordsRead: number }[];
    expect(json.map((file) => [file.name, file.recordsRead])).toEqual([
      ['day.csv', 2],
      ['late.csv', 1],
    ]);
  });

  test("closed-months lists each closed month and when; revisions lists a contract-month's revisions with their reasons", async () => {
    await ingestCloseAndRerate();
    const closed = await run('closed-months', '--csv-encoding', 'utf8');
    expect(lines(closed.stdout)[0]).toBe('month,closed_at');
    expect(lines(closed.stdout)[1]).toMatch(/^2011-04,\d{4}-\d\d-\d\dT/);
    const revisions = await run(
      'revisions',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--csv-encoding',
      'utf8',
    );
    expect(revisions.code).toBe(0);
    expect(
      lines(revisions.stdout).map((line) =>
        line
          .split(',')
          .filter((_, index) => index !== 1 && index !== 3)
          .join(','),
      ),
    ).toEqual(['revision,reason', '1,month closed', '2,late delivery billed']);
    const json = JSON.parse(
      (await run('revisions', '--contract', 'N000000001', '--month', '2011-04', '--json')).stdout,
    ) as { revision: number; reason: string }[];
    expect(json.map(({ revision, reason }) => [revision, reason])).toEqual([
      [1, 'month closed'],
      [2, 'late delivery billed'],
    ]);
  });

  test('revisions of a contract-month never issued says so, exit 1', async () => {
    expect(
      (
        await run(
          'ingest',
          workspace.writeFile('day.csv', csv(['K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180'])),
        )
      ).code,
    ).toBe(0);
    const none = await run('revisions', '--contract', 'N000000001', '--month', '2011-04');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no revision of N000000001 2011-04 has been issued/);
  });
});

async function ingestTwoDeliveries(): Promise<void> {
  const first = csv([
    'K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180',
    'K2,N000000001,05012345678,out,0312345678,2011-04-01 10:00:00,60',
  ]);
  const second = csv([
    'K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180',
    'K3,N000000001,05012345678,out,0312345678,2011-04-02 09:00:00,30',
  ]);
  expect(
    (await run('ingest', workspace.writeFile('first.csv', first), workspace.writeFile('second.csv', second))).code,
  ).toBe(0);
}

describe('meisai files remove', () => {
  test('removes a file, says what left and what was promoted, and files lists who removed it, when and why', async () => {
    await ingestTwoDeliveries();
    const removed = await run('files', 'remove', '--name', 'first.csv', '--reason', 'staging switch', '--by', 'sato');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(
      /^removed first\.csv \(sha256 [0-9a-f]{64}\): 1 call, 0 rejects, 0 duplicates, 0 skips; 1 duplicate of other files promoted; totals of 1 contract-month changed\n/,
    );
    expect(removed.stdout).toContain('  promoted: K1 now billed from second.csv line 2\n');
    const listed = lines((await run('files', '--csv-encoding', 'utf8')).stdout);
    expect(listed[1]).toMatch(
      /^first\.csv,[0-9a-f]{64},[^,]+,,,\d+,utf8,2,2,0,0,0,0,0,\d{4}-\d\d-\d\dT[^,]+,sato,staging switch$/,
    );
    expect(listed[2]).toMatch(/^second\.csv,.*,utf8,2,2,0,0,0,0,0,,,$/);
    expect((await run('reconcile', '--month', '2011-04')).code).toBe(0);
  });

  test('--dry-run --json reports the removal as one object and writes nothing', async () => {
    await ingestTwoDeliveries();
    const before = (await run('files', '--json')).stdout;
    const dry = await run('files', 'remove', '--name', 'first.csv', '--reason', 'check', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      name: 'first.csv',
      dryRun: true,
      removed: { calls: 1, promoted: 1 },
      promoted: [{ recordId: 'K1', fileName: 'second.csv', line: 2 }],
    });
    expect((await run('files', '--json')).stdout).toBe(before);
  });

  test('a closed month is refused with exit 2 unless --force, which issues a new revision', async () => {
    await ingestTwoDeliveries();
    expect((await run('close', '--month', '2011-04')).code).toBe(0);
    const refused = await run('files', 'remove', '--name', 'second.csv', '--reason', 'wrong');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'meisai: second.csv has calls of closed (invoiced) month 2011-04: removing it changes issued statements; add --force to do so (new revisions are issued)\n',
    );
    const forced = await run('files', 'remove', '--name', 'second.csv', '--reason', 'wrong', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('N000000001 2011-04: revision 1 → 2\n');
    expect(
      lines(
        (await run('revisions', '--contract', 'N000000001', '--month', '2011-04', '--csv-encoding', 'utf8')).stdout,
      )[2],
    ).toMatch(/^2,[^,]+,file second\.csv removed: wrong,/);
  });

  test('bad usage and unknown or removed files exit 2 with one line', async () => {
    await ingestTwoDeliveries();
    expect(await run('files', 'remove', '--reason', 'x')).toMatchObject({
      code: 2,
      stderr: 'meisai: files remove needs one of --name NAME or --sha256 HEX\n',
    });
    expect(
      await run('files', 'remove', '--name', 'first.csv', '--sha256', 'a'.repeat(64), '--reason', 'x'),
    ).toMatchObject({ code: 2 });
    expect(await run('files', 'remove', '--name', 'nope.csv', '--reason', 'x')).toMatchObject({
      code: 2,
      stderr: 'meisai: no ingested file named "nope.csv" (meisai files lists them)\n',
    });
    expect(await run('files', 'remove', '--sha256', 'a'.repeat(64), '--reason', 'x')).toMatchObject({
      code: 2,
      stderr: `meisai: no ingested file with sha256 ${'a'.repeat(64)} (meisai files lists them)\n`,
    });
    expect(await run('files', 'remove', '--name', 'first.csv', '--reason', ' ')).toMatchObject({
      code: 2,
      stderr: 'meisai: --reason must say why the file is removed\n',
    });
    expect((await run('files', 'remove', '--name', 'first.csv', '--reason', 'x')).code).toBe(0);
    const twice = await run('files', 'remove', '--name', 'first.csv', '--reason', 'x');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^meisai: first\.csv \(sha256 [0-9a-f]{64}\) was already removed at /);
  });
});
