import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TotalsBoundError } from '../errors';
import { ingestFile } from '../ingest/ingestFile';
import { reconcileMonth } from '../reconcile/reconcileMonth';
import { loadReferenceData, ReferenceData } from '../reference/referenceData';
import { rerateMonth } from '../rerate/rerateMonth';
import { loadStatement } from '../statement/loadStatement';
import { renderText } from '../statement/renderText';
import { statementJson } from '../statement/revisions';
import { TOTAL_BOUND } from '../store/totalsBound';
import { copyReferenceData, removeReferenceCopies } from './referenceVariant';
import { OpenedStore } from './storeContract';
import { csv } from './tempStore';

/**
 * Sums at any size, on every engine from this one file (called by each engine's contract test):
 * a stored monthly total stays within store/totalsBound.ts's bound, a file or a re-rate that
 * would pass it is refused whole, and the sums across numbers are exact past 2^53.
 *
 * The tariff here makes one general call (1 s, one 180 s unit) cost 250,000,000 yen =
 * 2.5 × 10^12 scaled yen (its exact charge, 9 × 10^15 parts, is still an exact integer), so 400
 * such calls of one number put its general row exactly at the bound: 400 × 2.5 × 10^12 = 10^15.
 */
const CALL_SCALED = 2_500_000_000_000;
const CALLS_AT_BOUND = TOTAL_BOUND / CALL_SCALED; // 400
const CONTRACT = 'N000000001';
const MONTH = '2011-04';

/** The reference data with that general price, mobile at 16.0001 yen per 60 s, and rows rounded to 4 fraction digits (no figure hides in a rounding). */
function costlyReference(): ReferenceData {
  const variant = copyReferenceData();
  variant.edit('tariffs/reference-2006-12.json', (tariff) => {
    tariff.rates.find((rate: { id: string }) => rate.id === 'GENERAL').steps[0].price = '250000000';
    tariff.rates.find((rate: { id: string }) => rate.id === 'MOBILE').steps[0].price = '16.0001';
    tariff.rounding = { call: { mode: 'down', decimals: 4 }, statementRow: { mode: 'down', decimals: 4 } };
  });
  return loadReferenceData(variant.dataDir);
}

