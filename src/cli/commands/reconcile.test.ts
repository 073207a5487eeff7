import { loadReferenceData } from '../../reference/referenceData';
import { buildCurrentStatement } from '../../statement/loadStatement';
import { issueRevision } from '../../statement/revisions';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { openStore } from '../../store/sqlite/connection';
import { createWorkspace, csv, TempWorkspace } from '../../test-support/tempStore';
import { runCli } from '../../test-support/runCli';

/**
 * `meisai reconcile` on real SQLite stores, tampered with by SQL as a careless hand or a bug
 * would: each kind of damage fails its own check (and only the checks it must), exit 1, with the
 * report on stdout and one line on stderr; an untouched store exits 0.
 */
let workspace: TempWorkspace;
beforeEach(async () => {
  workspace = createWorkspace();
  workspace.db.close(); // the commands open the store themselves
  expect((await run('ingest', workspace.writeFile('day.csv', csv(ROWS)))).code).toBe(0);
});
afterEach(() => workspace.cleanUp());

const ROWS = [
  'C1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180', // general: 1 unit, 8 yen
  'C2,N000000001,05012345678,out,09011112222,2011-04-01 10:00:00,61', // mobile: 2 units of 60 s, 32 yen
  'C3,N000000001,05087654321,in,09011112222,2011-04-02 10:00:00,600', // 着割-eligible, capped at that number's 0 yen
  'C4,N000000001,05012345678,sideways,0312345678,2011-04-01 10:00:00,5', // rejected BAD_DIRECTION
  'C1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180', // duplicate of line 2
  'C5,N000000002,05011110000,out,0312345678,2011-04-03 12:00:00,30', // another contract: general, 8 yen
];

const run = (...args: string[]) => runCli([...args, '--db', workspace.dbPath]);

interface JsonReport {
  month: string;
  contract: string | null;
  ok: boolean;
  checks: {
    name: string;
    title: string;
    ok: boolean;
    details: { kind: 'difference' | 'information'; message: string }[];
  }[];
}

async function reconcileJson(...args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await run('reconcile', '--month', '2011-04', '--json', ...args);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

function failingChecks(report: JsonReport): string[] {
  return report.checks.filter((check) => !check.ok).map((check) => check.name);
}

function differences(report: JsonReport, name: string): string[] {
  const check = report.checks.find((candidate) => candidate.name === name)!;
  return check.details.filter((detail) => detail.kind === 'difference').map((detail) => detail.message);
}

function informationOf(report: JsonReport, name: string): string[] {
  const check = report.checks.find((candidate) => candidate.name === name)!;
  return check.details.filter((detail) => detail.kind === 'information').map((detail) => detail.message);
}

function tamper(sql: string): void {
  const db = openStore(workspace.dbPath);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

describe('meisai reconcile on an untouched store', () => {
  test('everything agrees: exit 0, "OK" on every line, nothing on stderr', async () => {
    const result = await run('reconcile', '--month', '2011-04');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').filter((line) => !line.startsWith('  '))).toEqual([
      'reconcile 2011-04: OK',
      'store integrity: OK',
      'record_ids billed once: OK',
      'totals from calls: OK',
      'statements: OK',
      'files: OK',
      '',
    ]);
  });

  test('--json prints one object: month, ok and the checks with their details', async () => {
    const { code, report } = await reconcileJson('--contract', 'N000000001');
    expect(code).toBe(0);
    expect(report).toEqual({
      month: '2011-04',
      contract: 'N000000001',
      ok: true,
      checks: [
        { name: 'integrity', title: 'store integrity', ok: true, details: expect.any(Array) },
        { name: 'record-ids', title: 'record_ids billed once', ok: true, details: expect.any(Array) },
        { name: 'totals', title: 'totals from calls', ok: true, details: expect.any(Array) },
        { name: 'statements', title: 'statements', ok: true, details: expect.any(Array) },
        { name: 'files', title: 'files', ok: true, details: expect.any(Array) },
      ],
    });
    for (const check of report.checks) {
      for (const detail of check.details) expect(Object.keys(detail).sort()).toEqual(['kind', 'message']);
    }
    // C1 and C2 outbound, C3 inbound: 3 calls of N000000001 make 2 number/type rows and 1 着割 row
    expect(informationOf(report, 'totals')[0]).toBe(
      '3 calls of the month make 2 number/type rows and 1 着割 rows; the store holds 2 and 1',
    );
    // One contract's reconcile leaves the store-wide checks (every page, every file's rows) to the month-wide one, saying so.
    const storeWide = ['store-wide: not run for one contract; `reconcile --month` without --contract runs it'];
    expect(informationOf(report, 'files')).toEqual(storeWide);
    expect(informationOf(report, 'integrity')).toEqual(storeWide);
    expect(informationOf(report, 'record-ids')).toEqual(storeWide);
    const monthWide = (await reconcileJson()).report;
    expect(informationOf(monthWide, 'files')).toEqual([
      "1 file, 6 records read, each file's read = accepted + rejected + duplicates + skipped checked against its rows",
    ]);
    expect(informationOf(monthWide, 'integrity')).toEqual([
      'SQLite quick_check: ok (pages, b-trees and records of the file are sound)',
    ]);
    expect(informationOf(monthWide, 'record-ids')).toEqual([
      'no record_id is stored as two calls within a month and its neighbours',
    ]);
  });

  test('a month after it is closed, and after a re-rate, still agrees', async () => {
    expect((await run('close', '--month', '2011-04')).code).toBe(0);
    const closed = await reconcileJson();
    expect(closed.code).toBe(0);
    expect(informationOf(closed.report, 'statements')).toEqual([
      'N000000001 2011-04: closed month, revision 1 has the figures of the statement built now',
      'N000000002 2011-04: closed month, revision 1 has the figures of the statement built now',
    ]);
    expect((await run('rerate', '--month', '2011-04', '--force')).code).toBe(0);
    expect((await reconcileJson()).code).toBe(0);
  });
});

