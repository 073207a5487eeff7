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
  const day = csv(['K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180', 'K2,N000000002,05012345679,out,0312345678,2011-04-01 09:00:00,60']);
  expect((await run('ingest', workspace.writeFile('day.csv', day))).code).toBe(0);
  expect((await run('close', '--month', '2011-04')).code).toBe(0);
  expect((await run('ingest', workspace.writeFile('late.csv', csv(['K3,N000000001,05012345678,out,0312345678,2011-04-02 09:00:00,180'])))).code).toBe(0);
  expect((await run('rerate', '--month', '2011-04', '--force', '--reason', 'late delivery billed')).code).toBe(0);
}

describe('listing the store without SQL', () => {
  test('contracts --month lists the contracts with figures, as CSV and --json', async () => {
    await ingestCloseAndRerate();
    const listed = await run('contracts', '--month', '2011-04', '--csv-encoding', 'utf8');
    expect(listed.code).toBe(0);
    expect(lines(listed.stdout)).toEqual(['contract', 'N000000001', 'N000000002']);
    expect(JSON.parse((await run('contracts', '--month', '2011-04', '--json')).stdout)).toEqual([{ contract: 'N000000001' }, { contract: 'N000000002' }]);
    const none = await run('contracts', '--month', '2011-05');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('meisai: no contract has statement figures in 2011-05\n');
  });

  test('files lists each file with its control totals', async () => {
    await ingestCloseAndRerate();
    const listed = await run('files', '--csv-encoding', 'utf8');
    expect(listed.code).toBe(0);
    const [header, day, late] = lines(listed.stdout);
    expect(header).toBe('name,sha256,ingested_at,source,profile,bytes,encoding,read,accepted,rejected,duplicates,skipped,late,recycled,removed_at,removed_by,removal_reason');
    expect(day).toMatch(/^day\.csv,[0-9a-f]{64},\d{4}-\d\d-\d\dT[^,]+,,,\d+,utf8,2,2,0,0,0,0,0,,,$/);
    expect(late).toMatch(/^late\.csv,[0-9a-f]{64},[^,]+,,,\d+,utf8,1,1,0,0,0,1,0,,,$/);
    const json = JSON.parse((await run('files', '--json')).stdout) as { name: string; recordsRead: number }[];
    expect(json.map((file) => [file.name, file.recordsRead])).toEqual([['day.csv', 2], ['late.csv', 1]]);
  });

  test('closed-months lists each closed month and when; revisions lists a contract-month\'s revisions with their reasons', async () => {
    await ingestCloseAndRerate();
    const closed = await run('closed-months', '--csv-encoding', 'utf8');
    expect(lines(closed.stdout)[0]).toBe('month,closed_at');
    expect(lines(closed.stdout)[1]).toMatch(/^2011-04,\d{4}-\d\d-\d\dT/);
    const revisions = await run('revisions', '--contract', 'N000000001', '--month', '2011-04', '--csv-encoding', 'utf8');
    expect(revisions.code).toBe(0);
    expect(lines(revisions.stdout).map((line) => line.split(',').filter((_, index) => index !== 1 && index !== 3).join(','))).toEqual([
      'revision,reason',
      '1,month closed',
      '2,late delivery billed',
    ]);
    const json = JSON.parse((await run('revisions', '--contract', 'N000000001', '--month', '2011-04', '--json')).stdout) as { revision: number; reason: string }[];
    expect(json.map(({ revision, reason }) => [revision, reason])).toEqual([[1, 'month closed'], [2, 'late delivery billed']]);
  });

  test('revisions of a contract-month never issued says so, exit 1', async () => {
    expect((await run('ingest', workspace.writeFile('day.csv', csv(['K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180'])))).code).toBe(0);
    const none = await run('revisions', '--contract', 'N000000001', '--month', '2011-04');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no revision of N000000001 2011-04 has been issued/);
  });
});
