import { join } from 'node:path';
import { ChakuwariTotal, NumberTypeTotal } from '../aggregate/monthlyTotals';
import { AllowanceUse } from '../discount/allowance';
import { loadTariffFile, PROJECT_ROOT } from '../reference/referenceData';
import { Tariff } from '../tariff/tariff';
import { buildStatement } from './buildStatement';
import { footingProblems } from '../reconcile/footing';
import { readStatementText } from '../reconcile/readStatementFile';
import { renderCsv } from './renderCsv';
import { renderHtml } from './renderHtml';
import { renderText } from './renderText';
import { statementJson } from './revisions';

/** fixtures/tariffs/allowances.json: rows rounded down to whole yen; 着割 0.5 yen per 60 s, half-up. */
const tariff = new Tariff(loadTariffFile(join(PROJECT_ROOT, 'fixtures', 'tariffs', 'allowances.json')));
const YEN = 10_000;
const A = '05011110001';
const B = '05011110002';
const base = { contractId: 'N000000001', month: '2026-12' };

const general = (number: string, yen: number, calls = 10): NumberTypeTotal => ({
  ...base,
  number,
  type: 'general',
  calls,
  durationTenths: calls * 600,
  chargeScaled: yen * YEN,
  chargeRemainderParts: 0,
});
const inbound = (number: string, minutes: number): ChakuwariTotal => ({
  ...base,
  number,
  calls: 1,
  durationTenths: minutes * 600,
  durationMs: minutes * 60_000,
});
const use = (entries: [string, number, number][]): AllowanceUse => ({
  covered: [],
  byNumber: new Map(
    entries.map(([number, calls, coveredScaled]) => [number, { calls, durationTenths: calls * 600, coveredScaled }]),
  ),
  balances: [],
});

describe('the statement of a plan with allowances', () => {
  test('shows the allowance used as its own row, and 着割 is capped at the charges after it', () => {
    // A: 1,500 yen of calls, 1,000 covered; 2,000 min inbound → 1,000 yen of 着割, capped at 1,500 − 1,000 = 500
    const statement = buildStatement({
      ...base,
      revision: 1,
      tariff,
      typeTotals: [general(A, 1500)],
      chakuwariTotals: [inbound(A, 2000)],
      allowanceUse: use([[A, 4, 1000 * YEN]]),
    });
    expect(statement.numbers[0]!.allowance).toEqual({
      count: 4,
      durationTenths: 2400,
      duration: '0:04:00.0',
      discount: '-1000',
    });
    expect(statement.numbers[0]!.chakuwari.discount).toBe('-500');
    expect(statement.numbers[0]!.total.charge).toBe('1500');
    expect(renderText(statement)).toContain(
      '| 無料通話 | 無料通話分   |      4 |           0:04:00.0 |        -1,000 |',
    );
  });

  test('the HTML table prints the 無料通話 section between 合計 and 着割', () => {
    const statement = buildStatement({
      ...base,
      revision: 1,
      tariff,
      typeTotals: [general(A, 1500)],
      chakuwariTotals: [inbound(A, 2000)],
      allowanceUse: use([[A, 4, 1000 * YEN]]),
    });
    const html = renderHtml(statement);
    expect(html).toContain(
      '<tr><th scope="row">無料通話</th><td>無料通話分</td><td class="number">4</td><td class="number">0:04:00.0</td><td class="number">-1,000</td></tr>',
    );
    expect(html.indexOf('>合計<')).toBeLessThan(html.indexOf('>無料通話<'));
    expect(html.indexOf('>無料通話<')).toBeLessThan(html.indexOf('>着割<'));
  });

  test('着割 under the charges left is not capped', () => {
    // 120 min → 60 yen; 1,500 − 1,000 = 500 left: 60 stays
    const statement = buildStatement({
      ...base,
      revision: 1,
      tariff,
      typeTotals: [general(A, 1500)],
      chakuwariTotals: [inbound(A, 120)],
      allowanceUse: use([[A, 4, 1000 * YEN]]),
    });
    expect(statement.allNumbers.chakuwari.discount).toBe('-60');
  });

  test('the allowance row is rounded by the statement rule, and the all-number row is the sum of the numbers', () => {
    // A 333.3333 → down 333; B 666.6667 → down 666; all numbers 333 + 666 = 999 (not 1,000)
    const statement = buildStatement({
      ...base,
      revision: 1,
      tariff,
      typeTotals: [general(A, 500), general(B, 700)],
      chakuwariTotals: [],
      allowanceUse: use([
        [A, 1, 3_333_333],
        [B, 2, 6_666_667],
      ]),
    });
    expect(statement.numbers.map((table) => table.allowance!.discount)).toEqual(['-333', '-666']);
    expect(statement.allNumbers.allowance).toEqual({
      count: 3,
      durationTenths: 1800,
      duration: '0:03:00.0',
      discount: '-999',
    });
  });

  test('the allowance row never passes the domestic rows, whatever the rounding', () => {
    // rows rounded up to 100 yen: general 1,450.5 → 1,500; covered 1,450.5 → up 1,500, within 1,500;
    // with international 900 → 900 beside it, the cap stays the 1,500 of general, not 2,400
    const up = new Tariff({
      ...tariff.file,
      rounding: { call: { mode: 'down', decimals: 1 }, statementRow: { mode: 'up', decimals: -2 } },
    });
    const international: NumberTypeTotal = { ...general(A, 900), type: 'international' };
    const covered = buildStatement({
      ...base,
      revision: 1,
      tariff: up,
      typeTotals: [{ ...general(A, 0), chargeScaled: 14_505_000 }, international],
      chakuwariTotals: [],
      allowanceUse: use([[A, 3, 14_505_000]]),
    });
    expect(covered.numbers[0]!.allowance!.discount).toBe('-1500');
    // covered 1,501 (more than the rounded rows could hold is a caller's bug, but the cap holds): → up 1,600, capped at 1,500
    const capped = buildStatement({
      ...base,
      revision: 1,
      tariff: up,
      typeTotals: [{ ...general(A, 0), chargeScaled: 14_505_000 }, international],
      chakuwariTotals: [],
      allowanceUse: use([[A, 3, 15_010_000]]),
    });
    expect(capped.numbers[0]!.allowance!.discount).toBe('-1500');
  });

  test('a number the allowance did not cover shows a zero row', () => {
    const statement = buildStatement({
      ...base,
      revision: 1,
      tariff,
      typeTotals: [general(A, 500), general(B, 700)],
      chakuwariTotals: [],
      allowanceUse: use([[A, 1, 500 * YEN]]),
    });
    expect(statement.numbers[1]!.allowance).toEqual({
      count: 0,
      durationTenths: 0,
      duration: '0:00:00.0',
      discount: '0',
    });
  });

  test('without an allowance use the statement has no allowance row at all (the JSON of plans without allowances is unchanged)', () => {
    // 2,000 min → 1,000 yen of 着割 under 1,500 yen of calls
    const statement = buildStatement({
      ...base,
      revision: 1,
      tariff,
      typeTotals: [general(A, 1500)],
      chakuwariTotals: [inbound(A, 2000)],
    });
    expect(Object.keys(statement.numbers[0]!)).toEqual(['number', 'calls', 'total', 'chakuwari']);
    expect(statement.numbers[0]!.chakuwari.discount).toBe('-1000');
  });
});

