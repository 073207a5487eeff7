import { join } from 'node:path';
import { loadTariffFile, PROJECT_ROOT } from '../reference/referenceData';
import { Allowance, Tariff } from '../tariff/tariff';
import { AllowanceFile } from '../tariff/tariffFile';
import { AllowanceCall, applyAllowances, coverOfOneMore } from './allowance';

const YEN = 10_000;
const MINUTE = 60_000;
const fixture = loadTariffFile(join(PROJECT_ROOT, 'fixtures', 'tariffs', 'allowances.json'));

function allowancesOf(...files: AllowanceFile[]): readonly Allowance[] {
  return new Tariff({ ...fixture, allowances: files }).allowances;
}

const domesticYen = (yen: string, per: 'contract' | 'number' = 'contract'): AllowanceFile => ({
  id: 'DOMESTIC',
  per,
  yen,
  callTypes: ['general', 'phs'],
});
const mobileMinutes = (minutes: number, per: 'contract' | 'number' = 'number'): AllowanceFile => ({
  id: 'MOBILE',
  per,
  minutes,
  callTypes: ['mobile'],
  prefixes: ['090', '080', '070'],
});

const A = '05011110001';
const B = '05011110002';
/** 2026-12-01 09:00 Japan time, and the minutes after it. */
const NINE = Date.UTC(2026, 11, 1, 0, 0, 0);
const at = (minutes: number): number => NINE + minutes * MINUTE;

function call(
  recordId: string,
  startMinute: number,
  yen: number,
  overrides: Partial<AllowanceCall> = {},
): AllowanceCall {
  return {
    recordId,
    number: A,
    direction: 'out',
    peer: '0312345678',
    peerClass: 'general',
    startMs: at(startMinute),
    durationMs: MINUTE,
    chargeScaled: yen * YEN,
    ...overrides,
  };
}

/** Covered yen of each call by record_id (calls covered nothing are absent). */
function coveredYen(calls: AllowanceCall[], allowances: readonly Allowance[]): Record<string, number> {
  return Object.fromEntries(
    applyAllowances(calls, allowances).covered.map((covered) => [covered.recordId, covered.coveredScaled / YEN]),
  );
}

