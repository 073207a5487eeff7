import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR, PROJECT_ROOT } from '../../reference/referenceData';
import { runCli } from '../../test-support/runCli';

/** The external worked examples (fixtures/tariffs/) as a data folder of their own, each quoted. */
let dataDir: string;
const saved = { data: process.env.MEISAI_DATA_DIR, plan: process.env.MEISAI_DEFAULT_PLAN };
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'meisai-quote-'));
  cpSync(join(PROJECT_ROOT, 'fixtures', 'tariffs'), join(dataDir, 'tariffs'), { recursive: true });
  cpSync(
    join(PROJECT_ROOT, 'fixtures', 'same-contract', 'family-2011-01.json'),
    join(dataDir, 'tariffs', 'family-2011-01.json'),
  );
  cpSync(join(DEFAULT_DATA_DIR, 'numbering'), join(dataDir, 'numbering'), { recursive: true });
  cpSync(join(DEFAULT_DATA_DIR, 'holidays'), join(dataDir, 'holidays'), { recursive: true });
  process.env.MEISAI_DATA_DIR = dataDir;
  process.env.MEISAI_DEFAULT_PLAN = 'none';
  process.env.MEISAI_LOG_LEVEL = 'silent';
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  for (const [name, value] of [
    ['MEISAI_DATA_DIR', saved.data],
    ['MEISAI_DEFAULT_PLAN', saved.plan],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function quote(plan: string, seconds: string, start = '2011-04-01 09:00:00'): Promise<Record<string, unknown>> {
  const result = await runCli([
    'quote',
    '--contract',
    'N000000001',
    '--peer',
    '090-1234-5678',
    '--start',
    start,
    '--duration',
    seconds,
    '--plan',
    plan,
    '--json',
  ]);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('meisai quote explains the external worked examples', () => {
  test('CGRateS 24 s: fee 0.15 + 24 s × 0.05 / 60 s = 0.17, rounded up to 2 decimals', async () => {
    expect(await quote('CGRATES-CONNECT-FEE', '24')).toMatchObject({
      tariff: 'CGRATES-CONNECT-FEE',
      rate: 'RT_CONNECT',
      connectFee: '0.15',
      pieces: [
        {
          stepFromSeconds: 0,
          elapsedMs: 24_000,
          price: '0.05',
          rateUnitSeconds: 60,
          incrementSeconds: 1,
          units: 24,
          billedSeconds: 24,
          charge: '0.02',
        },
      ],
      subtotal: '0.17',
      rounding: { mode: 'up', decimals: 2 },
      charge: '0.17',
    });
  });

  test('CGRateS 180 s at 0.1 per 60 s by the second: exactly 0.3', async () => {
    expect(await quote('CGRATES-PER-SECOND', '180')).toMatchObject({
      units: 180,
      exactCharge: '0.3',
      charge: '0.3',
      rounding: { mode: 'none' },
    });
  });

  test('CGRateS 1800 s at 1 per second, maximum 10', async () => {
    expect(await quote('CGRATES-MAX-COST', '1800')).toMatchObject({
      subtotal: '1800',
      maximumCharge: '10',
      maximumApplied: true,
      charge: '10',
    });
  });

  test.each([
    ['OPENRATE-STEPS', '61', '1.1'],
    ['OPENRATE-STEPS', '3601', '7'], // 1 + ceil(3541 / 60) × 0.1 = 1 + 60 × 0.1 (999,999 s is over a CDR's 86,400 s: see fixtures/externalExamples.test.ts)
    ['OPENRATE-30S-STEPS', '89', '1.5'],
    ['OPENRATE-30S-STEPS', '91', '2'],
  ])('OpenRate %s, %s s → %s', async (plan, seconds, charge) => {
    expect(await quote(plan, seconds)).toMatchObject({ charge });
  });

  test('OpenRate ×2 from 2013-01-01: the version is chosen by the start', async () => {
    expect(await quote('OPENRATE-VERSIONS', '119', '2010-06-01 12:00:00')).toMatchObject({
      tariff: 'OPENRATE-2010',
      charge: '2',
    });
    expect(await quote('OPENRATE-VERSIONS', '119', '2014-06-01 12:00:00')).toMatchObject({
      tariff: 'OPENRATE-2013',
      charge: '4',
    });
  });

  test('the holiday rate on 2019-05-01 and 2020-07-24 names its band', async () => {
    expect(await quote('JP-HOLIDAY', '60', '2019-05-01 10:00:00')).toMatchObject({
      band: 'HOLIDAY',
      rate: 'MOBILE_HOLIDAY',
      charge: '10',
    });
    expect(await quote('JP-HOLIDAY', '60', '2020-07-24 10:00:00')).toMatchObject({
      band: 'HOLIDAY',
      rate: 'MOBILE_HOLIDAY',
      charge: '10',
    });
    expect(await quote('JP-HOLIDAY', '60', '2019-05-08 10:00:00')).toMatchObject({
      band: null,
      rate: 'MOBILE_WEEKDAY',
      charge: '16',
    });
  });

  test('the text form walks through the arithmetic', async () => {
    const result = await runCli([
      'quote',
      '--contract',
      'N000000001',
      '--peer',
      '09012345678',
      '--start',
      '2011-04-01 09:00:00',
      '--duration',
      '24',
      '--plan',
      'CGRATES-CONNECT-FEE',
    ]);
    expect(result.stdout).toBe(
      [
        'quote: N000000001 → 09012345678, 2011-04-01T09:00:00.000+09:00, 24 s',
        'plan:      CGRATES-CONNECT-FEE (asked for)',
        'version:   CGRATES-CONNECT-FEE',
        'class:     mobile (携帯通話)',
        'band:      (none) (the version has no time bands)',
        'rate:      RT_CONNECT',
        '  step from 0 s (RT_CONNECT): 24 s at 0.05 yen per 60 s, charged per 1 s: 24 × 1 s = 24 s → 0.02 yen',
        'fee:       0.15 yen (connect fee)',
        'subtotal:  0.17 yen',
        'limits:    none',
        'rounding:  up to 2 decimals',
        'charge:    0.17 yen (24 units)',
        '',
      ].join('\n'),
    );
  });

  test('a call that would be rejected says why, exit 1; a bad option exits 2', async () => {
    const noPlan = await runCli([
      'quote',
      '--contract',
      'N000000001',
      '--peer',
      '09012345678',
      '--start',
      '2011-04-01 09:00:00',
      '--duration',
      '24',
      '--db',
      join(dataDir, 'none.sqlite'),
    ]);
    expect(noPlan.code).toBe(1);
    expect(noPlan.stderr).toContain(
      'this call would be rejected NO_TARIFF: contract N000000001 has no subscription at the call start, and no default plan is configured',
    );
    const badPeer = await runCli([
      'quote',
      '--contract',
      'N000000001',
      '--peer',
      '0570-000-000',
      '--start',
      '2011-04-01 09:00:00',
      '--duration',
      '24',
      '--plan',
      'CGRATES-CONNECT-FEE',
    ]);
    expect(badPeer.code).toBe(1);
    expect(badPeer.stderr).toContain('this call would be rejected NOT_CALLABLE');
    const badStart = await runCli([
      'quote',
      '--contract',
      'N000000001',
      '--peer',
      '09012345678',
      '--start',
      'yesterday',
      '--duration',
      '24',
      '--plan',
      'CGRATES-CONNECT-FEE',
    ]);
    expect(badStart.code).toBe(2);
  });
});

describe('meisai quote says what the allowance (無料通話分) would cover', () => {
  /** fixtures/tariffs/allowances.json: mobile 18 yen a minute by the second; 30 minutes to 090/080/070 per number. */
  const MOBILE_CALL = [
    'quote',
    '--contract',
    'N000000001',
    '--number',
    '05012345678',
    '--peer',
    '090-1234-5678',
    '--start',
    '2011-04-01 10:00:00',
    '--duration',
    '600',
  ];
  let storeDir: string;
  beforeAll(() => {
    storeDir = mkdtempSync(join(tmpdir(), 'meisai-quote-store-'));
  });
  afterAll(() => rmSync(storeDir, { recursive: true, force: true }));
  /** A store of these CDR lines, ingested: its path. */
  const storeOf = async (name: string, lines: string[]): Promise<string> => {
    const db = join(storeDir, `${name}.sqlite`);
    const cdrs = join(storeDir, `${name}.csv`);
    writeFileSync(cdrs, ['record_id,contract_id,number,direction,peer,start,duration', ...lines, ''].join('\n'));
    expect((await runCli(['ingest', cdrs, '--db', db])).code).toBe(0);
    return db;
  };

  test('without a store the month has no calls yet: a 10-minute call (180 yen) is covered wholly', async () => {
    const result = await runCli([
      ...MOBILE_CALL,
      '--plan',
      'ALLOWANCE',
      '--db',
      join(storeDir, 'absent.sqlite'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      charge: '180',
      allowance: { allowances: ['MOBILE_30_MIN'], covered: '180', charged: '0' },
    });
  });

  test('after 25 stored minutes the 5 left cover half of it: 180 × 5/10 = 90 covered, 90 charged', async () => {
    process.env.MEISAI_DEFAULT_PLAN = 'ALLOWANCE';
    try {
      const db = await storeOf('meisai', ['M1,N000000001,05012345678,out,09011112222,2011-04-01 09:00:00,1500']);
      const text = await runCli([...MOBILE_CALL, '--db', db]);
      expect(text.stdout).toContain(
        "allowance: MOBILE_30_MIN would cover 90 of 180 yen after the month's stored calls in call order; 90 yen charged\n",
      );
      const json = await runCli([...MOBILE_CALL, '--db', db, '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({
        allowance: { allowances: ['MOBILE_30_MIN'], covered: '90', charged: '90' },
      });
    } finally {
      process.env.MEISAI_DEFAULT_PLAN = 'none';
    }
  });

  test('an allowance that carries over starts with what March left: 10 min carried + 30 own − 25 used covers the 10 minutes wholly', async () => {
    const tariffFile = join(dataDir, 'tariffs', 'allowances.json');
    const original = readFileSync(tariffFile, 'utf8');
    const carrying = JSON.parse(original) as { allowances: { id: string; carryOver?: string }[] };
    for (const allowance of carrying.allowances) allowance.carryOver = 'next-month';
    writeFileSync(tariffFile, JSON.stringify(carrying));
    process.env.MEISAI_DEFAULT_PLAN = 'ALLOWANCE';
    try {
      // March: 20 of 30 minutes → 10 left; April: 25 stored → 40 − 25 = 15 left, more than the 10 quoted
      const db = await storeOf('carry', [
        'C0,N000000001,05012345678,out,09011112222,2011-03-15 09:00:00,1200',
        'C1,N000000001,05012345678,out,09011112222,2011-04-01 09:00:00,1500',
      ]);
      const json = await runCli([...MOBILE_CALL, '--db', db, '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({
        allowance: { allowances: ['MOBILE_30_MIN'], covered: '180', charged: '0' },
      });
    } finally {
      process.env.MEISAI_DEFAULT_PLAN = 'none';
      writeFileSync(tariffFile, original);
    }
  });

  test('a plan without allowances prints no allowance at all', async () => {
    const result = await runCli([
      ...MOBILE_CALL,
      '--plan',
      'OPENRATE-STEPS',
      '--db',
      join(storeDir, 'absent.sqlite'),
      '--json',
    ]);
    expect(JSON.parse(result.stdout)).not.toHaveProperty('allowance');
  });

  test('a general call names no allowance of the mobile kind; the yen allowance covers it', async () => {
    const result = await runCli([
      'quote',
      '--contract',
      'N000000001',
      '--peer',
      '03-1234-5678',
      '--start',
      '2011-04-01 10:00:00',
      '--duration',
      '61',
      '--plan',
      'ALLOWANCE',
      '--db',
      join(storeDir, 'absent.sqlite'),
    ]);
    // 61 s → 2 started minutes × 10 = 20 yen, within the 1,000
    expect(result.stdout).toContain(
      "allowance: DOMESTIC_1000_YEN would cover 20 of 20 yen after the month's stored calls in call order; 0 yen charged\n",
    );
  });

  test('a call of a type no allowance names says so', async () => {
    const result = await runCli([
      'quote',
      '--contract',
      'N000000001',
      '--peer',
      '050-3300-1234',
      '--start',
      '2011-04-01 10:00:00',
      '--duration',
      '61',
      '--plan',
      'ALLOWANCE',
      '--db',
      join(storeDir, 'absent.sqlite'),
    ]);
    expect(result.stdout).toContain('class:     ip');
    expect(result.stdout).toContain("allowance: none of the plan's allowances covers this call\n");
  });
});

describe('meisai quote and calls between numbers of one contract', () => {
  test("a peer of the caller's contract on the day of the call is quoted at the sameContract rate (customers read from the store)", async () => {
    const customers = join(dataDir, 'customers.csv');
    writeFileSync(
      customers,
      'contract_id,name,number,active_from,active_to\nN000000001,株式会社サンプル商事,05012345678,2010-01-01,\nN000000001,株式会社サンプル商事,05012345679,2011-04-20,\n',
    );
    const db = join(dataDir, 'family.sqlite');
    expect((await runCli(['customers', 'import', customers, '--db', db])).code).toBe(0);
    const family = async (start: string): Promise<Record<string, unknown>> =>
      JSON.parse(
        (
          await runCli([
            'quote',
            '--contract',
            'N000000001',
            '--number',
            '05012345678',
            '--peer',
            '050-1234-5679',
            '--start',
            start,
            '--duration',
            '61',
            '--plan',
            'FAMILY',
            '--json',
            '--db',
            db,
          ])
        ).stdout,
      ) as Record<string, unknown>;
    // ceil(61 / 30) = 3 × (1 yen / 60 s × 30 s) = 1.5 → down 1
    expect(await family('2011-04-21 10:00:00')).toMatchObject({
      type: 'ip',
      rate: 'FAMILY',
      subtotal: '1.5',
      charge: '1',
    });
    // the day before the peer's first day: the IP rate, ceil(61 / 180) = 1 × 8
    expect(await family('2011-04-19 10:00:00')).toMatchObject({ type: 'ip', rate: 'IP_OFF_NET', charge: '8' });
  });
});
