import { join } from 'node:path';
import { NumberTypeTotal } from '../aggregate/monthlyTotals';
import { AllowanceCall, applyAllowances, carryKey } from '../discount/allowance';
import { readStatementText } from '../reconcile/readStatementFile';
import { loadTariffFile, PROJECT_ROOT } from '../reference/referenceData';
import { Tariff } from '../tariff/tariff';
import { buildStatement } from './buildStatement';
import { carriedInOfStatement } from './carriedIn';
import { renderCsv } from './renderCsv';
import { renderHtml } from './renderHtml';
import { renderText } from './renderText';
import { statementJson } from './revisions';

/**
 * fixtures/tariffs/allowances.json with both allowances carrying over: DOMESTIC_1000_YEN (per
 * contract, general and PHS at 10 yen a started minute) and MOBILE_30_MIN (per number, mobiles at
 * 18 yen a minute per second, 0.3 yen a second = 3 scaled yen a millisecond).
 */
const file = loadTariffFile(join(PROJECT_ROOT, 'fixtures', 'tariffs', 'allowances.json'));
const tariff = new Tariff({
  ...file,
  allowances: file.allowances!.map((allowance) => ({ ...allowance, carryOver: 'next-month' as const })),
});
const YEN = 10_000;
const A = '05011110001';
const B = '05011110002';
const base = { contractId: 'N000000001', month: '2026-12' };
const START = Date.UTC(2026, 11, 1, 0, 0, 0);

const total = (number: string, type: 'general' | 'mobile', chargeScaled: number, tenths: number): NumberTypeTotal => ({
  ...base,
  number,
  type,
  calls: 1,
  durationTenths: tenths,
  chargeScaled,
  chargeRemainderParts: 0,
});
const call = (
  recordId: string,
  number: string,
  peerClass: 'general' | 'mobile',
  durationMs: number,
): AllowanceCall => ({
  recordId,
  number,
  direction: 'out',
  peer: peerClass === 'mobile' ? '09012345678' : '0312345678',
  peerClass,
  startMs: START,
  durationMs,
  chargeScaled: peerClass === 'mobile' ? durationMs * 3 : Math.ceil(durationMs / 60_000) * 10 * YEN,
});

/**
 * December, carried in with 250.5 yen (contract) and 12 min 30.5 s for A, 0 for B:
 *   A: general 60 s = 10 yen, from the 250.5 carried; mobile 40 min = 2,400 s × 0.3 = 720 yen:
 *      12:30.5 carried + 27:29.5 own = 40 min covered, 720 yen
 *   B: general 120 s = 20 yen, from the carried (240.5 left)
 */
const use = applyAllowances(
  [call('a1', A, 'general', 60_000), call('a2', A, 'mobile', 2_400_000), call('b1', B, 'general', 120_000)],
  tariff.allowances,
  new Map([
    ['DOMESTIC_1000_YEN', 2_505_000],
    [carryKey('MOBILE_30_MIN', A), 750_500],
    [carryKey('MOBILE_30_MIN', B), 0],
  ]),
);
const statement = buildStatement({
  ...base,
  revision: 1,
  tariff,
  typeTotals: [
    total(A, 'general', 10 * YEN, 600),
    total(A, 'mobile', 720 * YEN, 24_000),
    total(B, 'general', 20 * YEN, 1200),
  ],
  chakuwariTotals: [],
  allowanceUse: use,
});

describe('the statement of a plan whose allowances carry over', () => {
  test('the allowance rows say what each allowance was carried in with, exactly', () => {
    // all numbers: DOMESTIC 250.5; MOBILE 750.5 s (A) + 0 (B) = 750.5 s
    expect(statement.allNumbers.allowance).toEqual({
      count: 3,
      durationTenths: 600 + 24_000 + 1200,
      duration: '0:43:00.0',
      discount: '-750', // 10 + 720 + 20
      carriedIn: [
        { allowance: 'DOMESTIC_1000_YEN', yen: '250.5' },
        { allowance: 'MOBILE_30_MIN', seconds: '750.5' },
      ],
    });
    // a number's table has its per-number allowance only
    expect(statement.numbers.map((table) => table.allowance!.carriedIn)).toEqual([
      [{ allowance: 'MOBILE_30_MIN', seconds: '750.5' }],
      [{ allowance: 'MOBILE_30_MIN', seconds: '0' }],
    ]);
  });

  test('an issued statement gives back exactly what the month was carried in with', () => {
    const issued = JSON.parse(statementJson(statement)) as typeof statement;
    expect(carriedInOfStatement(issued, tariff.allowances)).toEqual(
      new Map([
        ['DOMESTIC_1000_YEN', 2_505_000],
        [carryKey('MOBILE_30_MIN', A), 750_500],
        [carryKey('MOBILE_30_MIN', B), 0],
      ]),
    );
  });

  test('text, HTML and CSV print the carried-in amounts under the 無料通話分 row', () => {
    const text = renderText(statement);
    expect(text).toContain('前月繰越 DOMESTIC_1000_YEN: 250.5 円 (今月分より先に使用)');
    expect(text).toContain('前月繰越 MOBILE_30_MIN: 0:12:30.500 (今月分より先に使用)');
    expect(renderHtml(statement)).toContain(
      '<p class="carried">前月繰越 MOBILE_30_MIN: 0:12:30.500 (今月分より先に使用)</p>',
    );
    const csv = renderCsv(statement).split('\r\n');
    expect(csv.filter((line) => line.includes(',carried,'))).toEqual([
      'N000000001,2026-12,1,all,,carried,DOMESTIC_1000_YEN,前月繰越,,,,250.5',
      'N000000001,2026-12,1,all,,carried,MOBILE_30_MIN,前月繰越,,,0:12:30.500,',
      `N000000001,2026-12,1,number,${A},carried,MOBILE_30_MIN,前月繰越,,,0:12:30.500,`,
      `N000000001,2026-12,1,number,${B},carried,MOBILE_30_MIN,前月繰越,,,0:00:00.000,`,
    ]);
  });

  test('reconcile reads the CSV and JSON with carried-in rows, and the allowance row is the same', () => {
    for (const text of [renderCsv(statement), statementJson(statement)]) {
      const read = readStatementText(text);
      if (!read.ok) throw new Error(read.message);
      expect(read.figures.allNumbers!.allowance!.amountScaled).toBe(-750n * BigInt(YEN));
    }
  });
});
