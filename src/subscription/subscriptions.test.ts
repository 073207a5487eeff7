import { tariffForCall } from '../rate/rateRecord';
import { loadReferenceData } from '../reference/referenceData';
import { TariffBook } from '../tariff/tariff';
import { runCli } from '../test-support/runCli';
import { createWorkspace } from '../test-support/tempStore';
import { SubscriptionBook } from './subscriptions';
import { readSubscriptionsCsv } from './subscriptionsCsv';

const japan = (text: string): number => Date.parse(`${text}+09:00`);
const PLANS = new Set(['REFERENCE', 'BUSINESS']);

describe('SubscriptionBook.planAt', () => {
  const book = new SubscriptionBook([
    { contractId: 'N000000002', number: null, plan: 'REFERENCE', effectiveFrom: '2011-04-01' },
    { contractId: 'N000000002', number: null, plan: 'BUSINESS', effectiveFrom: '2011-04-15' },
    { contractId: 'N000000002', number: '05033334444', plan: 'REFERENCE', effectiveFrom: '2011-04-20' },
  ]);
  test.each([
    ['2011-03-31T23:59:59.999', null, undefined], // before any subscription: the default plan applies
    ['2011-04-01T00:00:00', null, 'REFERENCE'], // from 00:00 Japan time of the date
    ['2011-04-14T23:59:59.999', null, 'REFERENCE'],
    ['2011-04-15T00:00:00', null, 'BUSINESS'],
    ['2011-04-20T12:00:00', '05011112222', 'BUSINESS'], // a number without its own: its contract's
    ['2011-04-19T12:00:00', '05033334444', 'BUSINESS'], // the number's own starts the 20th
    ['2011-04-20T00:00:00', '05033334444', 'REFERENCE'], // a number-level line overrides its contract
  ])('%s, number %s: %s', (moment, number, plan) => {
    expect(book.planAt('N000000002', number, japan(moment))).toBe(plan);
  });

  test('another contract has none', () => {
    expect(book.planAt('N000000009', null, japan('2011-04-20T00:00:00'))).toBeUndefined();
  });
});

describe('readSubscriptionsCsv', () => {
  test('reads contract- and number-level lines in any column order, numbers in any form', () => {
    const read = readSubscriptionsCsv(
      '\uFEFFplan,contract_id,effective_from,number\nBUSINESS,N000000002,2011-04-15,\nREFERENCE,N000000002,2011-04-20,050-3333-4444\n',
      PLANS,
    );
    expect(read).toEqual({
      ok: true,
      subscriptions: [
        { contractId: 'N000000002', number: null, plan: 'BUSINESS', effectiveFrom: '2011-04-15' },
        { contractId: 'N000000002', number: '05033334444', plan: 'REFERENCE', effectiveFrom: '2011-04-20' },
      ],
    });
  });

  test('names every bad line, and refuses the whole file', () => {
    const read = readSubscriptionsCsv(
      [
        'contract_id,plan,effective_from,number',
        'N000000002,BUSINESS,2011-04-15,', // fine, but the file is refused with the rest
        'N00000002,BUSINESS,2011-04-15,',
        'N000000003,GOLD,2011-02-30,',
        'N000000004,BUSINESS,2011-04-01,03-1234-5678',
        'N000000005,BUSINESS',
        'N000000002,REFERENCE,2011-04-15,',
      ].join('\n'),
      PLANS,
    );
    expect(read).toEqual({
      ok: false,
      problems: [
        'line 3: contract_id "N00000002" is not N and 9 digits',
        'line 4: plan "GOLD" has no tariff version (plans: BUSINESS, REFERENCE); effective_from "2011-02-30" is not a date YYYY-MM-DD',
        'line 5: number "03-1234-5678" is not an 11-digit 050 number',
        'line 6: 2 fields, the header has 4',
        'line 7: N000000002 from 2011-04-15 is REFERENCE here and BUSINESS on line 2',
      ],
    });
  });

  test('a header without the required columns is refused', () => {
    expect(readSubscriptionsCsv('contract,plan\nN000000002,BUSINESS\n', PLANS)).toEqual({
      ok: false,
      problems: [
        'line 1: the header lacks contract_id, effective_from (expected contract_id,plan,effective_from[,number])',
      ],
    });
  });
});

describe('meisai subscriptions import', () => {
  test('a file with a bad line imports nothing, lists each bad line, and exits 2', async () => {
    const workspace = createWorkspace();
    try {
      const file = workspace.writeFile(
        'crm.csv',
        'contract_id,plan,effective_from\nN000000002,BUSINESS,2011-04-15\nN000000003,GOLD,2011-04-15\n',
      );
      const result = await runCli(['subscriptions', 'import', file, '--db', workspace.dbPath]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe(`${file}: line 3: plan "GOLD" has no tariff version (plans: BUSINESS, REFERENCE)\n`);
      expect(result.stderr).toContain(`meisai: ${file}: 1 bad line, nothing imported`);
      expect(workspace.db.prepare('SELECT COUNT(*) AS n FROM subscriptions').get()).toEqual({ n: 0 });
    } finally {
      workspace.cleanUp();
    }
  });

  test('a contract without subscriptions is billed by the default plan; list says so and exits 1', async () => {
    const workspace = createWorkspace();
    try {
      const result = await runCli(['subscriptions', 'list', '--contract', 'N000000009', '--db', workspace.dbPath]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('contract N000000009 has no subscription: it is billed by the default plan');
    } finally {
      workspace.cleanUp();
    }
  });
});

describe('tariffForCall: the plan of the subscription, else the default plan', () => {
  const { tariffs } = loadReferenceData();
  const book = new SubscriptionBook([
    { contractId: 'N000000002', number: null, plan: 'BUSINESS', effectiveFrom: '2011-04-15' },
  ]);
  const at = japan('2011-04-20T10:00:00');

  test("a subscribed contract gets its plan's version, another the default plan's", () => {
    expect(tariffForCall('N000000002', null, at, tariffs, book)).toMatchObject({ id: 'BIZ-2010-04', plan: 'BUSINESS' });
    expect(tariffForCall('N000000001', null, at, tariffs, book)).toMatchObject({
      id: 'REF-2006-12',
      plan: 'REFERENCE',
    });
  });

  test('with no default plan (MEISAI_DEFAULT_PLAN=none) a contract without a subscription is NO_TARIFF', () => {
    const noDefault = new TariffBook(tariffs.versions, null);
    expect(tariffForCall('N000000001', null, at, noDefault, book)).toEqual({
      ok: false,
      code: 'NO_TARIFF',
      message: 'contract N000000001 has no subscription at the call start, and no default plan is configured',
    });
    expect(tariffForCall('N000000002', null, at, noDefault, book)).toMatchObject({ id: 'BIZ-2010-04' });
  });

  test('a plan with no version at the call start is NO_TARIFF, naming the plan', () => {
    expect(
      tariffForCall(
        'N000000002',
        null,
        japan('2011-04-20T10:00:00'),
        new TariffBook(tariffs.versions.filter((version) => version.plan !== 'BUSINESS')),
        book,
      ),
    ).toEqual({
      ok: false,
      code: 'NO_TARIFF',
      message: 'no version of plan BUSINESS is in effect at the call start',
    });
  });
});
