import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../../reference/referenceData';
import { plural } from '../../text/plural';
import { runCli } from '../../test-support/runCli';
import { formatBill } from './bill';

/** The bill's commands refuse what they cannot do with a clear message and the spec's exit code. */
const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'billing');
let directory: string;
let db: string;

beforeEach(async () => {
  process.env.MEISAI_LOG_LEVEL = 'silent';
  directory = mkdtempSync(join(tmpdir(), 'meisai-bill-cli-'));
  db = join(directory, 'meisai.sqlite');
  expect((await runCli(['customers', 'import', join(FIXTURES, 'tax-changes-customers.csv'), '--db', db])).code).toBe(0);
  expect((await runCli(['ingest', join(FIXTURES, 'tax-changes.csv'), '--db', db])).code).toBe(0);
});
afterEach(() => {
  delete process.env.MEISAI_DATA_DIR;
  rmSync(directory, { recursive: true, force: true });
});

function lastLine(stderr: string): string {
  return stderr.trim().split('\n').at(-1)!;
}

test('an open month is refused with exit 1, naming the close it needs', async () => {
  const result = await runCli(['bill', '--month', '2014-03', '--db', db]);
  expect([result.code, lastLine(result.stderr)]).toEqual([
    1,
    'meisai: 2014-03 is open: only a closed month is billed (meisai close --month 2014-03 first)',
  ]);
});

test('a data folder without issuer.json is bad configuration: exit 2 before anything is issued', async () => {
  const data = join(directory, 'data');
  cpSync(DEFAULT_DATA_DIR, data, { recursive: true });
  rmSync(join(data, 'issuer.json'));
  process.env.MEISAI_DATA_DIR = data;
  await runCli(['close', '--month', '2014-03', '--db', db]);
  const result = await runCli(['bill', '--month', '2014-03', '--db', db]);
  expect(result.code).toBe(2);
  expect(lastLine(result.stderr)).toMatch(/^meisai: cannot read .*issuer\.json: ENOENT$/);
  delete process.env.MEISAI_DATA_DIR;
  expect((await runCli(['invoices', '--month', '2014-03', '--db', db])).code).toBe(1);
});

test('a month the levy tables do not cover stops the bill, naming it', async () => {
  const late = join(directory, 'late.csv');
  writeFileSync(
    late,
    'record_id,contract_id,number,direction,peer,start,duration\nL-1,N000000010,05010000001,out,0311112222,2026-05-01 10:00:00,60\n',
  );
  await runCli(['ingest', late, '--db', db]);
  await runCli(['close', '--month', '2026-05', '--db', db]);
  const result = await runCli(['bill', '--month', '2026-05', '--db', db]);
  expect([result.code, lastLine(result.stderr)]).toEqual([
    2,
    'meisai: the 電話リレーサービス料 table does not cover the month of use 2026-05: add a row for it (data/charges/)',
  ]);
});

