import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeisaiError } from '../errors';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData } from '../reference/referenceData';
import { reconcileMonth } from '../reconcile/reconcileMonth';
import { RemoveFileRequest, removeFile } from '../removal/removeFile';
import { closeMonth } from '../rerate/closeMonth';
import { FileSelector, Store } from '../store/types';
import { OpenedStore } from './storeContract';
import { csv } from './tempStore';

/**
 * `files remove` through the `Store` interface alone, on both engines (sqliteStore.contract.test.ts
 * and pgStore.contract.test.ts call it): rows leave, totals move, duplicates are promoted,
 * closed months are refused without force, a dry run writes nothing, reconcile agrees.
 */
const reference = loadReferenceData();

const A_ROWS = [
  'K1,N000000001,05012345678,out,03-1234-5678,2011-04-01 09:15:02,93.5',
  'K2,N000000001,05012345678,out,090-1111-2222,2011-04-02 10:00:00,60',
  'K2,N000000001,05012345678,out,090-1111-2222,2011-04-02 10:00:00,60',
  'K3,N000000001,05012345678,out,not-a-number,2011-04-02 10:00:00,60',
];
const B_ROWS = [
  'K5,N000000001,05012345678,out,03-1234-5678,2011-04-03 08:00:00,30',
  'K1,N000000001,05012345678,out,03-1234-5678,2011-04-01 09:15:02,93.5',
];
const C_ROWS = ['K1,N000000001,05012345678,out,03-1234-5678,2011-04-01 09:15:02,93.5'];

