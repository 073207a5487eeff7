import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkReferenceFile, DEFAULT_DATA_DIR, loadHolidayCalendars, PROJECT_ROOT } from '../reference/referenceData';

/**
 * What `meisai tariffs check FILE` says about each field issue 18 adds: the schema's word, or the
 * compiled tariff's, naming the file. (`tariffs check` calls checkReferenceFile per file.)
 */
const directory = mkdtempSync(join(tmpdir(), 'meisai-tariffs-check-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const calendars = loadHolidayCalendars(DEFAULT_DATA_DIR);

type Json = any;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures', 'tariffs', `${name}.json`), 'utf8'));

let written = 0;
function check(document: Json): string {
  written += 1;
  const path = join(directory, `tariff-${written}.json`);
  writeFileSync(path, JSON.stringify(document));
  try {
    return checkReferenceFile(path, calendars);
  } catch (error) {
    return (error as Error).message.replace(path, 'FILE');
  }
}

describe('tariffs check: rounding steps', () => {
  test('accepts negative decimals and a step shown with enough decimals', () => {
    expect(check(fixture('round-ten-yen'))).toBe('tariff');
    expect(check(fixture('round-half-yen'))).toBe('tariff');
  });

  test.each([
    [{ mode: 'down', decimals: -5 }, '$.rounding.call'],
    [{ mode: 'down', decimals: 0, step: '0.5.0' }, '$.rounding.call.step must match pattern'],
    [{ mode: 'down', decimals: 0, step: 0.5 }, '$.rounding.call.step must be string'],
  ])('refuses the call rounding %j in the schema', (rule, message) => {
    const tariff = fixture('round-half-yen');
    tariff.rounding.call = rule;
    expect(check(tariff)).toContain(message);
  });

  test.each([
    [
      { mode: 'up', decimals: 0, step: '0.5' },
      'FILE: tariff ROUND-HALF-YEN: rounding.call: a rounding step of 0.5 yen is not shown exactly with 0 decimals',
    ],
    [
      { mode: 'up', decimals: 1, step: '0' },
      'FILE: tariff ROUND-HALF-YEN: rounding.call: a rounding step must be more than 0 yen, not 0',
    ],
  ])('refuses the call rounding %j when compiled', (rule, message) => {
    const tariff = fixture('round-half-yen');
    tariff.rounding.call = rule;
    expect(check(tariff)).toBe(message);
  });

  test('refuses a statement row step shown with too few decimals', () => {
    const tariff = fixture('round-half-yen');
    tariff.rounding.statementRow = { mode: 'down', decimals: 1, step: '0.05' };
    expect(check(tariff)).toBe(
      'FILE: tariff ROUND-HALF-YEN: rounding.statementRow: a rounding step of 0.05 yen is not shown exactly with 1 decimals',
    );
  });
});

describe('tariffs check: increments, rate units, volume pricing and step fees', () => {
  test('accepts the fixtures', () => {
    expect(check(fixture('any-increment'))).toBe('tariff');
    expect(check(fixture('seven-second-unit'))).toBe('tariff');
    expect(check(fixture('volume-tiers'))).toBe('tariff');
  });

  test.each([
    [
      { rateUnitSeconds: 60, rateUnitMilliseconds: 60_000, incrementSeconds: 1 },
      "rate IP_TENTHS: give a step's rateUnit in rateUnitSeconds or rateUnitMilliseconds, exactly one",
    ],
    [
      { rateUnitSeconds: 60 },
      "rate IP_TENTHS: give a step's increment in incrementSeconds or incrementMilliseconds, exactly one",
    ],
  ])('refuses the step %j', (unitAndIncrement, message) => {
    const tariff = fixture('any-increment');
    tariff.rates[3].steps[0] = { fromSeconds: 0, price: '12', ...unitAndIncrement };
    expect(check(tariff)).toBe(`FILE: tariff ANY-INCREMENT: ${message}`);
  });

  test.each([
    [{ incrementMilliseconds: 0.5 }, '$.rates[3].steps[0].incrementMilliseconds must be integer'],
    [{ incrementMilliseconds: 0 }, '$.rates[3].steps[0].incrementMilliseconds must be >= 1'],
    [{ flatFee: 5 }, '$.rates[3].steps[0].flatFee must be string'],
  ])('refuses %j in the schema', (change, message) => {
    const tariff = fixture('any-increment');
    Object.assign(tariff.rates[3].steps[0], change);
    expect(check(tariff)).toContain(message);
  });

  test('refuses a pricing it does not know', () => {
    const tariff = fixture('volume-tiers');
    tariff.rates[0].pricing = 'tiered';
    expect(check(tariff)).toContain('$.rates[0].pricing must be equal to one of the allowed values');
  });

  test('refuses call rounding none when an increment costs a fraction of a part', () => {
    const tariff = fixture('seven-second-unit');
    tariff.rounding.call = { mode: 'none' };
    expect(check(tariff)).toBe(
      'FILE: tariff SEVEN-SECOND-UNIT: rate MOBILE_UNIT_7S has a step whose increment costs a fraction of a part (1/36,000,000 yen); call rounding none cannot keep it, give the call a rounding rule',
    );
  });
});

describe('tariffs check: time bands per rate', () => {
  test('accepts the fixture', () => {
    expect(check(fixture('rate-bands'))).toBe('tariff');
  });

  test('refuses a rate band without steps (schema)', () => {
    const tariff = fixture('rate-bands');
    delete tariff.rates[0].timeBands.bands[0].steps;
    expect(check(tariff)).toContain("$.rates[0].timeBands.bands[0] must have required property 'steps'");
  });

  test('refuses a rate band that reads holidays without a calendar', () => {
    const tariff = fixture('rate-bands');
    tariff.rates[0].timeBands.bands[0].days = ['holiday'];
    expect(check(tariff)).toBe(
      'FILE: tariff RATE-BANDS: rate MOBILE: time band NEW_YEAR reads national holidays (weekday or holiday): name a holidayCalendar',
    );
  });

  test('refuses a rate band declared twice', () => {
    const tariff = fixture('rate-bands');
    tariff.rates[0].timeBands.bands[1].id = 'NEW_YEAR';
    expect(check(tariff)).toBe('FILE: tariff RATE-BANDS: rate MOBILE: time band NEW_YEAR is declared twice');
  });
});

describe('tariffs check: allowances', () => {
  test('accepts allowances in yen and in minutes, per contract and per number', () => {
    expect(check(fixture('allowances'))).toBe('tariff');
  });

  test('accepts carryOver next-month on a yen and a minutes allowance', () => {
    const tariff = fixture('allowances');
    for (const allowance of tariff.allowances) allowance.carryOver = 'next-month';
    expect(check(tariff)).toBe('tariff');
  });

  test.each([
    [
      { id: 'X', per: 'month', yen: '1000', callTypes: ['general'] },
      '$.allowances[0].per must be equal to one of the allowed values',
    ],
    [{ id: 'X', per: 'contract', yen: '1,000', callTypes: ['general'] }, '$.allowances[0].yen must match pattern'],
    [{ id: 'X', per: 'contract', minutes: -1, callTypes: ['general'] }, '$.allowances[0].minutes must be >= 0'],
    [{ id: 'X', per: 'contract', minutes: 1.5, callTypes: ['general'] }, '$.allowances[0].minutes must be integer'],
    [
      { id: 'X', per: 'contract', yen: '1', callTypes: ['international'] },
      '$.allowances[0].callTypes[0] must be equal to one of the allowed values',
    ],
    [
      { id: 'X', per: 'contract', yen: '1', callTypes: [] },
      '$.allowances[0].callTypes must NOT have fewer than 1 items',
    ],
    [
      { id: 'X', per: 'contract', yen: '1', callTypes: ['general'], carryOver: true },
      '$.allowances[0].carryOver must be equal to one of the allowed values: "next-month"',
    ],
    [
      { id: 'X', per: 'contract', yen: '1', callTypes: ['general'], carryOver: 'forever' },
      '$.allowances[0].carryOver must be equal to one of the allowed values: "next-month"',
    ],
    [
      { id: 'X', per: 'contract', yen: '1', callTypes: ['general'], carryOver: 'next-months' },
      '$.allowances[0].carryOver must be equal to one of the allowed values: "next-month"',
    ],
  ])('refuses %j in the schema', (allowance, message) => {
    const tariff = fixture('allowances');
    tariff.allowances = [allowance];
    expect(check(tariff)).toContain(message);
  });

  test('refuses an allowance with both yen and minutes when compiled', () => {
    const tariff = fixture('allowances');
    tariff.allowances = [{ id: 'X', per: 'contract', yen: '1', minutes: 1, callTypes: ['general'] }];
    expect(check(tariff)).toBe('FILE: tariff ALLOWANCE-2006-12: allowance X: give exactly one of yen and minutes');
  });
});

describe('tariffs check: the same-contract rate', () => {
  const family = (): Json =>
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures', 'same-contract', 'family-2011-01.json'), 'utf8'));

  test('accepts the fixture, and a same-contract rate with its own time bands', () => {
    expect(check(family())).toBe('tariff');
    const banded = family();
    banded.sameContract.timeBands = {
      boundary: 'split',
      bands: [
        {
          id: 'NIGHT',
          from: '23:00',
          to: '08:00',
          steps: [{ fromSeconds: 0, price: '0', rateUnitSeconds: 60, incrementSeconds: 60 }],
        },
      ],
    };
    expect(check(banded)).toBe('tariff');
  });

  test.each([
    ['type', 'ip', '$.sameContract must NOT have additional properties: type'],
    ['prefixes', ['050'], '$.sameContract must NOT have additional properties: prefixes'],
    ['band', 'NIGHT', '$.sameContract must NOT have additional properties: band'],
    ['steps', [], '$.sameContract.steps must NOT have fewer than 1 items'],
    ['connectFee', 10, '$.sameContract.connectFee must be string'],
  ])('refuses %s = %j in the schema', (field, value, message) => {
    const tariff = family();
    tariff.sameContract[field] = value;
    expect(check(tariff)).toContain(message);
  });

  test('refuses a same-contract rate whose id another rate uses', () => {
    const tariff = family();
    tariff.sameContract.id = 'IP_OFF_NET';
    expect(check(tariff)).toBe('FILE: tariff FAMILY-2011-01: rate id IP_OFF_NET is used twice');
  });

  test('refuses a same-contract step that does not start at 0 s, as any rate', () => {
    const tariff = family();
    tariff.sameContract.steps[0].fromSeconds = 1;
    expect(check(tariff)).toBe('FILE: tariff FAMILY-2011-01: rate FAMILY: the first step must start at 0 s');
  });

  test('refuses call rounding none when a same-contract increment costs a fraction of a part', () => {
    const tariff = family();
    tariff.rounding.call = { mode: 'none' };
    tariff.sameContract.steps[0] = { fromSeconds: 0, price: '2', rateUnitSeconds: 7, incrementSeconds: 1 };
    expect(check(tariff)).toContain('rate FAMILY has a step whose increment costs a fraction of a part');
  });
});