test('invoice --format html and pdf print the issued invoice; an unknown --number is refused (exit 2)', async () => {
  await runCli(['close', '--month', '2014-03', '--db', db]);
  expect((await runCli(['bill', '--month', '2014-03', '--issued-on', '2014-04-10', '--db', db])).code).toBe(0);
  const json = JSON.parse(
    (await runCli(['invoice', '--contract', 'N000000010', '--month', '2014-03', '--format', 'json', '--db', db]))
      .stdout,
  ) as { invoiceNumber: string };
  const html = await runCli([
    'invoice',
    '--contract',
    'N000000010',
    '--month',
    '2014-03',
    '--format',
    'html',
    '--db',
    db,
  ]);
  expect(html.code).toBe(0);
  expect(html.stdout).toContain(json.invoiceNumber);
  expect(html.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
  const pdf = await runCli(
    ['invoice', '--contract', 'N000000010', '--month', '2014-03', '--format', 'pdf', '--db', db],
    { bytes: true },
  );
  expect(pdf.code).toBe(0);
  expect(pdf.stdoutBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const unknown = await runCli([
    'invoice',
    '--contract',
    'N000000010',
    '--month',
    '2014-03',
    '--format',
    'html',
    '--number',
    'NO-SUCH',
    '--db',
    db,
  ]);
  expect([unknown.code, lastLine(unknown.stderr)]).toEqual([
    2,
    `meisai: --number NO-SUCH is not a document of this contract and month (it has ${json.invoiceNumber})`,
  ]);
});

test('customers import names every bad line and imports nothing (exit 2)', async () => {
  const bad = join(directory, 'bad.csv');
  writeFileSync(
    bad,
    'contract_id,name,number,active_from,active_to\nN1,x,05010000009,2011-04-01,\nN000000020,,0312345678,2011-02-30,2011-01-01\nN000000021,a,05010000009,2011-04-01,\n',
  );
  const result = await runCli(['customers', 'import', bad, '--db', db]);
  expect(result.code).toBe(2);
  expect(result.stdout.split('\n').filter((line) => line !== '')).toEqual([
    `${bad}: line 2: contract_id "N1" is not N and 9 digits`,
    `${bad}: line 3: name is empty; number "0312345678" is not an 11-digit 050 number; active_from "2011-02-30" is not a date YYYY-MM-DD`,
  ]);
  expect((await runCli(['customers', 'list', '--contract', 'N000000021', '--db', db])).code).toBe(1);
});

test('a contract with calls but no customer line is named and refused (exit 1); the others are billed', async () => {
  const other = join(directory, 'other.csv');
  writeFileSync(
    other,
    'record_id,contract_id,number,direction,peer,start,duration\nO-1,N000000030,05030000001,out,0311112222,2014-03-10 10:00:00,60\n',
  );
  await runCli(['ingest', other, '--db', db]);
  await runCli(['close', '--month', '2014-03', '--db', db]);
  const result = await runCli(['bill', '--month', '2014-03', '--issued-on', '2014-04-05', '--db', db]);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe(
    'bill 2014-03: issued 1 invoice and 0 notes; 0 unchanged, 1 refused\n' +
      '  N000000010 invoice T1234567890123-00000001: 334 yen\n' +
      '  N000000030 refused: contract N000000030 has calls in 2014-03 but no customer line (meisai customers import)\n',
  );
  expect(lastLine(result.stderr)).toBe('meisai: 1 contract refused: N000000030 (no customer line)');
});

test('the summary line counts in words: 1 invoice, 2 invoices, 1 note, 0 notes', () => {
  const unchanged = (contractId: string) => ({
    contractId,
    action: 'unchanged' as const,
    invoiceNumber: 'T1234567890123-00000001',
  });
  const refused = (contractId: string) => ({ contractId, action: 'refused' as const, why: 'no customer line' });
  const one = formatBill(
    { month: '2014-03', dryRun: true, outcomes: [unchanged('N000000010'), refused('N000000030')] },
    { verbose: false },
  );
  expect(one.split('\n')[0]).toBe('bill 2014-03 (dry run): would issue 0 invoices and 0 notes; 1 unchanged, 1 refused');
  expect(plural(1, 'invoice')).toBe('1 invoice');
  expect(plural(2, 'invoice')).toBe('2 invoices');
  expect(plural(0, 'note')).toBe('0 notes');
});

test('a dry run of two contracts says 2 invoices', async () => {
  writeFileSync(
    join(directory, 'second.csv'),
    'contract_id,name,number,active_from,active_to\nN000000011,山田花子,05030000011,2014-01-01,\n',
  );
  expect((await runCli(['customers', 'import', join(directory, 'second.csv'), '--db', db])).code).toBe(0);
  await runCli(['close', '--month', '2014-03', '--allow-empty', '--db', db]);
  const result = await runCli(['bill', '--month', '2014-03', '--dry-run', '--issued-on', '2014-04-05', '--db', db]);
  expect(result.stdout.split('\n')[0]).toBe(
    'bill 2014-03 (dry run): would issue 2 invoices and 0 notes; 0 unchanged, 0 refused',
  );
});
