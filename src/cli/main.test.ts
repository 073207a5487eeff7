import Database from 'better-sqlite3';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { schemaValidator } from '../reference/referenceData';
import { runCli } from '../test-support/runCli';

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
  workspace.db.close(); // the command opens the store itself
});
afterEach(() => workspace.cleanUp());

const run = (...args: string[]) => runCli(args);

const ROWS = [
  'C1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180',
  'C2,N000000001,05012345678,out,0312345678,2011-04-01 10:00:00,180.001',
  'C3,N000000001,05087654321,in,09011112222,2011-04-02 10:00:00,600',
  'C4,N000000001,05012345678,sideways,0312345678,2011-04-01 10:00:00,5',
];

describe('meisai ingest', () => {
  test('--json prints the control totals of spec §7 and exits 0 even with rejected records', async () => {
    const file = workspace.writeFile('day.csv', csv(ROWS));
    const result = await run('ingest', file, '--db', workspace.dbPath, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      files: 1,
      alreadyIngested: 0,
      failed: 0,
      read: 4,
      accepted: 3,
      rejected: { BAD_DIRECTION: 1 },
      duplicates: 0,
      skipped: {}, // the canonical CSV skips nothing: every line of it is meant as a call
      late: 0,
    });
  });

  test('a file lacking a required column exits 1 with a clear message and no stack trace', async () => {
    const file = workspace.writeFile('bad.csv', 'record_id,number\nx,05012345678\n');
    const result = await run('ingest', file, '--db', workspace.dbPath);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'refused, nothing applied: the header lacks the required columns contract_id, direction, peer, start, duration',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a missing input file exits 1 with the file named', async () => {
    const result = await run('ingest', join(workspace.directory, 'nope.csv'), '--db', workspace.dbPath);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read');
    expect(result.stderr).toContain('nope.csv: ENOENT');
  });

  test("--inbox takes the folder's files by name and skips one already ingested", async () => {
    const inbox = join(workspace.directory, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'b.csv'), csv(ROWS.slice(2)));
    writeFileSync(join(inbox, 'a.csv'), csv(ROWS.slice(0, 2)));
    expect((await run('ingest', '--inbox', inbox, '--db', workspace.dbPath)).code).toBe(0);
    const again = await run('ingest', '--inbox', inbox, '--db', workspace.dbPath, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ files: 2, alreadyIngested: 2, read: 0 });
  });

  test('bad usage exits 2', async () => {
    expect((await run('ingest', '--encoding', 'latin1', 'x.csv')).code).toBe(2);
    expect((await run('ingest', '--db', workspace.dbPath)).code).toBe(2);
    expect((await run('statement', '--contract', 'N1', '--month', '2011-04', '--db', workspace.dbPath)).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

describe('meisai statement and months', () => {
  beforeEach(async () => {
    await run('ingest', workspace.writeFile('day.csv', csv(ROWS)), '--db', workspace.dbPath);
  });

  test('--format json prints the shape of spec §6, valid against schemas/statement.schema.json', async () => {
    const result = await run(
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
    expect(result.code).toBe(0);
    const statement = JSON.parse(result.stdout);
    expect(schemaValidator('statement')(statement)).toBe(true);
    // 180 s = 1 unit (8 yen); 180.001 s = 2 units (16 yen): 24 yen of general calls
    expect(statement.allNumbers.calls[0]).toEqual({
      type: 'general',
      label: '一般通話',
      count: 2,
      durationTenths: 3600,
      duration: '0:06:00.0',
      charge: '24',
    });
    // 600 s from a mobile to 05087654321, which made no calls: its 着割 is capped at its 0 yen of charges
    expect(
      statement.numbers.map((number: { number: string; chakuwari: { discount: string } }) => [
        number.number,
        number.chakuwari.discount,
      ]),
    ).toEqual([
      ['05012345678', '0'],
      ['05087654321', '0'],
    ]);
  });

  test('--number prints the statement of that number alone', async () => {
    const result = await run(
      'statement',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--number',
      '050-1234-5678',
      '--format',
      'json',
      '--db',
      workspace.dbPath,
    );
    expect(JSON.parse(result.stdout).numbers.map((number: { number: string }) => number.number)).toEqual([
      '05012345678',
    ]);
  });

  test('text, csv and html formats all print', async () => {
    for (const format of ['text', 'csv', 'html']) {
      const result = await run(
        'statement',
        '--contract',
        'N000000001',
        '--month',
        '2011-04',
        '--format',
        format,
        '--db',
        workspace.dbPath,
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(format === 'csv' ? '一般通話' : '着割対象通話');
    }
  });

  test('a month without calls exits 1 and lists the months that have them', async () => {
    const result = await run('statement', '--contract', 'N000000001', '--month', '2011-06', '--db', workspace.dbPath);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('months with calls: 2011-04');
  });

  test('months lists the months with a statement, newest first', async () => {
    await run(
      'ingest',
      workspace.writeFile('may.csv', csv(['M1,N000000001,05012345678,out,0312345678,2011-04-30T15:00:00Z,10'])),
      '--db',
      workspace.dbPath,
    );
    expect((await run('months', '--contract', 'N000000001', '--db', workspace.dbPath)).stdout).toBe(
      '2011-05\n2011-04\n',
    );
  });
});

describe('meisai tariffs check', () => {
  test('accepts the shipped tariff and numbering plan', async () => {
    const result = await run('tariffs', 'check');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok  tariff REF-2006-12');
    expect(result.stdout).toContain('ok  numbering plan JP-050-REFERENCE');
  });

  test('a tariff that fails its schema exits 2, naming the file and the JSON path', async () => {
    const tariff = JSON.parse(readFileSync('data/tariffs/reference-2006-12.json', 'utf8'));
    tariff.rates[3].steps[0].price = 9.5;
    const file = workspace.writeFile('broken.json', JSON.stringify(tariff));
    const result = await run('tariffs', 'check', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file} is not a valid tariff file`);
    expect(result.stderr).toContain('$.rates[3].steps[0].price must be string');
  });

  test('a tariff without a default rate for a call type exits 2', async () => {
    const tariff = JSON.parse(readFileSync('data/tariffs/reference-2006-12.json', 'utf8'));
    tariff.rates = tariff.rates.filter((rate: { id: string }) => rate.id !== 'MOBILE');
    tariff.rates.push({
      id: 'MOBILE_DOCOMO',
      type: 'mobile',
      prefixes: ['090'],
      steps: [{ fromSeconds: 0, price: '16', rateUnitSeconds: 60, incrementSeconds: 60 }],
    });
    const result = await run('tariffs', 'check', workspace.writeFile('no-mobile.json', JSON.stringify(tariff)));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no default rate for mobile calls');
  });
});

describe("meisai tariffs check: the bill's data", () => {
  /** A copy of data/ in the workspace, to break one file of it. */
  const copyOfData = (name: string): string => {
    const dataDir = join(workspace.directory, name);
    cpSync('data', dataDir, { recursive: true });
    return dataDir;
  };
  const withDataDir = async (dataDir: string, ...args: string[]) => {
    process.env.MEISAI_DATA_DIR = dataDir;
    try {
      return await run('tariffs', 'check', ...args);
    } finally {
      delete process.env.MEISAI_DATA_DIR;
    }
  };

  test('with no file: the issuer, the basic fees, the levies and the tax table are checked and listed', async () => {
    const result = await run('tariffs', 'check');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok  issuer 株式会社めいさいテレコム (T1234567890123)\n');
    expect(result.stdout).toContain('ok  basic fees of plans BUSINESS, REFERENCE\n');
    expect(result.stdout).toMatch(/ok {2}universal-service \(2006-01–\d{4}-\d{2}\), relay-service \(/);
    expect(result.stdout).toContain('ok  consumption tax JP-CONSUMPTION-TAX (1997-04–open, rounded down)\n');
  });

  test('named files: the issuer and each charges file by its shape', async () => {
    const result = await run(
      'tariffs',
      'check',
      'data/issuer.json',
      'data/charges/consumption-tax.json',
      'data/charges/universal-service.json',
    );
    expect([result.code, result.stdout]).toEqual([
      0,
      'ok  issuer data/issuer.json\nok  consumption tax JP-CONSUMPTION-TAX data/charges/consumption-tax.json\nok  monthly charges universal-service data/charges/universal-service.json\n',
    ]);
  });

  test('an issuer without its T + 13 digits exits 2 naming the file, with or without naming it', async () => {
    const dataDir = copyOfData('bad-issuer');
    const issuer = JSON.parse(readFileSync(join(dataDir, 'issuer.json'), 'utf8'));
    writeFileSync(join(dataDir, 'issuer.json'), JSON.stringify({ ...issuer, registrationNumber: '1234567890123' }));
    for (const args of [[], [join(dataDir, 'issuer.json')]]) {
      const result = await withDataDir(dataDir, ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${join(dataDir, 'issuer.json')} is not a valid issuer file`);
    }
  });

  test('a levy table with two rows for one month exits 2 naming the file', async () => {
    const dataDir = copyOfData('overlap');
    const path = join(dataDir, 'charges', 'universal-service.json');
    const table = JSON.parse(readFileSync(path, 'utf8'));
    table.rows[0].to = '2007-01'; // the next row starts 2007-01
    writeFileSync(path, JSON.stringify(table));
    const result = await withDataDir(dataDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path}: `);
    expect((await withDataDir(dataDir, path)).code).toBe(2);
  });

  test('a data folder without billing data says so and passes; with only one of the two it fails', async () => {
    const dataDir = copyOfData('rating-only');
    rmSync(join(dataDir, 'issuer.json'));
    rmSync(join(dataDir, 'charges'), { recursive: true });
    const ratingOnly = await withDataDir(dataDir);
    expect(ratingOnly.code).toBe(0);
    expect(ratingOnly.stdout).toContain(
      `--  no billing data (issuer.json, charges/) in ${dataDir}: meisai bill refuses to run\n`,
    );
    cpSync('data/issuer.json', join(dataDir, 'issuer.json'));
    const half = await withDataDir(dataDir);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('no monthly charges');
  });
});

describe('the default plan', () => {
  test('MEISAI_DEFAULT_PLAN naming a plan without a tariff version stops the command, exit 2, naming the plans there are', async () => {
    process.env.MEISAI_DEFAULT_PLAN = 'GOLD';
    try {
      const result = await run('tariffs', 'check');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('the default plan GOLD has no tariff version');
      expect(result.stderr).toContain(
        '(plans: BUSINESS, REFERENCE); set MEISAI_DEFAULT_PLAN to one of them, or to none',
      );
    } finally {
      delete process.env.MEISAI_DEFAULT_PLAN;
    }
  });

  test('tariffs check lists the plans and the default plan', async () => {
    expect((await run('tariffs', 'check')).stdout).toContain('ok  plans BUSINESS, REFERENCE; default plan REFERENCE\n');
  });
});

describe('meisai tariffs migrate', () => {
  test('a format-1 tariff is refused on check, naming the command that converts it; migrate converts it charge for charge', async () => {
    const file = workspace.writeFile(
      'old.json',
      readFileSync('fixtures/tariff-format-1-reference-2006-12.json', 'utf8'),
    );
    const check = await run('tariffs', 'check', file);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(
      `${file} is a tariff of format 1 (no "format" field): convert it with meisai tariffs migrate ${file}`,
    );
    const migrate = await run('tariffs', 'migrate', file);
    expect(migrate.stdout).toBe(`migrated  ${file} (format 1 → 2)\n`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(
      JSON.parse(readFileSync('data/tariffs/reference-2006-12.json', 'utf8')),
    );
    expect((await run('tariffs', 'check', file)).code).toBe(0);
    expect((await run('tariffs', 'migrate', file)).stdout).toBe(`unchanged  ${file} (not a format-1 tariff)\n`);
  });
});

describe('stores that are missing or altered', () => {
  test('a read command on a store that does not exist exits 2 instead of reporting nothing', async () => {
    const result = await run(
      'statement',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--db',
      join(workspace.directory, 'typo.sqlite'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('there is no store at');
  });

  test('an issued revision edited after the fact is refused with a clear message', async () => {
    await run('ingest', workspace.writeFile('day.csv', csv(ROWS)), '--db', workspace.dbPath);
    await run('close', '--month', '2011-04', '--db', workspace.dbPath);
    const db = new Database(workspace.dbPath);
    db.prepare('UPDATE statements SET statement_json = replace(statement_json, \'"24"\', \'"2400"\')').run();
    db.close();
    const result = await run(
      'statement',
      '--contract',
      'N000000001',
      '--month',
      '2011-04',
      '--revision',
      '1',
      '--db',
      workspace.dbPath,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'revision 1 of the statement of N000000001 2011-04 was altered after it was issued',
    );
  });
});

describe('what stderr carries on failure', () => {
  /** The lines on stderr that are not pino JSON. */
  const plainLines = (stderr: string) => stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{'));

  test('every failure ends with exactly one plain line "meisai: <message>", usage errors and multi-file refusals included', async () => {
    const missingColumns = workspace.writeFile('bad.csv', 'record_id,number\nx,05012345678\n');
    const alsoMissing = workspace.writeFile('worse.csv', 'record_id\nx\n');
    const failures = [
      await run('frobnicate'),
      await run('ingest', '--bogus'),
      await run('statement', '--month', '2011-04'),
      await run('statement', '--contract', 'N1', '--month', '2011-04', '--db', workspace.dbPath),
      await run('ingest', missingColumns, alsoMissing, '--db', workspace.dbPath),
      await run(
        'statement',
        '--contract',
        'N000000001',
        '--month',
        '2011-04',
        '--db',
        join(workspace.directory, 'typo.sqlite'),
      ),
    ];
    for (const failure of failures) {
      expect(failure.code).not.toBe(0);
      const lines = plainLines(failure.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^meisai: \S/);
      expect(failure.stderr.endsWith(`${lines[0]}\n`)).toBe(true);
    }
  });

  test('--version prints the version of package.json', async () => {
    const result = await run('--version');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
  });
});

describe('a command line without a command', () => {
  test.each([[[]], [['tariffs']]])('meisai %j says in one line that a command is needed, exit 2', async (args) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(result.stderr).toMatch(/^meisai: .*a command is needed \(see meisai.* --help\)\n$/);
  });
});
