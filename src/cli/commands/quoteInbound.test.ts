import fc from 'fast-check';
import { createWorkspace, csv } from '../../test-support/tempStore';
import { runCli } from '../../test-support/runCli';

/**
 * `meisai quote --direction in` under the reference plan (REFERENCE: 着割 0.5 yen per 60 s of
 * eligible time, callers general, mobile or PHS, the month's total rounded half-up to whole yen).
 */
const saved = { plan: process.env.MEISAI_DEFAULT_PLAN, level: process.env.MEISAI_LOG_LEVEL };
beforeAll(() => {
  delete process.env.MEISAI_DEFAULT_PLAN;
  process.env.MEISAI_LOG_LEVEL = 'silent';
});
afterAll(() => {
  for (const [name, value] of [
    ['MEISAI_DEFAULT_PLAN', saved.plan],
    ['MEISAI_LOG_LEVEL', saved.level],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const START = '2011-04-01 09:00:00';

async function inbound(peer: string, duration: string, extra: string[] = []): Promise<Record<string, unknown>> {
  const result = await runCli([
    'quote',
    '--direction',
    'in',
    '--contract',
    'N000000001',
    '--peer',
    peer,
    '--start',
    START,
    '--duration',
    duration,
    '--json',
    ...extra,
  ]);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('meisai quote --direction in classifies the caller and says what 着割 the call earns', () => {
  test.each([
    // duration, exact share = seconds / 60 × 0.5 yen, alone = share half-up to whole yen
    ['0.001', '1/120000', '0'], // one millisecond: 0.001 / 60 × 0.5
    ['60', '0.5', '1'], // one unit: exactly 0.5, half-up → 1
    ['93.5', '187/240', '1'], // 93.5 / 60 × 0.5 = 0.779166…
    ['179.999', '179999/120000', '1'], // 179.999 / 60 × 0.5 = 1.499991… → 1, one millisecond short of the rounding edge
    ['180', '1.5', '2'], // exactly on the edge: 1.5 → 2
    ['7200', '60', '60'], // 120 units × 0.5
  ])('a mobile caller for %s s: share %s yen, alone %s yen', async (duration, share, alone) => {
    expect(await inbound('090-1234-5678', duration)).toMatchObject({
      direction: 'in',
      peer: '09012345678',
      plan: 'REFERENCE',
      planSource: 'default plan',
      tariff: 'REF-2006-12',
      class: 'mobile',
      charge: '0',
      chakuwari: {
        eligible: true,
        ineligibility: null,
        eligibleCallerTypes: ['general', 'mobile', 'phs'],
        unitSeconds: 60,
        discountPerUnit: '0.5',
        share,
        alone,
        cap: 'outbound-call-charges',
      },
    });
  });

  test.each([
    ['03-1234-5678', '60', 'general', true, null],
    ['09012345678', '0', 'mobile', false, 'zero-duration'],
    ['非通知', '60', 'withheld', false, 'withheld-caller'],
    ['anonymous', '60', 'withheld', false, 'withheld-caller'],
    ['050-1234-5678', '60', 'ip', false, 'caller-class-not-eligible'],
    ['+1 212 555 0100', '60', 'international', false, 'caller-class-not-eligible'],
    ['0990123456', '60', 'not-callable', false, 'caller-class-not-eligible'],
    ['switch-garbage', '60', 'unknown', false, 'caller-class-not-eligible'],
  ])('caller %s for %s s is %s: eligible %s (%s)', async (peer, duration, type, eligible, ineligibility) => {
    const quote = await inbound(peer, duration);
    expect(quote).toMatchObject({ class: type, chakuwari: { eligible, ineligibility } });
    if (!eligible) expect(quote.chakuwari).toMatchObject({ share: '0', alone: '0' });
  });

  test('the text form walks through the arithmetic', async () => {
    const result = await runCli([
      'quote',
      '--direction',
      'in',
      '--contract',
      'N000000001',
      '--number',
      '05011112222',
      '--peer',
      '090-1234-5678',
      '--start',
      START,
      '--duration',
      '93.5',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'quote: N000000001 05011112222 ← 09012345678, 2011-04-01T09:00:00.000+09:00, 93.5 s, inbound',
        'plan:      REFERENCE (default plan)',
        'version:   REF-2006-12',
        'class:     mobile (携帯通話)',
        'charge:    0 yen (an inbound call is not charged)',
        '着割:      eligible (the plan counts general, mobile, phs callers of more than 0 s)',
        "share:     93.5 s / 60 s × 0.5 yen = 0.779166… (187/240) yen of the month's 着割",
        "alone:     1 yen (the month's eligible time rounded half-up to 0 decimals, capped at the number's outbound call charges)",
        '',
      ].join('\n'),
    );
  });

  test('a call that would be rejected still prints JSON with --json, and exits 1', async () => {
    process.env.MEISAI_DEFAULT_PLAN = 'none';
    try {
      const workspace = createWorkspace();
      try {
        const result = await runCli([
          'quote',
          '--direction',
          'in',
          '--contract',
          'N000000001',
          '--peer',
          '09012345678',
          '--start',
          START,
          '--duration',
          '60',
          '--json',
          '--db',
          workspace.dbPath,
        ]);
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stdout)).toEqual({
          contract: 'N000000001',
          direction: 'in',
          peer: '09012345678',
          rejected: {
            code: 'NO_TARIFF',
            message: 'contract N000000001 has no subscription at the call start, and no default plan is configured',
          },
        });
      } finally {
        workspace.cleanUp();
      }
    } finally {
      delete process.env.MEISAI_DEFAULT_PLAN;
    }
  });

  test('a direction other than out or in is a usage error (exit 2)', async () => {
    const result = await runCli([
      'quote',
      '--direction',
      'both',
      '--contract',
      'N000000001',
      '--peer',
      '09012345678',
      '--start',
      START,
      '--duration',
      '60',
    ]);
    expect(result.code).toBe(2);
  });
});

const CALLERS = [
  '03-1234-5678',
  '090-1234-5678',
  '070-1234-5678',
  '050-1234-5678',
  '+1 212 555 0100',
  '非通知',
  'anonymous',
  '0990123456',
  'switch-garbage',
];

describe('quote --direction in agrees with what ingest and the statement bill for the same call (SQLite)', () => {
  test('class, eligibility and the discount of the call alone in its month', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CALLERS),
        fc.integer({ min: 0, max: 7_200_000 }),
        async (peer, durationMs) => {
          const duration = `${Math.floor(durationMs / 1000)}.${String(durationMs % 1000).padStart(3, '0')}`;
          const quote = await inbound(peer, duration, ['--number', '05011112222']);
          const workspace = createWorkspace();
          try {
            // An outbound mobile call of 2 h (120 × 16 = 1,920 yen) keeps the cap out of reach of any call's 着割 here (at most 60 yen).
            const file = workspace.writeFile(
              'calls.csv',
              csv([
                `Q-OUT,N000000001,05011112222,out,09087654321,${START},7200`,
                `Q-IN,N000000001,05011112222,in,"${peer}",${START},${duration}`,
              ]),
            );
            expect((await runCli(['ingest', file, '--db', workspace.dbPath])).code).toBe(0);
            const statement = JSON.parse(
              (
                await runCli([
                  'statement',
                  '--contract',
                  'N000000001',
                  '--month',
                  '2011-04',
                  '--format',
                  'json',
                  '--db',
                  workspace.dbPath,
                ])
              ).stdout,
            ) as {
              allNumbers: { chakuwari: { count: number; discount: string } };
            };
            const chakuwari = quote.chakuwari as { eligible: boolean; alone: string };
            expect(statement.allNumbers.chakuwari.count).toBe(chakuwari.eligible ? 1 : 0);
            expect(statement.allNumbers.chakuwari.discount).toBe(chakuwari.alone === '0' ? '0' : `-${chakuwari.alone}`);
            const details = (
              await runCli([
                'calls',
                '--contract',
                'N000000001',
                '--month',
                '2011-04',
                '--direction',
                'in',
                '--db',
                workspace.dbPath,
              ])
            ).stdout
              .trim()
              .split('\r\n');
            const header = details[0]!.split(',');
            expect(details[1]!.split(',')[header.indexOf('type')]).toBe(quote.class);
          } finally {
            workspace.cleanUp();
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
