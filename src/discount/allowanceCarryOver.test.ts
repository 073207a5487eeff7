import { join } from 'node:path';
import { loadTariffFile, PROJECT_ROOT } from '../reference/referenceData';
import { Allowance, Tariff } from '../tariff/tariff';
import { AllowanceFile } from '../tariff/tariffFile';
import {
  AllowanceCall,
  AllowanceUse,
  applyAllowances,
  CarriedIn,
  carriedInto,
  carryKey,
  coverOfOneMore,
} from './allowance';

const YEN = 10_000;
const SECOND = 1_000;
const MINUTE = 60_000;
const fixture = loadTariffFile(join(PROJECT_ROOT, 'fixtures', 'tariffs', 'allowances.json'));

function allowancesOf(...files: AllowanceFile[]): readonly Allowance[] {
  return new Tariff({ ...fixture, allowances: files }).allowances;
}

const domesticYen = (yen: string, carryOver = true, per: 'contract' | 'number' = 'contract'): AllowanceFile => ({
  id: 'DOMESTIC',
  per,
  yen,
  callTypes: ['general', 'phs'],
  ...(carryOver ? { carryOver: 'next-month' as const } : {}),
});
const mobileMinutes = (minutes: number, carryOver = true): AllowanceFile => ({
  id: 'MOBILE',
  per: 'number',
  minutes,
  callTypes: ['mobile'],
  ...(carryOver ? { carryOver: 'next-month' as const } : {}),
});

const A = '05011110001';
const B = '05011110002';
const START = Date.UTC(2026, 11, 1, 0, 0, 0);

let records = 0;
/** The next outbound call of the month (one a minute, in record_id order). */
function outbound(
  fields: Pick<AllowanceCall, 'number' | 'peer' | 'peerClass' | 'durationMs' | 'chargeScaled'>,
): AllowanceCall {
  records += 1;
  return {
    recordId: `r${String(records).padStart(4, '0')}`,
    direction: 'out',
    startMs: START + records * MINUTE,
    ...fields,
  };
}
const general = (yen: number, number = A): AllowanceCall =>
  outbound({ number, peer: '0312345678', peerClass: 'general', durationMs: MINUTE, chargeScaled: yen * YEN });
/** A call to a mobile, 18 yen a minute per second: 0.3 yen a second = 3,000 scaled yen a second = 3 a millisecond. */
const mobile = (durationMs: number, number = A): AllowanceCall =>
  outbound({ number, peer: '09012345678', peerClass: 'mobile', durationMs, chargeScaled: durationMs * 3 });

const PLAN = 'ALLOWANCE';
/** M-1's use of `allowances` over `calls` (carried in with `carriedIn`), carried into M of the same plan. */
function carried(
  calls: AllowanceCall[],
  allowances: readonly Allowance[],
  carriedIn: CarriedIn = new Map(),
  current: { plan: string; allowances: readonly Allowance[] } = { plan: PLAN, allowances },
): CarriedIn {
  const use = applyAllowances(calls, allowances, carriedIn);
  return carriedInto({ plan: PLAN, allowances, use }, current);
}
const usedScaled = (use: AllowanceUse): number => use.covered.reduce((sum, covered) => sum + covered.coveredScaled, 0);

