import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readCallDetails, renderCallDetailsCsv } from '../export/callDetails';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData, ReferenceData } from '../reference/referenceData';
import { closeMonth } from '../rerate/closeMonth';
import { rerateMonth } from '../rerate/rerateMonth';
import { loadStatement, readAllowanceCoverage } from '../statement/loadStatement';
import { statementJson } from '../statement/revisions';
import { SubscriptionBook } from '../subscription/subscriptions';
import { copyReferenceData, removeReferenceCopies } from './referenceVariant';
import { OpenedStore } from './storeContract';
import { csv } from './tempStore';

/**
 * 無料通話分 on every engine from this one file (called by each engine's contract test). The
 * reference plan (一般通話 8 yen per started 180 s; 着割 0.5 yen per 60 s, half-up) gets an
 * allowance of 20 yen of general calls per contract. The month's calls:
 *   G1 09:00 200 s → 2 units = 16 yen    G2 10:00 100 s → 8 yen    G3 11:00 100 s → 8 yen
 *   I1 12:00 inbound 3,600 s from a general number → 60 min × 0.5 = 30 yen of 着割
 * In call order G1 takes 16, G2 the last 4, G3 nothing: 20 yen used of 32; 着割 is capped at
 * 32 − 20 = 12 yen.
 */
const CONTRACT = 'N000000001';
const NUMBER = '05012345678';
const MONTH = '2011-04';
const G1 = `G1,${CONTRACT},${NUMBER},out,0312345678,2011-04-01 09:00:00,200`;
const G2 = `G2,${CONTRACT},${NUMBER},out,0312345678,2011-04-01 10:00:00,100`;
const G3 = `G3,${CONTRACT},${NUMBER},out,0312345678,2011-04-01 11:00:00,100`;
const I1 = `I1,${CONTRACT},${NUMBER},in,0311112222,2011-04-01 12:00:00,3600`;

function allowanceReference(carryOver = false): ReferenceData {
  const variant = copyReferenceData();
  const allowances = [
    {
      id: 'GENERAL_20_YEN',
      per: 'contract',
      yen: '20',
      callTypes: ['general'],
      ...(carryOver ? { carryOver: 'next-month' } : {}),
    },
  ];
  variant.edit('tariffs/reference-2006-12.json', (tariff) => {
    tariff.allowances = allowances;
    // PLAN_B: the same rates and allowance under another plan, for a plan change
    variant.add('tariffs/plan-b-2006-12.json', { ...tariff, id: 'PLAN-B-2006-12', plan: 'PLAN_B' });
  });
  return loadReferenceData(variant.dataDir);
}

/** May's calls, for the carry from April: 16 yen each (200 s → 2 started 180 s units × 8 yen). */
const NEXT_MONTH = '2011-05';
const H1 = `H1,${CONTRACT},${NUMBER},out,0312345678,2011-05-01 09:00:00,200`;
const H2 = `H2,${CONTRACT},${NUMBER},out,0312345678,2011-05-01 10:00:00,200`;

