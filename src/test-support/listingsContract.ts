import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData } from '../reference/referenceData';
import { closeMonth } from '../rerate/closeMonth';
import { rerateMonth } from '../rerate/rerateMonth';
import { Store } from '../store/types';
import { OpenedStore } from './storeContract';
import { csv } from './tempStore';

/**
 * What `meisai files`, `contracts`, `closed-months` and `revisions` read, through the `Store`
 * interface alone, on both engines (sqliteStore.contract.test.ts and pgStore.contract.test.ts call it).
 */
const reference = loadReferenceData();

export function listingsContract(engine: string, openEmptyStore: () => Promise<OpenedStore>): void {
  describe(`store listings: ${engine}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let directory: string;
    const write = (name: string, text: string): string => {
      const path = join(directory, name);
      writeFileSync(path, text);
      return path;
    };

    beforeEach(async () => {
      opened = await openEmptyStore();
      store = opened.store;
      directory = mkdtempSync(join(tmpdir(), 'meisai-listings-'));
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
    });

    test('an empty store lists no files, no closed month and no revision', async () => {
      expect(await store.ingestedFiles()).toEqual([]);
      expect(await store.closedMonthList()).toEqual([]);
      expect(await store.revisionHistory('N000000001', '2011-04')).toEqual([]);
    });

    test('files in ingest order with their control totals; closed months; revisions with their reasons', async () => {
      const first = write(
        'a.csv',
        csv([
          'K1,N000000001,05012345678,out,03-1234-5678,2011-04-01 09:15:02,93.5',
          'K2,N000000002,05012345679,out,090-1111-2222,2011-04-02 10:00:00,60',
          'K2,N000000002,05012345679,out,090-1111-2222,2011-04-02 10:00:00,60',
          'K3,N000000001,05012345678,out,not-a-number,2011-04-02 10:00:00,60',
        ]),
      );
      await ingestFile(store, reference, first, { source: 'switch-a' });
      await closeMonth(store, reference, '2011-04');
      const late = write('b.csv', csv(['K4,N000000001,05012345678,out,03-1234-5678,2011-04-05 09:00:00,30']));
      await ingestFile(store, reference, late);
      await rerateMonth(store, reference, { month: '2011-04', reason: 'late call billed', force: true });

      const files = await store.ingestedFiles();
      expect(files.map((file) => file.name)).toEqual(['a.csv', 'b.csv']);
      expect(files[0]).toMatchObject({
        sha256: createHash('sha256').update(readFileSync(first)).digest('hex'),
        source: 'switch-a',
        bytes: readFileSync(first).length,
        encoding: 'utf8',
        profile: null,
        recordsRead: 4,
        accepted: 2,
        rejected: 1,
        duplicates: 1,
        late: 0,
        recycled: 0,
        skipped: 0,
      });
      expect(files[0]!.ingestedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(files[1]).toMatchObject({ source: null, recordsRead: 1, accepted: 1, late: 1 });

      const closed = await store.closedMonthList();
      expect(closed.map((row) => row.month)).toEqual(['2011-04']);
      expect(closed[0]!.closedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

      expect(await store.monthContracts('2011-04')).toEqual(['N000000001', 'N000000002']);
      const revisions = await store.revisionHistory('N000000001', '2011-04');
      expect(revisions.map(({ revision, reason }) => ({ revision, reason }))).toEqual([
        { revision: 1, reason: 'month closed' },
        { revision: 2, reason: 'late call billed' },
      ]);
      for (const row of revisions) expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect((await store.revisionHistory('N000000002', '2011-04')).map((row) => row.revision)).toEqual([1]);
    });
  });
}