describe("an allowance with carryOver next-month: what M-1 left of its own amount starts M beside M's own", () => {
  const thousand = allowancesOf(domesticYen('1000'));

  test.each([
    // 1,200 yen of calls on 1,000 yen: 1,000 used, 0 left
    ['more than the allowance was called', [700, 500], 0],
    // 600 + 400 = 1,000: exactly all used, 0 left
    ['exactly all was used', [600, 400], 0],
    // 600 + 399 = 999: 1 yen left
    ['one yen was left', [600, 399], 1],
    // nothing called: all 1,000 left
    ['nothing was called', [], 1000],
  ])('%s', (_what, monthBefore, leftYen) => {
    const carriedIn = carried(
      monthBefore.map((yen) => general(yen)),
      thousand,
    );
    expect(carriedIn).toEqual(new Map([['DOMESTIC', leftYen * YEN]]));
  });

  test('one yen carried covers 1,001 yen of calls in M, and no more', () => {
    const carriedIn = carried([general(999)], thousand);
    // M: 1,000 own + 1 carried = 1,001; calls 600 + 402 = 1,002 → 1,001 covered, 1 charged
    const use = applyAllowances([general(600), general(402)], thousand, carriedIn);
    expect(usedScaled(use)).toBe(1001 * YEN);
    expect(use.balances).toEqual([
      {
        allowanceId: 'DOMESTIC',
        number: null,
        carriedIn: 1 * YEN,
        carriedUsed: 1 * YEN,
        own: 1000 * YEN,
        ownUsed: 1000 * YEN,
      },
    ]);
  });

  test('one second left of 30 minutes is carried as 1,000 ms, and covers 30 min 1 s in M', () => {
    const minutes = allowancesOf(mobileMinutes(30));
    // M-1: 29:59 of 30:00 → 1 s left for number A
    const carriedIn = carried([mobile(29 * MINUTE + 59 * SECOND)], minutes);
    expect(carriedIn).toEqual(new Map([[carryKey('MOBILE', A), 1 * SECOND]]));
    // M: a 31-minute call (558 yen) → 30:01 covered = 1,801 s × 0.3 = 540.3 yen; 59 s (17.7 yen) charged
    const use = applyAllowances([mobile(31 * MINUTE)], minutes, carriedIn);
    expect(use.covered.map((covered) => covered.coveredScaled)).toEqual([5_403_000]);
  });

  test('the carried part is used first: M-1 carried in 200 and used 900 leaves 300 of its own', () => {
    // M-1: 200 carried + 1,000 own; 150 + 750 = 900 used → 200 of the carried part, then 700 own → 300 own left
    const use = applyAllowances([general(150), general(750)], thousand, new Map([['DOMESTIC', 200 * YEN]]));
    expect(use.balances[0]).toMatchObject({ carriedUsed: 200 * YEN, ownUsed: 700 * YEN });
    expect(carriedInto({ plan: PLAN, allowances: thousand, use }, { plan: PLAN, allowances: thousand })).toEqual(
      new Map([['DOMESTIC', 300 * YEN]]),
    );
  });

  test('a carry does not roll again: 500 carried into M-1 and not used there lapses at its end', () => {
    // M-2 left 500 → M-1 starts with 500 carried + 1,000 own; M-1 uses 0 → carries 1,000 (its own), not 1,500
    const twoBack = carried([general(500)], thousand);
    expect(twoBack).toEqual(new Map([['DOMESTIC', 500 * YEN]]));
    expect(carried([], thousand, twoBack)).toEqual(new Map([['DOMESTIC', 1000 * YEN]]));
  });

  test("a carry never exceeds M-1's own amount, however much was carried into M-1", () => {
    // M-1: 900 carried + 1,000 own; 400 used, all of the carried part → 1,000 own left (500 carried lapses)
    expect(carried([general(400)], thousand, new Map([['DOMESTIC', 900 * YEN]]))).toEqual(
      new Map([['DOMESTIC', 1000 * YEN]]),
    );
  });

  test('nothing is carried into another plan, nor into an allowance M-1 did not have, nor into one without carryOver', () => {
    const left = [general(100)];
    expect(carried(left, thousand, new Map(), { plan: 'OTHER', allowances: thousand })).toEqual(new Map());
    const renamed = allowancesOf({ ...domesticYen('1000'), id: 'DOMESTIC_NEW' });
    expect(carried(left, thousand, new Map(), { plan: PLAN, allowances: renamed })).toEqual(new Map());
    expect(
      carried(left, thousand, new Map(), { plan: PLAN, allowances: allowancesOf(domesticYen('1000', false)) }),
    ).toEqual(new Map());
    // the same id in minutes, or per number: not the same allowance
    const inMinutes = allowancesOf({ ...mobileMinutes(30), id: 'DOMESTIC', callTypes: ['general'] });
    expect(carried(left, thousand, new Map(), { plan: PLAN, allowances: inMinutes })).toEqual(new Map());
    const perNumber = allowancesOf(domesticYen('1000', true, 'number'));
    expect(carried(left, thousand, new Map(), { plan: PLAN, allowances: perNumber })).toEqual(new Map());
  });

  test("a per-number allowance carries each number's own rest; a number carried into M without calls keeps its balance", () => {
    const perNumber = allowancesOf(domesticYen('100', true, 'number'));
    // M-1: A used 30 → 70 left; B used 100 → 0 left
    const carriedIn = carried([general(30, A), general(120, B)], perNumber);
    expect(carriedIn).toEqual(
      new Map([
        [carryKey('DOMESTIC', A), 70 * YEN],
        [carryKey('DOMESTIC', B), 0],
      ]),
    );
    // M: only B calls (150 → its own 100 covered); A's 70 carried stays unused and lapses, its own 100 goes on to M+1
    const use = applyAllowances([general(150, B)], perNumber, carriedIn);
    expect(use.balances).toEqual([
      { allowanceId: 'DOMESTIC', number: A, carriedIn: 70 * YEN, carriedUsed: 0, own: 100 * YEN, ownUsed: 0 },
      { allowanceId: 'DOMESTIC', number: B, carriedIn: 0, carriedUsed: 0, own: 100 * YEN, ownUsed: 100 * YEN },
    ]);
  });

  test("quote: one more call is covered by the carried part and the month's own", () => {
    const carriedIn = new Map([['DOMESTIC', 50 * YEN]]);
    // 1,000 own + 50 carried; 900 stored; a 200-yen call → 150 covered, 50 charged
    const oneMore = coverOfOneMore([general(900)], general(200), thousand, carriedIn);
    expect(oneMore).toEqual({ allowanceIds: ['DOMESTIC'], coveredScaled: 150 * YEN });
  });
});