/** `count` one-second general calls of `number` on April 1st, record ids prefixed `prefix`. */
function generalCalls(prefix: string, number: string, count: number, firstSecond = 0): string[] {
  return Array.from({ length: count }, (_, index) => {
    const second = firstSecond + index;
    const time = `${String(9 + Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
    return `${prefix}${index},${CONTRACT},${number},out,0312345678,2011-04-01 ${time},1`;
  });
}

export function sumsContract(engine: string, openEmptyStore: () => Promise<OpenedStore>): void {
  describe(`sums at any size: ${engine}`, () => {
    let opened: OpenedStore;
    let directory: string;
    let reference: ReferenceData;
    const write = (name: string, rows: string[]): string => {
      const path = join(directory, name);
      writeFileSync(path, csv(rows));
      return path;
    };
    const statementOf = async () => loadStatement(opened.store, reference, { contractId: CONTRACT, month: MONTH });

    beforeEach(async () => {
      opened = await openEmptyStore();
      directory = mkdtempSync(join(tmpdir(), 'meisai-sums-'));
      reference = costlyReference();
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
      removeReferenceCopies();
    });

    test('a month total exactly at the bound is stored, and its statement and reconcile are exact', async () => {
      await ingestFile(
        opened.store,
        reference,
        write('at-bound.csv', generalCalls('B', '05012345678', CALLS_AT_BOUND)),
      );
      const statement = await statementOf();
      // 400 × 250,000,000 yen = 100,000,000,000 yen
      expect(statement.numbers[0]!.calls[0]).toMatchObject({
        type: 'general',
        count: 400,
        charge: '100000000000.0000',
      });
      expect(statement.allNumbers.total.charge).toBe('100000000000.0000');
      expect(renderText(statement)).toContain('100,000,000,000');
      const report = await reconcileMonth(opened.store, reference, { month: MONTH, contractId: null });
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    });

    test('a file that would carry a month total past the bound is refused whole with exit 1, nothing written', async () => {
      await ingestFile(
        opened.store,
        reference,
        write('at-bound.csv', generalCalls('B', '05012345678', CALLS_AT_BOUND)),
      );
      const before = statementJson(await statementOf());
      const over = ingestFile(
        opened.store,
        reference,
        write('one-more.csv', generalCalls('C', '05012345678', 1, CALLS_AT_BOUND)),
      );
      await expect(over).rejects.toThrow(TotalsBoundError);
      await expect(over).rejects.toMatchObject({ exitCode: 1 });
      await expect(over).rejects.toThrow(
        /one-more\.csv: refused, nothing applied: the 2011-04 total of the general calls of 05012345678 \(contract N000000001\) would reach charge_scaled 1002500000000000, past the bound of 1,000,000,000,000,000/,
      );
      expect((await opened.store.fileControls()).values.map((file) => file.name)).toEqual(['at-bound.csv']);
      expect(statementJson(await statementOf())).toBe(before);
      expect((await reconcileMonth(opened.store, reference, { month: MONTH, contractId: null })).ok).toBe(true);
    });

    test('a file adding to other rows of a month holding a total at the bound is stored, exact', async () => {
      await ingestFile(
        opened.store,
        reference,
        write('at-bound.csv', generalCalls('B', '05012345678', CALLS_AT_BOUND)),
      );
      // The stored 10^15 plus this file's 2.5 × 10^12 could pass the bound, so each new sum is read
      // back: the other number's row is 2.5 × 10^12, within it.
      await ingestFile(opened.store, reference, write('other-number.csv', generalCalls('E', '05012345679', 1)));
      const statement = await statementOf();
      // 400 × 250,000,000 yen on one number, 1 × 250,000,000 yen on the other
      expect(
        statement.numbers.map((number) => [number.number, number.calls[0]!.count, number.calls[0]!.charge]),
      ).toEqual([
        ['05012345678', 400, '100000000000.0000'],
        ['05012345679', 1, '250000000.0000'],
      ]);
      expect(statement.allNumbers.total.charge).toBe('100250000000.0000');
      expect((await opened.store.fileControls()).values.map((file) => file.name)).toEqual([
        'at-bound.csv',
        'other-number.csv',
      ]);
    });

    test('two files adding to one number up to exactly the bound are both stored', async () => {
      // 200 + 200 calls × 2.5 × 10^12 = 10^15: the first file's sums go into an empty month unread,
      // the second's are read back and are at the bound, not past it.
      const half = CALLS_AT_BOUND / 2;
      await ingestFile(opened.store, reference, write('first-half.csv', generalCalls('F', '05012345678', half)));
      await ingestFile(opened.store, reference, write('second-half.csv', generalCalls('G', '05012345678', half, half)));
      const statement = await statementOf();
      expect(statement.numbers[0]!.calls[0]).toMatchObject({
        type: 'general',
        count: 400,
        charge: '100000000000.0000',
      });
      const over = ingestFile(opened.store, reference, write('one-more.csv', generalCalls('H', '05012345678', 1, 400)));
      await expect(over).rejects.toThrow(/one-more\.csv: refused, nothing applied: .* charge_scaled 1002500000000000/);
    });

    test('one file past the bound on its own is refused and leaves the store empty', async () => {
      const path = write('too-much.csv', generalCalls('D', '05012345678', CALLS_AT_BOUND + 1));
      await expect(ingestFile(opened.store, reference, path)).rejects.toThrow(
        /too-much\.csv: refused, nothing applied: .* charge_scaled 1002500000000000, past the bound/,
      );
      expect((await opened.store.fileControls()).values).toEqual([]);
      expect(await opened.store.statementMonths(CONTRACT)).toEqual([]);
    });

    test('a file past the bound is refused the same when its records are rated in a worker thread', async () => {
      await ingestFile(
        opened.store,
        reference,
        write('at-bound.csv', generalCalls('B', '05012345678', CALLS_AT_BOUND)),
        { parseIn: 'worker' },
      );
      const path = write('one-more.csv', generalCalls('C', '05012345678', 1, CALLS_AT_BOUND));
      await expect(ingestFile(opened.store, reference, path, { parseIn: 'worker' })).rejects.toThrow(
        /one-more\.csv: refused, nothing applied: .* charge_scaled 1002500000000000/,
      );
      expect((await opened.store.fileControls()).values.map((file) => file.name)).toEqual(['at-bound.csv']);
    });

    test('a re-rate that would carry a total past the bound is refused, the stored month unchanged', async () => {
      await ingestFile(opened.store, reference, write('near.csv', generalCalls('E', '05012345678', CALLS_AT_BOUND)));
      const before = statementJson(await statementOf());
      const dearer = copyReferenceData();
      dearer.edit('tariffs/reference-2006-12.json', (tariff) => {
        tariff.rates.find((rate: { id: string }) => rate.id === 'GENERAL').steps[0].price = '250000001';
        tariff.rounding = { call: { mode: 'down', decimals: 4 }, statementRow: { mode: 'down', decimals: 4 } };
      });
      await expect(
        rerateMonth(opened.store, loadReferenceData(dearer.dataDir), { month: MONTH, reason: 'dearer', force: false }),
      ).rejects.toThrow(
        /re-rate of 2011-04 refused, nothing applied: .* charge_scaled 1000000004000000, past the bound/,
      );
      expect(statementJson(await statementOf())).toBe(before);
    });

    test('the all-number total past 2^53 scaled yen is exact in the statement, its text and reconcile', async () => {
      const numbers = Array.from({ length: 10 }, (_, index) => `0501234${String(5670 + index)}`);
      const rows = numbers.flatMap((number, index) => generalCalls(`F${index}-`, number, CALLS_AT_BOUND));
      rows.push(`M1,${CONTRACT},${numbers[0]},out,090-1111-2222,2011-04-02 10:00:00,30`);
      await ingestFile(opened.store, reference, write('ten-numbers.csv', rows));
      const statement = await statementOf();
      // 10 × 10^15 + 160,001 scaled yen = 10,000,000,000,160,001 > 2^53 (9,007,199,254,740,992): a float would print it even
      expect(statement.allNumbers.total.charge).toBe('1000000000016.0001');
      expect(statement.allNumbers.calls.map((row) => row.charge)).toEqual([
        '1000000000000.0000',
        '0.0000',
        '16.0001',
        '0.0000',
        '0.0000',
      ]);
      expect(statement.allNumbers.total.count).toBe(4001);
      expect(renderText(statement)).toContain('1,000,000,000,016.0001');
      const report = await reconcileMonth(opened.store, reference, { month: MONTH, contractId: null });
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    });
  });
}