describe('a yen allowance covers charges in call order', () => {
  test('a zero allowance covers nothing', () => {
    expect(coveredYen([call('r1', 0, 600)], allowancesOf(domesticYen('0')))).toEqual({});
  });

  test('calls inside the allowance are covered wholly', () => {
    // 300 + 200 = 500 of 1,000 yen
    expect(coveredYen([call('r1', 0, 300), call('r2', 5, 200)], allowancesOf(domesticYen('1000')))).toEqual({
      r1: 300,
      r2: 200,
    });
  });

  test('a call exactly using it up is covered wholly, the next not at all', () => {
    // 600 + 400 = 1,000: nothing left for r3
    expect(
      coveredYen([call('r1', 0, 600), call('r2', 5, 400), call('r3', 10, 100)], allowancesOf(domesticYen('1000'))),
    ).toEqual({ r1: 600, r2: 400 });
  });

  test('the call crossing the rest is covered up to it', () => {
    // 600 + 300 = 900; r3 of 250 yen gets the last 100; 150 yen of it is charged
    expect(
      coveredYen([call('r1', 0, 600), call('r2', 5, 300), call('r3', 10, 250)], allowancesOf(domesticYen('1000'))),
    ).toEqual({ r1: 600, r2: 300, r3: 100 });
  });

  test('a late call that started earlier takes the allowance first, whatever the arrival order', () => {
    const allowances = allowancesOf(domesticYen('1000'));
    // arrival order: r-b (10:00, 250), r-a (09:00, 900): call order is r-a then r-b → 900, then 100 of 250
    const arrived = [call('r-b', 60, 250), call('r-a', 0, 900)];
    expect(coveredYen(arrived, allowances)).toEqual({ 'r-a': 900, 'r-b': 100 });
    // r-c (08:00, 500) arrives late: r-c 500, r-a 500 of 900, r-b nothing
    expect(coveredYen([...arrived, call('r-c', -60, 500)], allowances)).toEqual({ 'r-c': 500, 'r-a': 500 });
  });

  test('calls starting together are ordered by record_id', () => {
    // both at 09:00; "r-1" < "r-2": r-1 takes 800, r-2 the last 200
    expect(coveredYen([call('r-2', 0, 800), call('r-1', 0, 800)], allowancesOf(domesticYen('1000')))).toEqual({
      'r-1': 800,
      'r-2': 200,
    });
  });

  test('per contract the numbers share one allowance; per number each has its own', () => {
    const calls = [call('r1', 0, 700, { number: A }), call('r2', 5, 700, { number: B })];
    // shared: A 700, B the last 300
    expect(coveredYen(calls, allowancesOf(domesticYen('1000', 'contract')))).toEqual({ r1: 700, r2: 300 });
    // each: 700 and 700
    expect(coveredYen(calls, allowancesOf(domesticYen('1000', 'number')))).toEqual({ r1: 700, r2: 700 });
  });

  test('covers only outbound calls of its types', () => {
    const calls = [
      call('in', 0, 100, { direction: 'in' }),
      call('mobile', 1, 100, { peerClass: 'mobile', peer: '09012345678' }),
      call('intl', 2, 100, { peerClass: 'international', peer: '0101212555' }),
      call('phs', 3, 100, { peerClass: 'phs', peer: '07012345678' }),
    ];
    expect(coveredYen(calls, allowancesOf(domesticYen('1000')))).toEqual({ phs: 100 });
  });

  test('the totals by number count the calls covered, their tenths and the yen', () => {
    const use = applyAllowances(
      [call('r1', 0, 600, { durationMs: 61_234 }), call('r2', 5, 600, { durationMs: 30_000 }), call('r3', 10, 600)],
      allowancesOf(domesticYen('1000')),
    );
    // r1 wholly (612 tenths), r2 400 of 600 (300 tenths); r3 nothing
    expect(use.byNumber.get(A)).toEqual({ calls: 2, durationTenths: 912, coveredScaled: 1_000 * YEN });
  });
});

describe('a minutes allowance covers call time in call order', () => {
  const mobile = (
    recordId: string,
    startMinute: number,
    durationMs: number,
    yen: number,
    overrides: Partial<AllowanceCall> = {},
  ): AllowanceCall =>
    call(recordId, startMinute, yen, { peerClass: 'mobile', peer: '09012345678', durationMs, ...overrides });

  test('a call wholly inside is covered wholly; the one crossing by the share of its time', () => {
    // 30 min: r1 20 min wholly (360 yen); r2 20 min, 10 left → 360 × 10/20 = 180 yen; r3 nothing left
    const calls = [mobile('r1', 0, 20 * MINUTE, 360), mobile('r2', 30, 20 * MINUTE, 360), mobile('r3', 60, MINUTE, 18)];
    expect(coveredYen(calls, allowancesOf(mobileMinutes(30)))).toEqual({ r1: 360, r2: 180 });
  });

  test('a call exactly using up the minutes is covered wholly', () => {
    // 10 + 20 = 30 min exactly
    const calls = [mobile('r1', 0, 10 * MINUTE, 180), mobile('r2', 30, 20 * MINUTE, 360), mobile('r3', 60, 1, 1)];
    expect(coveredYen(calls, allowancesOf(mobileMinutes(30)))).toEqual({ r1: 180, r2: 360 });
  });

  test('the share of a crossing call is rounded down to 1/10,000 yen', () => {
    // 29 min 55 s used by r1; r2 is 7 s for 2 yen with 5 s left: 2 × 5/7 = 1.4285714… → 1.4285 yen
    const calls = [mobile('r1', 0, 29 * MINUTE + 55_000, 538), mobile('r2', 30, 7_000, 2)];
    const use = applyAllowances(calls, allowancesOf(mobileMinutes(30)));
    expect(use.covered.map((covered) => covered.coveredScaled)).toEqual([538 * YEN, 14_285]);
  });

  test('a call of no charge uses no minutes', () => {
    // r1 is free (0 yen, 25 min): the 30 min stay whole for r2's 30 min
    const calls = [mobile('r1', 0, 25 * MINUTE, 0), mobile('r2', 30, 30 * MINUTE, 540)];
    expect(coveredYen(calls, allowancesOf(mobileMinutes(30)))).toEqual({ r2: 540 });
  });

  test('covers only peers of its prefixes', () => {
    // 060 is a mobile number but not one of 090/080/070
    expect(coveredYen([mobile('r1', 0, MINUTE, 18, { peer: '06012345678' })], allowancesOf(mobileMinutes(30)))).toEqual(
      {},
    );
  });

  test('zero minutes covers nothing', () => {
    expect(coveredYen([mobile('r1', 0, MINUTE, 18)], allowancesOf(mobileMinutes(0)))).toEqual({});
  });
});

