import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test-support/runCli';

/**
 * A damaged store, as a disk or a careless hand damages it: bytes flipped in the file, values a
 * reader cannot interpret written by raw SQL. `reconcile` runs SQLite's integrity check first and
 * reports every fault as a difference (exit 1), never an exception; `statement` says in one line
 * that it cannot read the store rather than printing wrong figures or a stack.
 */
const SEED = join(__dirname, '..', '..', '..', 'fixtures', 'seed-2011-04.csv');
let directory: string;
let pristine: string;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'meisai-damage-'));
  pristine = join(directory, 'pristine.sqlite');
  const ingest = await runCli(['ingest', SEED, '--db', pristine]);
  expect(ingest.code).toBe(0);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let copies = 0;
/** A copy of the pristine store, changed by `damage` (bytes of the file, or a connection). */
function damagedCopy(damage: {
  bytes?: (file: Buffer, pageOf: (table: string) => { offset: number; size: number }) => void;
  sql?: string;
}): string {
  copies += 1;
  const path = join(directory, `damaged-${copies}.sqlite`);
  copyFileSync(pristine, path);
  if (damage.sql !== undefined) {
    const db = new Database(path);
    db.exec(damage.sql);
    db.close();
  }
  if (damage.bytes !== undefined) {
    const db = new Database(path, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = new Map(
      (
        db.prepare("SELECT name, pageno FROM dbstat WHERE pagetype = 'leaf'").all() as {
          name: string;
          pageno: number;
        }[]
      ).map((row) => [row.name, row.pageno]),
    );
    db.close();
    const file = readFileSync(path);
    damage.bytes(file, (table) => ({ offset: (pages.get(table)! - 1) * pageSize, size: pageSize }));
    writeFileSync(path, file);
  }
  return path;
}

interface JsonReport {
  ok: boolean;
  checks: { name: string; title: string; ok: boolean; details: { kind: string; message: string }[] }[];
}

async function reconcile(
  dbPath: string,
  month = '2011-04',
): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await runCli(['reconcile', '--month', month, '--json', '--db', dbPath]);
  expect(result.stderr).not.toContain('unexpected failure');
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

function differences(report: JsonReport, name: string): string[] {
  return report.checks
    .find((check) => check.name === name)!
    .details.filter((detail) => detail.kind === 'difference')
    .map((detail) => detail.message);
}

function expectOneLine(stderr: string, fragment: string): void {
  expect(stderr.split('\n').filter((line) => line !== '')).toEqual([expect.stringContaining(fragment)]);
  expect(stderr.startsWith('meisai: ')).toBe(true);
  expect(stderr).not.toContain('unexpected failure');
}

describe('reconcile checks the integrity of the store first', () => {
  test('an untouched store: the integrity check comes first and is OK', async () => {
    const { code, report } = await reconcile(pristine);
    expect(code).toBe(0);
    expect(report.checks.map((check) => check.name)).toEqual([
      'integrity',
      'record-ids',
      'totals',
      'statements',
      'files',
    ]);
    expect(report.checks[0]).toMatchObject({ title: 'store integrity', ok: true });
  });

  test('the page of number_type_totals overwritten: the integrity check fails, exit 1, one line on stderr', async () => {
    const dbPath = damagedCopy({
      bytes: (file, pageOf) => {
        const page = pageOf('number_type_totals');
        file.fill(0xff, page.offset + 3, page.offset + 40); // cell count, content start and the cell pointers
      },
    });
    const { code, report, stderr } = await reconcile(dbPath);
    expect(code).toBe(1);
    expect(report.checks[0]!.name).toBe('integrity');
    expect(report.checks[0]!.ok).toBe(false);
    expect(differences(report, 'integrity').length).toBeGreaterThan(0);
    expectOneLine(stderr, 'differences in integrity');
    const statement = await runCli(['statement', '--contract', 'N000000001', '--month', '2011-04', '--db', dbPath]);
    expect(statement.code).toBe(1);
    expect(statement.stdout).toBe('');
    expectOneLine(statement.stderr, `the store ${dbPath} is damaged`);
  });

  test('single bytes flipped in the cells of number_type_totals: the reconcile of the month of the damaged row fails, none throws', async () => {
    // The seed's calls fall in four months; a flipped row can be of any of them.
    const months = ['2006-12', '2011-03', '2011-04', '2011-05'];
    for (const share of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]) {
      const dbPath = damagedCopy({
        bytes: (file, pageOf) => {
          const page = pageOf('number_type_totals');
          const contentStart = file.readUInt16BE(page.offset + 5) || 65536;
          const at = page.offset + contentStart + Math.floor((page.size - contentStart) * share);
          file[at] = file[at]! ^ 0x5a;
        },
      });
      const codes: number[] = [];
      for (const month of months) {
        const { code, report } = await reconcile(dbPath, month);
        expect(code).toBe(report.ok ? 0 : 1);
        codes.push(code);
      }
      expect({ share, failed: codes.includes(1) }).toEqual({ share, failed: true });
      const statement = await runCli(['statement', '--contract', 'N000000001', '--month', '2011-04', '--db', dbPath]);
      expect(statement.stderr).not.toContain('unexpected failure');
    }
  });
});