export function allowanceContract(engine: string, openEmptyStore: () => Promise<OpenedStore>): void {
  describe(`allowances (無料通話分): ${engine}`, () => {
    let opened: OpenedStore;
    let directory: string;
    let reference: ReferenceData;
    let files = 0;
    const ingest = async (...rows: string[]): Promise<void> => {
      files += 1;
      const path = join(directory, `calls-${files}.csv`);
      writeFileSync(path, csv(rows));
      await ingestFile(opened.store, reference, path);
    };
    const statementOf = async (month = MONTH) =>
      loadStatement(opened.store, reference, { contractId: CONTRACT, month });
    /** The call detail CSV's record_id, status and allowance columns. */
    const coverage = async (): Promise<string[]> => {
      const calls = await readCallDetails(opened.store, { contractId: CONTRACT, month: MONTH, direction: 'all' });
      const allowanceCovered = await readAllowanceCoverage(opened.store, reference, CONTRACT, MONTH);
      const rows = parse(
        renderCallDetailsCsv(calls, { mask: false, ...(allowanceCovered === undefined ? {} : { allowanceCovered }) }),
        { columns: true },
      ) as Record<string, string>[];
      return rows.map((row) => `${row.record_id} ${row.status} ${row.allowance}`);
    };

    beforeEach(async () => {
      opened = await openEmptyStore();
      directory = mkdtempSync(join(tmpdir(), 'meisai-allowance-'));
      reference = allowanceReference();
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
      removeReferenceCopies();
    });

    test('the statement shows 20 of 32 yen covered and 着割 capped at the 12 left; the call detail shows each call covered', async () => {
      await ingest(G1, G2, G3, I1);
      const table = (await statementOf()).numbers[0]!;
      expect(table.calls[0]).toMatchObject({ type: 'general', count: 3, charge: '32' });
      // G1 (2:00.0 → 200 s) and G2 (100 s): 300 s = 0:05:00.0
      expect(table.allowance).toEqual({ count: 2, durationTenths: 3000, duration: '0:05:00.0', discount: '-20' });
      expect(table.chakuwari.discount).toBe('-12');
      expect(await coverage()).toEqual(['G1 billed 16', 'G2 billed 4', 'G3 billed 0', 'I1 billed 0']);
    });

    test('a call that started earlier but arrives later takes the allowance first: the month ends as if the calls came in order', async () => {
      await ingest(G1, G2, G3, I1);
      const inOrder = statementJson(await statementOf());
      await opened.cleanUp();
      opened = await openEmptyStore();
      await ingest(G3, I1, G2);
      // G2 8 + G3 8 = 16 of 20 covered; 着割 capped at 16 − 16 = 0
      expect(await coverage()).toEqual(['G2 billed 8', 'G3 billed 8', 'I1 billed 0']);
      expect((await statementOf()).numbers[0]!.chakuwari.discount).toBe('0');
      await ingest(G1);
      expect(await coverage()).toEqual(['G1 billed 16', 'G2 billed 4', 'G3 billed 0', 'I1 billed 0']);
      expect(statementJson(await statementOf())).toBe(inOrder);
    });

    test('a closed month keeps its allowance figures when a late call arrives, until rerate --force', async () => {
      await ingest(G2, G3, I1);
      await closeMonth(opened.store, reference, MONTH);
      const issued = statementJson(await statementOf());
      expect((await statementOf()).numbers[0]!.allowance!.discount).toBe('-16');
      await ingest(G1);
      // G1 is stored late: out of the totals and of the allowance
      expect(await coverage()).toEqual(['G1 late 0', 'G2 billed 8', 'G3 billed 8', 'I1 billed 0']);
      expect(statementJson(await statementOf())).toBe(issued);
      await rerateMonth(opened.store, reference, { month: MONTH, reason: 'late G1 billed', force: true });
      const revised = await statementOf();
      expect(revised.revision).toBe(2);
      expect(revised.numbers[0]!.allowance!.discount).toBe('-20');
      expect(revised.numbers[0]!.chakuwari.discount).toBe('-12');
      expect(await coverage()).toEqual(['G1 billed 16', 'G2 billed 4', 'G3 billed 0', 'I1 billed 0']);
    });

    describe('carryOver next-month: April leaves May what it did not use of its 20 yen', () => {
      beforeEach(() => {
        removeReferenceCopies();
        reference = allowanceReference(true);
      });

      test('a call of April arriving late, after May, changes May: less is carried', async () => {
        // April: G2 8 yen used of 20 → 12 left. May: 20 own + 12 carried = 32; H1 16 + H2 16 = 32 covered
        await ingest(G2, H1, H2);
        const may = (await statementOf(NEXT_MONTH)).allNumbers.allowance!;
        expect(may).toMatchObject({ discount: '-32', carriedIn: [{ allowance: 'GENERAL_20_YEN', yen: '12' }] });
        // G3 of April comes in after May's calls: April 8 + 8 = 16 used → 4 left; May 20 + 4 = 24 covered of 32
        await ingest(G3);
        const after = (await statementOf(NEXT_MONTH)).allNumbers.allowance!;
        expect(after).toMatchObject({ discount: '-24', carriedIn: [{ allowance: 'GENERAL_20_YEN', yen: '4' }] });
        // the same as if April's calls had come first
        const late = statementJson(await statementOf(NEXT_MONTH));
        await opened.cleanUp();
        opened = await openEmptyStore();
        await ingest(G2, G3, H1, H2);
        expect(statementJson(await statementOf(NEXT_MONTH))).toBe(late);
      });

      test('what March carried into April and April did not use lapses: April carries only its own 20 into May', async () => {
        // March: G0 8 yen → 12 left. April (inbound I1 only): 12 carried + 20 own, none used → 20 own left (the 12 lapse).
        // May: 20 own + 20 carried = 40; H1 16 + H2 16 = 32 covered (not 32 of 52)
        await ingest(`G0,${CONTRACT},${NUMBER},out,0312345678,2011-03-01 09:00:00,100`, I1, H1, H2);
        expect((await statementOf()).allNumbers.allowance!.carriedIn).toEqual([
          { allowance: 'GENERAL_20_YEN', yen: '12' },
        ]);
        expect((await statementOf(NEXT_MONTH)).allNumbers.allowance).toMatchObject({
          discount: '-32',
          carriedIn: [{ allowance: 'GENERAL_20_YEN', yen: '20' }],
        });
      });

      test('a plan change at the start of May carries nothing into May', async () => {
        reference = {
          ...reference,
          subscriptions: new SubscriptionBook([
            { contractId: CONTRACT, number: null, plan: 'REFERENCE', effectiveFrom: '2006-12-01' },
            { contractId: CONTRACT, number: null, plan: 'PLAN_B', effectiveFrom: '2011-05-01' },
          ]),
        };
        // April (REFERENCE): 8 of 20 used → 12 left, but May is PLAN_B's: 20 own of 32 covered
        await ingest(G2, H1, H2);
        expect((await statementOf(NEXT_MONTH)).allNumbers.allowance).toMatchObject({
          discount: '-20',
          carriedIn: [{ allowance: 'GENERAL_20_YEN', yen: '0' }],
        });
      });

      test('a closed May keeps its carry when an April call arrives, until rerate --force of May', async () => {
        await ingest(G2, H1, H2);
        await closeMonth(opened.store, reference, NEXT_MONTH);
        const issued = statementJson(await statementOf(NEXT_MONTH));
        // April is open: G3 is billed there (8 + 8 = 16 used → 4 left), but May was invoiced carrying 12
        await ingest(G3);
        expect((await statementOf()).allNumbers.allowance!.discount).toBe('-16');
        expect(statementJson(await statementOf(NEXT_MONTH))).toBe(issued);
        const rerated = await rerateMonth(opened.store, reference, {
          month: NEXT_MONTH,
          reason: 'April G3 billed',
          force: true,
        });
        // only the 無料通話分 row changes (the calls are the same): the re-rate reports it
        expect(
          rerated.contracts[0]!.changes.map((change) => `${change.scope} ${change.row} ${change.amount.join(' → ')}`),
        ).toEqual(['all allowance -32 → -24', `${NUMBER} allowance -32 → -24`]);
        const revised = await statementOf(NEXT_MONTH);
        expect(revised.revision).toBe(2);
        // 20 own + 4 carried = 24 of 32 covered
        expect(revised.allNumbers.allowance).toMatchObject({
          discount: '-24',
          carriedIn: [{ allowance: 'GENERAL_20_YEN', yen: '4' }],
        });
      });

      test('April and May closed: rerate --force of April changes May only at rerate --force of May', async () => {
        await ingest(G2, H1, H2);
        await closeMonth(opened.store, reference, MONTH);
        await closeMonth(opened.store, reference, NEXT_MONTH);
        const issued = statementJson(await statementOf(NEXT_MONTH));
        await ingest(G3);
        // G3 is late in a closed April: out of its totals, out of the carry
        expect(statementJson(await statementOf(NEXT_MONTH))).toBe(issued);
        await rerateMonth(opened.store, reference, { month: MONTH, reason: 'late G3 billed', force: true });
        expect((await statementOf()).allNumbers.allowance!.discount).toBe('-16');
        expect(statementJson(await statementOf(NEXT_MONTH))).toBe(issued);
        await rerateMonth(opened.store, reference, { month: NEXT_MONTH, reason: 'April re-rated', force: true });
        expect((await statementOf(NEXT_MONTH)).allNumbers.allowance).toMatchObject({
          discount: '-24',
          carriedIn: [{ allowance: 'GENERAL_20_YEN', yen: '4' }],
        });
      });
    });
  });
}