describe('reconcile reads and checks the allowance row of a statement file', () => {
  const statement = buildStatement({
    ...base,
    revision: 1,
    tariff,
    typeTotals: [general(A, 1500)],
    chakuwariTotals: [inbound(A, 2000)],
    allowanceUse: use([[A, 4, 1000 * YEN]]),
  });

  test.each([
    ['CSV', renderCsv(statement)],
    ['JSON', statementJson(statement)],
  ])('from its %s: the 無料通話分 row is read, and the statement foots', (_format, text) => {
    const read = readStatementText(text);
    if (!read.ok) throw new Error(read.message);
    expect(read.figures.numbers.get(A)!.allowance).toMatchObject({
      count: 4,
      durationTenths: 2400,
      amountScaled: -1000n * BigInt(YEN),
    });
    expect(footingProblems(read.figures, { strictDurationText: true })).toEqual([]);
  });

  test('an allowance past the charges, and a 着割 past what it left, do not foot', () => {
    // 1,500 yen of calls: allowance −1,600 exceeds them; 着割 −500 exceeds 1,500 − 1,600 = −100
    const edited = renderCsv(statement).replaceAll(',-1000\r\n', ',-1600\r\n');
    const read = readStatementText(edited);
    if (!read.ok) throw new Error(read.message);
    expect(
      footingProblems(read.figures, { strictDurationText: true }).map(
        (problem) => `${problem.table ?? 'all'} ${problem.row}: ${problem.message}`,
      ),
    ).toEqual([
      'all allowance: its 無料通話分 discount -1,600 exceeds its call charges 1,500 (the cap)',
      'all chakuwari: its 着割 discount -500 exceeds its call charges after 無料通話分 -100 (the cap)',
      `${A} allowance: its 無料通話分 discount -1,600 exceeds its call charges 1,500 (the cap)`,
      `${A} chakuwari: its 着割 discount -500 exceeds its call charges after 無料通話分 -100 (the cap)`,
    ]);
  });
});
