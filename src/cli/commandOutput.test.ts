import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { copyReferenceData, removeReferenceCopies } from '../test-support/referenceVariant';
import { runCli } from '../test-support/runCli';

/** Commands say what they did, briefly: a summary, the contracts that changed or differ, all of them with --verbose. */
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

/** Three contracts in April: only N000000002 makes a mobile call. */
const APRIL = [
  'A1,N000000001,05012345678,out,0312345678,2011-04-10 09:00:00,30',
  'B1,N000000002,05022223333,out,09011112222,2011-04-10 09:00:00,90',
  'B2,N000000002,05022223333,out,0312345678,2011-04-11 09:00:00,30',
  'C1,N000000003,05033334444,out,0312345678,2011-04-12 09:00:00,30',
];

async function ingestApril(): Promise<void> {
  expect((await run('ingest', workspace.writeFile('april.csv', csv(APRIL)), '--db', workspace.dbPath)).code).toBe(0);
}

function correctMobileRate(): void {
  const corrected = copyReferenceData();
  corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
    tariff.rates.find((rate: { id: string }) => rate.id === 'MOBILE').steps[0].price = '18';
  });
  process.env.MEISAI_DATA_DIR = corrected.dataDir;
}

describe('rerate', () => {
  test('on an open month without a change says no revision was issued, not that revision 1 stands', async () => {
    await ingestApril();
    const result = await run('rerate', '--month', '2011-04', '--contract', 'N000000001', '--db', workspace.dbPath);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('N000000001 2011-04: no change (no revision issued)');
    expect(result.stdout).not.toContain('stands');
  });

  test('a whole month prints a summary and the contracts that changed; --verbose also the unchanged ones', async () => {
    await ingestApril();
    correctMobileRate();
    const result = await run(
      'rerate',
      '--month',
      '2011-04',
      '--reason',
      'mobile rate corrected',
      '--db',
      workspace.dbPath,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('re-rated 2011-04: 4 calls of 3 contracts; 1 new revision, 2 contracts unchanged');
    expect(lines).toContain('N000000002 2011-04: revision 1 → 2');
    expect(result.stdout).not.toContain('N000000001');
    expect(result.stdout).not.toContain('N000000003');

    const verbose = await run('rerate', '--month', '2011-04', '--verbose', '--db', workspace.dbPath);
    expect(verbose.stdout).toContain('N000000001 2011-04: no change (no revision issued)');
    expect(verbose.stdout).toContain('N000000002 2011-04: no change (revision 2 stands)');
    expect(verbose.stdout).toContain('N000000003 2011-04: no change (no revision issued)');
  });
});

describe('close', () => {
  test('a whole month prints a summary, not one line per contract; --verbose lists each', async () => {
    await ingestApril();
    const result = await run('close', '--month', '2011-04', '--db', workspace.dbPath);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('closed 2011-04: 3 contracts, 3 statements issued now, 0 confirmed as issued\n');
  });

  test("--verbose lists each contract's revision", async () => {
    await ingestApril();
    const result = await run('close', '--month', '2011-04', '--verbose', '--db', workspace.dbPath);
    expect(result.stdout.split('\n')).toEqual([
      'closed 2011-04: 3 contracts, 3 statements issued now, 0 confirmed as issued',
      '  N000000001  revision 1 (issued now)',
      '  N000000002  revision 1 (issued now)',
      '  N000000003  revision 1 (issued now)',
      '',
    ]);
  });

  test('a contract issued a new revision over an earlier one is listed: its figures changed since', async () => {
    await ingestApril();
    correctMobileRate();
    await run('rerate', '--month', '2011-04', '--db', workspace.dbPath); // N000000002: revisions 1 and 2
    const more = csv(['B3,N000000002,05022223333,out,0312345678,2011-04-20 09:00:00,30']);
    expect((await run('ingest', workspace.writeFile('more.csv', more), '--db', workspace.dbPath)).code).toBe(0);
    const result = await run('close', '--month', '2011-04', '--db', workspace.dbPath);
    expect(result.stdout).toBe(
      'closed 2011-04: 3 contracts, 3 statements issued now, 0 confirmed as issued\n  N000000002  revision 3 (issued now: figures changed since revision 2)\n',
    );
  });

  test('a month without calls is refused (exit 1), and not closed', async () => {
    await ingestApril();
    const result = await run('close', '--month', '2011-05', '--db', workspace.dbPath);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'meisai: 2011-05 has no calls: nothing to close (add --allow-empty to close it anyway)\n',
    );
    const late = await run(
      'ingest',
      workspace.writeFile('may.csv', csv(['M1,N000000001,05012345678,out,0312345678,2011-05-02 09:00:00,30'])),
      '--db',
      workspace.dbPath,
      '--json',
    );
    expect(JSON.parse(late.stdout).late).toBe(0);
  });

  test('--allow-empty closes a month without calls', async () => {
    await ingestApril();
    const result = await run('close', '--month', '2011-05', '--allow-empty', '--db', workspace.dbPath);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('closed 2011-05: 0 contracts, 0 statements issued now, 0 confirmed as issued\n');
  });
});