describe('several allowances apply in the plan order', () => {
  test('what the first leaves of a call, the next covers', () => {
    const both = allowancesOf(
      { id: 'SMALL', per: 'contract', yen: '100', callTypes: ['general'] },
      { id: 'LARGE', per: 'contract', yen: '1000', callTypes: ['general'] },
    );
    // r1 300 yen: SMALL 100, LARGE 200 → 300 covered; r2 900: LARGE's last 800
    expect(coveredYen([call('r1', 0, 300), call('r2', 5, 900)], both)).toEqual({ r1: 300, r2: 800 });
  });
});

describe('the tariff refuses allowances it cannot apply exactly', () => {
  test.each([
    [[domesticYen('1000'), domesticYen('500')], 'tariff ALLOWANCE-2006-12: allowance DOMESTIC is declared twice'],
    [
      [{ id: 'X', per: 'contract', callTypes: ['general'] }],
      'tariff ALLOWANCE-2006-12: allowance X: give exactly one of yen and minutes',
    ],
    [
      [{ id: 'X', per: 'contract', yen: '1', minutes: 1, callTypes: ['general'] }],
      'tariff ALLOWANCE-2006-12: allowance X: give exactly one of yen and minutes',
    ],
    [
      [{ id: 'X', per: 'contract', yen: '1', callTypes: ['international'] }],
      'tariff ALLOWANCE-2006-12: allowance X: covers domestic call types only (international calls are tax-exempt)',
    ],
  ])('%j', (files, message) => {
    expect(() => new Tariff({ ...fixture, allowances: files as AllowanceFile[] })).toThrow(message);
  });

  test('call rounding none cannot have allowances', () => {
    expect(() => new Tariff({ ...fixture, rounding: { ...fixture.rounding, call: { mode: 'none' } } })).toThrow(
      'tariff ALLOWANCE-2006-12: allowances cover charges rounded per call; call rounding none cannot have them',
    );
  });
});

describe('what the allowance would cover of one more call (quote)', () => {
  const allowances = allowancesOf(domesticYen('1000'));
  const quoted = (startMinute: number, yen: number) => {
    const { recordId: _none, ...rest } = call('quoted', startMinute, yen);
    return rest;
  };

  test('the month so far uses 900 of 1,000 yen: a 250-yen call later is covered 100', () => {
    expect(coverOfOneMore([call('r1', 0, 900)], quoted(60, 250), allowances)).toEqual({
      allowanceIds: ['DOMESTIC'],
      coveredScaled: 100 * YEN,
    });
  });

  test('a call starting before the stored ones is covered first', () => {
    // at 08:00, before r1's 09:00: 250 wholly (r1 would then get 750)
    expect(coverOfOneMore([call('r1', 0, 900)], quoted(-60, 250), allowances)).toEqual({
      allowanceIds: ['DOMESTIC'],
      coveredScaled: 250 * YEN,
    });
  });

  test('at the same start it comes after the stored calls', () => {
    // r1 at 09:00 takes 900 first: 100 left
    expect(coverOfOneMore([call('r1', 0, 900)], quoted(0, 250), allowances).coveredScaled).toBe(100 * YEN);
  });

  test('a call of a kind no allowance covers names none', () => {
    const { recordId: _none, ...mobile } = call('m', 0, 18, { peerClass: 'mobile', peer: '09012345678' });
    expect(coverOfOneMore([], mobile, allowances)).toEqual({ allowanceIds: [], coveredScaled: 0 });
  });
});