describe('meisai reconcile on a tampered store', () => {
  test('a totals row changed: the totals check fails, naming the row and both values', async () => {
    tamper("UPDATE number_type_totals SET calls = calls + 1 WHERE number = '05012345678' AND call_type = 'mobile'");
    const { code, report, stderr } = await reconcileJson();
    expect(code).toBe(1);
    expect(stderr).toBe('meisai: reconcile 2011-04: differences in totals (1); the report is on stdout\n');
    expect(failingChecks(report)).toEqual(['totals']);
    expect(differences(report, 'totals')).toEqual([
      'number_type_totals N000000001 2011-04 05012345678 mobile: calls stored 2, from the calls 1',
    ]);
  });

  test("a call's charge changed: the totals no longer come from the calls", async () => {
    tamper("UPDATE calls SET charge_scaled = charge_scaled + 10000 WHERE record_id = 'C1'");
    const { code, report } = await reconcileJson();
    expect(code).toBe(1);
    expect(failingChecks(report)).toEqual(['totals']);
    expect(differences(report, 'totals')).toEqual([
      'number_type_totals N000000001 2011-04 05012345678 general: charge_scaled stored 80000 (8 yen), from the calls 90000 (9 yen)',
    ]);
  });

  test('a totals row deleted, and one added that no call makes, are both reported', async () => {
    tamper(`DELETE FROM chakuwari_totals WHERE number = '05087654321';
            INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled) VALUES ('N000000001', '2011-04', '05012345678', 'phs', 1, 10, 200000)`);
    const { report } = await reconcileJson();
    expect(differences(report, 'totals')).toEqual([
      'number_type_totals N000000001 2011-04 05012345678 phs: stored (calls 1, duration_tenths 10 (0:00:01.0), charge_scaled 200000 (20 yen)) but no call of the month makes it',
      'chakuwari_totals N000000001 2011-04 05087654321: missing; the calls give calls 1, duration_tenths 6000 (0:10:00.0), duration_ms 600000',
    ]);
  });

  test("a file's accepted count changed: the files check fails against the rows of the file", async () => {
    tamper('UPDATE files SET accepted = accepted + 1, rejected = rejected - 1');
    const { code, report } = await reconcileJson();
    expect(code).toBe(1);
    expect(failingChecks(report)).toEqual(['files']);
    expect(differences(report, 'files')).toEqual([
      'file 1 (day.csv): accepted 5 but the calls table holds 4 rows of the file',
      'file 1 (day.csv): rejected 0 but the rejects table holds 1 rows of the file',
    ]);
  });

  test("a file's records_read that no longer adds up (the CHECK constraint switched off) fails the files check", async () => {
    tamper('PRAGMA ignore_check_constraints = ON; UPDATE files SET records_read = 7');
    const { report } = await reconcileJson();
    expect(differences(report, 'files')).toEqual([
      'file 1 (day.csv): records_read 7 but accepted 4 + rejected 1 + duplicates 1 + skipped 0 = 6',
    ]);
  });

  test('an issued revision edited so it no longer foots: the statements check fails', async () => {
    const db = openStore(workspace.dbPath);
    const store = new SqliteStore(db);
    await issueRevision(
      store,
      await buildCurrentStatement(store, loadReferenceData(), 'N000000001', '2011-04'),
      'issued for the test',
    );
    const stored = JSON.parse(
      (
        db.prepare("SELECT statement_json AS json FROM statements WHERE contract_id = 'N000000001'").get() as {
          json: string;
        }
      ).json,
    );
    stored.allNumbers.total.count = 3; // its call rows are 1 general + 1 mobile = 2
    db.prepare("UPDATE statements SET statement_json = ? WHERE contract_id = 'N000000001'").run(
      JSON.stringify(stored, null, 2),
    );
    db.close();

    const { code, report } = await reconcileJson();
    expect(code).toBe(1);
    expect(failingChecks(report)).toEqual(['statements']);
    expect(differences(report, 'statements')).toEqual([
      'N000000001 2011-04, issued revision 1: its JSON no longer has the sha256 recorded when it was issued (edited since)',
      'N000000001 2011-04, issued revision 1 does not foot: all numbers, 合計 (total) count: its call rows add up to 2, its total row says 3',
      'N000000001 2011-04, issued revision 1 does not foot: all numbers, 合計 (total) count: its per-number 合計 (total) rows add up to 2, its all-number row says 3',
    ]);
    // An open month: the figures built now differ from what was issued, which is information only.
    expect(informationOf(report, 'statements')).toContain(
      'N000000001 2011-04: figures not yet issued: the statement built now differs from revision 1 in 1 figure ' +
        '(first: all numbers, 合計 (total) count: revision 1 3, now 2; revision 1 does not foot: its call rows add up to 2, its total row says 3; and its per-number 合計 (total) rows add up to 2, its all-number row says 3; now foots)',
    );
  });

  test('a closed month whose totals were changed: totals and statements both fail', async () => {
    expect((await run('close', '--month', '2011-04')).code).toBe(0);
    tamper(
      "UPDATE number_type_totals SET charge_scaled = charge_scaled + 80000 WHERE number = '05012345678' AND call_type = 'general'",
    );
    const { code, report } = await reconcileJson();
    expect(code).toBe(1);
    expect(failingChecks(report)).toEqual(['totals', 'statements']);
    expect(differences(report, 'statements')).toEqual([
      'N000000001 2011-04: closed month, the statement built now differs from issued revision 1 (changed since the month was invoiced): all numbers, 一般通話 (general) charge: revision 1 8, now 16; revision 1 foots; now foots',
      'N000000001 2011-04: closed month, the statement built now differs from issued revision 1 (changed since the month was invoiced): all numbers, 合計 (total) charge: revision 1 40, now 48; revision 1 foots; now foots',
      'N000000001 2011-04: closed month, the statement built now differs from issued revision 1 (changed since the month was invoiced): number 05012345678, 一般通話 (general) charge: revision 1 8, now 16; revision 1 foots; now foots',
      'N000000001 2011-04: closed month, the statement built now differs from issued revision 1 (changed since the month was invoiced): number 05012345678, 合計 (total) charge: revision 1 40, now 48; revision 1 foots; now foots',
    ]);
  });

  test('late calls are information; late calls billed without a re-rate fail totals and the closed statement', async () => {
    expect((await run('close', '--month', '2011-04')).code).toBe(0);
    const late = workspace.writeFile(
      'late.csv',
      csv(['L1,N000000001,05012345678,out,0312345678,2011-04-20 09:00:00,100']),
    );
    expect((await run('ingest', late)).code).toBe(0);
    const held = await reconcileJson();
    expect(held.code).toBe(0);
    expect(informationOf(held.report, 'totals')).toContain(
      'held out of the totals: 1 late call (until rerate --force), 0 unrated calls',
    );

    // L1 (100 s: 1 unit, 8 yen) added to the totals behind the closed statement's back
    tamper(
      "UPDATE number_type_totals SET calls = calls + 1, duration_tenths = duration_tenths + 1000, charge_scaled = charge_scaled + 80000 WHERE number = '05012345678' AND call_type = 'general'",
    );
    const billed = await reconcileJson();
    expect(billed.code).toBe(1);
    expect(failingChecks(billed.report)).toEqual(['totals', 'statements']);

    // The proper way: rerate --force bills it in a new revision, and everything agrees again.
    tamper(
      "UPDATE number_type_totals SET calls = calls - 1, duration_tenths = duration_tenths - 1000, charge_scaled = charge_scaled - 80000 WHERE number = '05012345678' AND call_type = 'general'",
    );
    expect((await run('rerate', '--month', '2011-04', '--force')).code).toBe(0);
    const rerated = await reconcileJson();
    expect(rerated.code).toBe(0);
    expect(informationOf(rerated.report, 'totals')).toContain(
      'held out of the totals: 0 late calls (until rerate --force), 0 unrated calls',
    );
  });
});