describe('reconcile', () => {
  test('a whole month tells the contracts that agree as one line each kind; --verbose lists each', async () => {
    await ingestApril();
    const result = await run('reconcile', '--month', '2011-04', '--db', workspace.dbPath);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  - 3 contracts: open month, no revision issued yet: nothing issued to compare\n');
    expect(result.stdout).not.toContain('N000000002');
    const verbose = await run('reconcile', '--month', '2011-04', '--verbose', '--db', workspace.dbPath);
    for (const contract of ['N000000001', 'N000000002', 'N000000003']) {
      expect(verbose.stdout).toContain(
        `  - ${contract} 2011-04: open month, no revision issued yet: nothing issued to compare\n`,
      );
    }
  });
});

describe('months', () => {
  test('of a contract without statements exits 1 with a message, as statement does', async () => {
    await ingestApril();
    const result = await run('months', '--contract', 'N000000009', '--db', workspace.dbPath);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('meisai: no statement: contract N000000009 has no calls in any month\n');
  });
});

describe('options', () => {
  test('--number takes every form ingest takes, +81 included', async () => {
    await ingestApril();
    for (const form of ['05022223333', '050-2222-3333', '+81 50 2222 3333', '+81-50-2222-3333']) {
      const result = await run(
        'statement',
        '--contract',
        'N000000002',
        '--month',
        '2011-04',
        '--number',
        form,
        '--format',
        'json',
        '--db',
        workspace.dbPath,
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).numbers.map((number: { number: string }) => number.number)).toEqual([
        '05022223333',
      ]);
    }
  });

  test.each([
    [
      ['statement', '--contract', 'N1', '--month', '2011-04'],
      'meisai: contract "N1" is not valid: expected N and 9 digits, e.g. N000000001\n',
    ],
    [
      ['statement', '--contract', 'N000000001', '--month', '2011-4'],
      'meisai: month "2011-4" is not valid: expected YYYY-MM, e.g. 2011-04\n',
    ],
    [
      ['statement', '--contract', 'N000000001', '--month', '2011-04', '--number', '0901234'],
      'meisai: number "0901234" is not valid: expected an 11-digit 050 number, e.g. 05012345678, 050-1234-5678 or +81 50 1234 5678\n',
    ],
    [
      ['statement', '--contract', 'N000000001', '--month', '2011-04', '--revision', '0'],
      'meisai: revision "0" is not valid: expected a revision number ≥ 1\n',
    ],
    [
      ['ingest', 'x.csv', '--max-reject-rate', '5%'],
      'meisai: --max-reject-rate "5%" is not valid: expected a share between 0 and 1, e.g. 0.05\n',
    ],
  ])('%j says what form is expected (exit 2)', async (args, message) => {
    const result = await run(...args, '--db', workspace.dbPath);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(message);
  });
});

describe('a per-number statement', () => {
  test('is titled with its number, not 全番号合計, as text and as HTML', async () => {
    await ingestApril();
    const text = await run(
      'statement',
      '--contract',
      'N000000002',
      '--month',
      '2011-04',
      '--number',
      '05022223333',
      '--db',
      workspace.dbPath,
    );
    expect(text.stdout).toContain('ご利用明細(050-2222-3333)');
    expect(text.stdout).not.toContain('全番号合計');
    const html = await run(
      'statement',
      '--contract',
      'N000000002',
      '--month',
      '2011-04',
      '--number',
      '05022223333',
      '--format',
      'html',
      '--db',
      workspace.dbPath,
    );
    expect(html.stdout).toContain('ご利用明細(050-2222-3333)');
    expect(html.stdout).not.toContain('全番号合計');
    expect(html.stdout.match(/<table/g)).toHaveLength(1);
  });
});