describe('values the readers cannot interpret are differences, not exceptions', () => {
  test('a text in an integer column and a call type that does not exist, in number_type_totals', async () => {
    const dbPath = damagedCopy({
      sql: `UPDATE number_type_totals SET calls = 'many' WHERE call_type = 'mobile';
            UPDATE number_type_totals SET call_type = 'satellite' WHERE call_type = 'phs';
            UPDATE chakuwari_totals SET duration_ms = 1.5`,
    });
    const { code, report } = await reconcile(dbPath);
    expect(code).toBe(1);
    const totals = differences(report, 'totals');
    expect(totals).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^number_type_totals N000000001 2011-04 05012345678 mobile: cannot be read: calls is the text 'many', not an integer/,
        ),
        expect.stringMatching(
          /^number_type_totals N000000001 2011-04 05012345678 satellite: cannot be read: call_type 'satellite' is not a call type/,
        ),
        expect.stringMatching(
          /^chakuwari_totals N000000001 2011-04 05012345678: cannot be read: duration_ms is the number 1.5, not an integer/,
        ),
      ]),
    );
    expect(report.checks.find((check) => check.name === 'statements')!.ok).toBe(false);
    const statement = await runCli(['statement', '--contract', 'N000000001', '--month', '2011-04', '--db', dbPath]);
    expect(statement.code).toBe(1);
    expect(statement.stdout).toBe('');
    expectOneLine(statement.stderr, 'cannot read');
  });

  test('a call whose record_id is a blob, and one whose line is 0: named as unreadable, left out of the sums', async () => {
    // reconcile reads record_id and line only for a row that fails its checks or that SQLite flags:
    // damage to them alone must still make the row unreadable.
    const dbPath = damagedCopy({
      sql: `UPDATE call_rows SET record_id = X'4242' WHERE call_id = (SELECT MIN(call_id) FROM calls WHERE direction = 'out' AND month = '2011-04');
            UPDATE call_rows SET line = 0 WHERE call_id = (SELECT MAX(call_id) FROM calls WHERE direction = 'out' AND month = '2011-04')`,
    });
    const { code, report } = await reconcile(dbPath);
    expect(code).toBe(1);
    expect(differences(report, 'totals')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^call a blob of 2 bytes \(file 1, line \d+\): cannot be read: record_id is a blob of 2 bytes, not a text/,
        ),
        expect.stringMatching(/^call SW1-\S+ \(file 1, line 0\): cannot be read: line is the number 0, below 1/),
        // The two calls are left out of the sums: their numbers' totals now differ from the stored.
        expect.stringMatching(/differ|only in the store|stored/),
      ]),
    );
  });

  test('a call whose duration is a text and whose peer class does not exist', async () => {
    const dbPath = damagedCopy({
      sql: `PRAGMA ignore_check_constraints = ON;
            UPDATE calls SET duration_ms = 'long' WHERE record_id = (SELECT MIN(record_id) FROM calls WHERE direction = 'out' AND month = '2011-04');
            UPDATE calls SET peer_class = 'satellite' WHERE record_id = (SELECT MAX(record_id) FROM calls WHERE direction = 'out' AND month = '2011-04')`,
    });
    const { code, report } = await reconcile(dbPath);
    expect(code).toBe(1);
    const totals = differences(report, 'totals');
    expect(totals).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^call SW1-\S+ \(file 1, line \d+\): cannot be read: duration_ms is the text 'long', not an integer/,
        ),
        expect.stringMatching(
          /^call SW1-\S+ \(file 1, line \d+\): cannot be read: peer_class 'satellite' is not a peer class/,
        ),
      ]),
    );
    // Commands that compute from the calls refuse in one line instead of a wrong figure or a stack.
    const calls = await runCli(['calls', '--contract', 'N000000001', '--month', '2011-04', '--db', dbPath]);
    expect(calls.code).toBe(1);
    expect(calls.stdout).toBe('');
    expectOneLine(calls.stderr, "is damaged (duration_ms is the text 'long', not an integer)");
    const before = readFileSync(dbPath);
    const rerate = await runCli(['rerate', '--month', '2011-04', '--db', dbPath]);
    expect(rerate.code).toBe(1);
    expectOneLine(rerate.stderr, 'is damaged');
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });

  test("a file's count that is a text", async () => {
    const dbPath = damagedCopy({ sql: "PRAGMA ignore_check_constraints = ON; UPDATE files SET accepted = 'x'" });
    const { code, report } = await reconcile(dbPath);
    expect(code).toBe(1);
    expect(differences(report, 'files')).toEqual([
      expect.stringMatching(/^file 1 \(seed-2011-04.csv\): cannot be read: accepted is the text 'x', not an integer/),
    ]);
  });
});