describe('meisai reconcile --against', () => {
  const STATEMENT_CSV_HEADER =
    'contract,month,revision,scope,number,section,type,label,count,duration_tenths,duration,amount';

  test("meisai's own CSV statement, read back, agrees: exit 0", async () => {
    const printed = await run('statement', '--contract', 'N000000001', '--month', '2011-04', '--format', 'csv');
    const result = await run(
      'reconcile',
      '--month',
      '2011-04',
      '--against',
      workspace.writeFile('ours.csv', printed.stdout),
    );
    expect(result.stdout).toContain('against ours.csv: OK');
    expect(result.code).toBe(0);
  });

  test.each(['cp932', 'utf8bom'])("meisai's own CSV statement written as %s bytes agrees", async (encoding) => {
    const statement = await runCli(
      [
        'statement',
        '--contract',
        'N000000001',
        '--month',
        '2011-04',
        '--format',
        'csv',
        '--csv-encoding',
        encoding,
        '--db',
        workspace.dbPath,
      ],
      { bytes: true },
    );
    expect(statement.code).toBe(0);
    const file = workspace.writeFile(`ours-${encoding}.csv`, statement.stdoutBytes);
    const result = await run('reconcile', '--month', '2011-04', '--against', file);
    expect(result.stdout).toContain(`against ours-${encoding}.csv: OK`);
    expect(result.code).toBe(0);
  });

  test("meisai's own JSON statement agrees; --revision compares with an issued revision", async () => {
    const printed = await run('statement', '--contract', 'N000000001', '--month', '2011-04', '--format', 'json');
    const file = workspace.writeFile('ours.json', printed.stdout);
    expect((await run('reconcile', '--month', '2011-04', '--against', file)).code).toBe(0);
    expect((await run('close', '--month', '2011-04')).code).toBe(0);
    const { code, report } = await reconcileJson('--against', file, '--revision', '1');
    expect(code).toBe(0);
    // printed while the month was open: "revision": null, nothing issued to name
    expect(informationOf(report, 'against')[0]).toBe('theirs: N000000001 2011-04; ours: revision 1 (issued)');
  });

  test('--revision of a revision never issued: a difference naming it', async () => {
    const printed = await run('statement', '--contract', 'N000000001', '--month', '2011-04', '--format', 'json');
    const { code, report } = await reconcileJson(
      '--against',
      workspace.writeFile('ours.json', printed.stdout),
      '--revision',
      '3',
    );
    expect(code).toBe(1);
    expect(differences(report, 'against')).toEqual([
      'meisai has no statement to compare with: no revision 3 of the statement of N000000001 2011-04',
    ]);
  });

  test('a number only in theirs and a figure of one number: each a difference, the contract taken from the file', async () => {
    const file = workspace.writeFile(
      'theirs.csv',
      [
        STATEMENT_CSV_HEADER,
        'N000000001,2011-04,,number,050-1234-5678,call,general,一般通話,1,,0:03:00.0,9',
        'N000000001,2011-04,,number,050-9999-0000,call,general,一般通話,1,,0:03:00.0,8',
      ].join('\r\n'),
    );
    const { code, report } = await reconcileJson('--against', file);
    expect(code).toBe(1);
    expect(failingChecks(report)).toEqual(['against']);
    expect(differences(report, 'against')).toEqual([
      'number 05012345678, 一般通話 (general) charge: theirs 9, ours 8; theirs foots; ours foots',
      'number 05012345678, 国際通話 (international): only ours has this row (count 0, duration 0:00:00.0, amount 0)',
      'number 05012345678, 携帯通話 (mobile): only ours has this row (count 1, duration 0:01:01.0, amount 32)',
      'number 05012345678, IP通話 (ip): only ours has this row (count 0, duration 0:00:00.0, amount 0)',
      'number 05012345678, PHS通話 (phs): only ours has this row (count 0, duration 0:00:00.0, amount 0)',
      'number 05012345678, 合計 (total): only ours has this row (count 2, duration 0:04:01.0, amount 40)',
      'number 05012345678, 着割 (chakuwari): only ours has this row (count 0, duration 0:00:00.0, amount 0)',
      'number 05087654321: only ours has this table (total count 0, duration 0:00:00.0, amount 0)',
      'number 05099990000: only theirs has this table',
    ]);
    expect(informationOf(report, 'against')).toContain(
      'theirs gives no all-number table: the per-number tables alone are compared',
    );
  });

  test('a file of another month is bad usage (exit 2); of another contract than --contract too', async () => {
    const file = workspace.writeFile(
      'may.csv',
      `${STATEMENT_CSV_HEADER}\nN000000001,2011-05,,all,,total,,,1,,0:00:01.0,1\n`,
    );
    const otherMonth = await run('reconcile', '--month', '2011-04', '--against', file);
    expect(otherMonth.code).toBe(2);
    expect(otherMonth.stderr).toContain('is the statement of 2011-05, not of --month 2011-04');
    const april = workspace.writeFile(
      'april.csv',
      `${STATEMENT_CSV_HEADER}\nN000000001,2011-04,,all,,total,,,1,,0:00:01.0,1\n`,
    );
    expect((await run('reconcile', '--month', '2011-04', '--contract', 'N000000002', '--against', april)).code).toBe(2);
    expect((await run('reconcile', '--month', '2011-04', '--revision', '1')).code).toBe(2);
  });

  test('an unreadable file exits 1 naming the problem; a contract without a statement is a difference', async () => {
    const missing = await run('reconcile', '--month', '2011-04', '--against', `${workspace.directory}/nope.csv`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.csv: ENOENT');
    const broken = await run(
      'reconcile',
      '--month',
      '2011-04',
      '--against',
      workspace.writeFile('broken.csv', 'a,b\n1,2\n'),
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not a statement meisai can compare: the header lacks the columns');
    const stranger = workspace.writeFile(
      'stranger.csv',
      `${STATEMENT_CSV_HEADER}\nN000000009,2011-04,,all,,total,,,1,,0:00:01.0,1\n`,
    );
    const { code, report } = await reconcileJson('--against', stranger);
    expect(code).toBe(1);
    expect(differences(report, 'against')[0]).toEqual(
      'meisai has no statement to compare with: contract N000000009 has no calls in 2011-04',
    );
  });
});