export function removalContract(engine: string, openEmptyStore: () => Promise<OpenedStore>): void {
  describe(`files remove: ${engine}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let directory: string;
    const ingest = async (name: string, rows: string[]): Promise<string> => {
      const path = join(directory, name);
      writeFileSync(path, csv(rows));
      await ingestFile(store, reference, path);
      return path;
    };
    const remove = (selector: FileSelector, options: Partial<RemoveFileRequest> = {}) =>
      removeFile(store, reference, {
        selector,
        reason: 'delivered twice by mistake',
        removedBy: 'clerk',
        force: false,
        dryRun: false,
        removedAt: '2026-12-05T09:00:00.000Z',
        ...options,
      });
    /** The contract-month's total charge (scaled yen) over its number/type totals. */
    const charge = async (month = '2011-04'): Promise<number> =>
      (await store.contractTotals('N000000001', month)).typeTotals.reduce((sum, row) => sum + row.chargeScaled, 0);
    const reconciled = async (month = '2011-04'): Promise<boolean> =>
      (await reconcileMonth(store, reference, { month, contractId: null })).ok;
    const refusal = async (work: Promise<unknown>): Promise<{ exitCode: number; message: string }> => {
      try {
        await work;
      } catch (error) {
        if (error instanceof MeisaiError) return { exitCode: error.exitCode, message: error.message };
        throw error;
      }
      throw new Error('not refused');
    };

    beforeEach(async () => {
      opened = await openEmptyStore();
      store = opened.store;
      directory = mkdtempSync(join(tmpdir(), 'meisai-removal-'));
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
    });

    test('removing a file of an open month takes its calls, rejects and duplicates out, the totals drop and reconcile agrees', async () => {
      await ingest('a.csv', A_ROWS);
      await ingest('d.csv', ['K9,N000000001,05012345678,out,03-1234-5678,2011-04-04 08:00:00,60']);
      const before = await charge();

      const result = await remove({ name: 'a.csv' });

      expect(result.removed).toEqual({ calls: 2, rejects: 1, duplicates: 1, skips: 0, recycled: 0, promoted: 0 });
      expect(result.contractMonths).toEqual([{ contractId: 'N000000001', month: '2011-04' }]);
      const left = await charge();
      expect(left).toBeLessThan(before);
      expect(left).toBeGreaterThan(0); // d.csv's call stays billed
      expect(await store.rejects({ fileName: 'a.csv' })).toEqual([]);
      expect(
        (await store.callDetails({ contractId: 'N000000001', month: '2011-04', direction: 'all' })).map(
          (call) => call.recordId,
        ),
      ).toEqual(['K9']);
      expect(await reconciled()).toBe(true);
      const listed = (await store.ingestedFiles()).find((file) => file.name === 'a.csv');
      expect(listed).toMatchObject({
        recordsRead: 4,
        accepted: 2,
        removedAt: '2026-12-05T09:00:00.000Z',
        removedBy: 'clerk',
        removalReason: 'delivered twice by mistake',
      });
      expect((await store.ingestedFiles()).find((file) => file.name === 'd.csv')).toMatchObject({
        removedAt: null,
        removedBy: null,
        removalReason: null,
      });
    });

    test('a duplicate of a removed call in a later file becomes the billed call, the first in ingest order; the totals stay', async () => {
      await ingest('a.csv', A_ROWS);
      await ingest('b.csv', B_ROWS);
      await ingest('c.csv', C_ROWS);
      const before = await charge();

      const result = await remove({ name: 'a.csv' });

      expect(result.promoted).toEqual([{ recordId: 'K1', fileName: 'b.csv', line: 3 }]);
      expect(result.removed).toMatchObject({ calls: 1, promoted: 1 });
      const calls = await store.callDetails({ contractId: 'N000000001', month: '2011-04', direction: 'all' });
      expect(calls.map((call) => [call.recordId, call.fileName, call.line])).toEqual([
        ['K1', 'b.csv', 3],
        ['K5', 'b.csv', 2],
      ]);
      // K2 (a.csv only) left: 60 s to a mobile; K1 is billed as before, now from b.csv.
      expect(await charge()).toBeLessThan(before);
      const files = await store.ingestedFiles();
      expect(files.find((file) => file.name === 'b.csv')).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(files.find((file) => file.name === 'c.csv')).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(await reconciled()).toBe(true);
      // The promoted call is found by de-duplication again: a re-send of K1 is a duplicate, not a second call.
      await ingest('e.csv', [...C_ROWS, 'K8,N000000001,05012345678,out,03-1234-5678,2011-04-07 08:00:00,60']);
      expect((await store.ingestedFiles()).find((file) => file.name === 'e.csv')).toMatchObject({
        accepted: 1,
        duplicates: 1,
      });
      expect(await reconciled()).toBe(true);
    });

    test('a duplicate whose record_id another file stores as a call months away stays a duplicate (it may repeat that call)', async () => {
      await ingest('a.csv', ['K1,N000000001,05012345678,out,03-1234-5678,2011-04-01 09:15:02,93.5']);
      await ingest('x.csv', ['K1,N000000001,05012345678,out,03-1234-5678,2011-07-01 09:15:02,93.5']);
      await ingest('b.csv', [
        'K1,N000000001,05012345678,out,03-1234-5678,2011-07-01 09:15:02,93.5',
        'K6,N000000001,05012345678,out,03-1234-5678,2011-07-02 09:00:00,60',
      ]);

      const result = await remove({ name: 'a.csv' });

      expect(result.promoted).toEqual([]);
      expect(result.undecided).toEqual(['K1']);
      expect((await store.ingestedFiles()).find((file) => file.name === 'b.csv')).toMatchObject({
        accepted: 1,
        duplicates: 1,
      });
      expect(await store.callDetails({ contractId: 'N000000001', month: '2011-04', direction: 'all' })).toEqual([]);
      expect(
        (await store.callDetails({ contractId: 'N000000001', month: '2011-07', direction: 'all' })).map((call) => [
          call.recordId,
          call.fileName,
        ]),
      ).toEqual([
        ['K1', 'x.csv'],
        ['K6', 'b.csv'],
      ]);
      expect(await reconciled('2011-04')).toBe(true);
    });

    test('a file with calls of a closed month is refused (exit 2) and changes nothing; --force issues a revision', async () => {
      await ingest('a.csv', A_ROWS);
      await ingest('d.csv', ['K9,N000000001,05012345678,out,03-1234-5678,2011-04-04 08:00:00,60']);
      await closeMonth(store, reference, '2011-04');
      const before = await charge();
      const issued = await store.revisionHistory('N000000001', '2011-04');

      const refused = await refusal(remove({ name: 'a.csv' }));
      expect(refused.exitCode).toBe(2);
      expect(refused.message).toMatch(/a\.csv has calls of closed \(invoiced\) month 2011-04: .*add --force/);
      expect(await charge()).toBe(before);
      expect((await store.ingestedFiles())[0]!.removedAt).toBeNull();

      const forced = await remove({ name: 'a.csv' }, { force: true });
      expect(forced.closedMonths).toEqual(['2011-04']);
      expect(forced.revisions).toMatchObject([
        {
          contractId: 'N000000001',
          month: '2011-04',
          fromRevision: issued.length,
          toRevision: issued.length + 1,
          issued: true,
        },
      ]);
      const history = await store.revisionHistory('N000000001', '2011-04');
      expect(history).toHaveLength(issued.length + 1);
      expect(history[history.length - 1]!.reason).toBe('file a.csv removed: delivered twice by mistake');
      expect(await charge()).toBeLessThan(before);
      expect(await reconciled()).toBe(true);
    });

    test('--force on a closed contract-month whose every call goes issues an empty revision, and reconcile agrees', async () => {
      await ingest('a.csv', A_ROWS);
      await closeMonth(store, reference, '2011-04');

      const forced = await remove({ name: 'a.csv' }, { force: true });

      expect(forced.revisions).toMatchObject([
        { contractId: 'N000000001', month: '2011-04', fromRevision: 1, toRevision: 2, issued: true },
      ]);
      expect(await charge()).toBe(0);
      const latest = await store.latestRevision('N000000001', '2011-04');
      expect((JSON.parse(latest!.statementJson) as { numbers: unknown[] }).numbers).toEqual([]);
      expect(await reconciled()).toBe(true);
    });

    test('a dry run reports the removal and writes nothing', async () => {
      const path = await ingest('a.csv', A_ROWS);
      await ingest('b.csv', B_ROWS);
      const files = await store.ingestedFiles();
      const before = await charge();

      const result = await remove(
        { sha256: createHash('sha256').update(readFileSync(path)).digest('hex') },
        { dryRun: true },
      );

      expect(result).toMatchObject({
        dryRun: true,
        name: 'a.csv',
        removed: { calls: 1, promoted: 1, rejects: 1, duplicates: 1 },
      });
      expect(await store.ingestedFiles()).toEqual(files);
      expect(await charge()).toBe(before);
      expect(
        (await store.callDetails({ contractId: 'N000000001', month: '2011-04', direction: 'all' })).find(
          (call) => call.recordId === 'K1',
        ),
      ).toMatchObject({ fileName: 'a.csv' });
      expect(await store.rejects({ fileName: 'a.csv' })).toHaveLength(1);
    });

    test('an unknown name or sha256, a name of two files and a second removal are refused (exit 2)', async () => {
      await ingest('a.csv', A_ROWS);
      expect(await refusal(remove({ name: 'nope.csv' }))).toEqual({
        exitCode: 2,
        message: 'no ingested file named "nope.csv" (meisai files lists them)',
      });
      expect((await refusal(remove({ sha256: '0'.repeat(64) }))).exitCode).toBe(2);
      await ingest('a.csv', ['K7,N000000001,05012345678,out,03-1234-5678,2011-04-06 08:00:00,60']);
      const twice = await refusal(remove({ name: 'a.csv' }));
      expect(twice.exitCode).toBe(2);
      expect(twice.message).toMatch(/^2 ingested files are named "a\.csv" .*: name one with --sha256$/);

      const [first] = await store.ingestedFiles();
      await remove({ sha256: first!.sha256 });
      const again = await refusal(remove({ sha256: first!.sha256 }));
      expect(again.exitCode).toBe(2);
      expect(again.message).toBe(`a.csv (sha256 ${first!.sha256}) was already removed at 2026-12-05T09:00:00.000Z`);
      expect(await reconciled()).toBe(true);
    });
  });
}
