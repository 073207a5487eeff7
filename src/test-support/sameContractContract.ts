import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCustomersCsv } from '../billing/customers';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData, PROJECT_ROOT, ReferenceData } from '../reference/referenceData';
import { rerateMonth } from '../rerate/rerateMonth';
import { loadStatement } from '../statement/loadStatement';
import { Store } from '../store/types';
import { withStoredSubscriptions } from '../store/storedSubscriptions';
import { copyReferenceData, removeReferenceCopies } from './referenceVariant';
import { OpenedStore } from './storeContract';
import { csv } from './tempStore';

/**
 * Calls between numbers of one contract (内線通話), through the `Store` interface alone, run
 * against both engines from this one file (sqliteStore.contract.test.ts and
 * pgStore.contract.test.ts call it). Plan FAMILY (fixtures/same-contract/family-2011-01.json) is
 * the reference plan plus `sameContract`: 1 yen per 60 s, charged per started 30 s; other IP calls
 * 8 yen per started 180 s; each call rounded down to whole yen.
 */
const CUSTOMERS = [
  'contract_id,name,number,active_from,active_to',
  'N000000001,株式会社サンプル商事,05012345678,2010-01-01,',
  'N000000001,株式会社サンプル商事,05012345679,2011-04-20,',
  'N000000002,山田太郎,05087654321,2011-01-01,',
].join('\n');

const ROWS = [
  // S1 a same-contract call: ceil(61 / 30) = 3 increments × 0.5 = 1.5 → down 1 yen
  'S1,N000000001,05012345678,out,050-1234-5679,2011-04-21 10:00:00,61',
  // S2 the same peer one millisecond before its first active day: an IP call, ceil(61 / 180) = 1 × 8 = 8 yen
  'S2,N000000001,05012345678,out,050-1234-5679,2011-04-19 23:59:59.999,61',
  // S3 the first instant of the peer's first active day: ceil(90 / 30) = 3 × 0.5 = 1.5 → 1 yen
  'S3,N000000001,05012345678,out,050-1234-5679,2011-04-20 00:00:00,90',
  // S4 a 050 number of another contract: an IP call, 8 yen
  'S4,N000000001,05012345678,out,050-8765-4321,2011-04-21 10:00:00,61',
];

/** Each call's rate and charge (scaled yen), by record id. */
const RATED = [
  ['S1', 'FAMILY', 10_000],
  ['S2', 'IP_OFF_NET', 80_000],
  ['S3', 'FAMILY', 10_000],
  ['S4', 'IP_OFF_NET', 80_000],
];

export function sameContractContract(engine: string, openEmptyStore: () => Promise<OpenedStore>): void {
  describe(`same-contract rates: ${engine}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let directory: string;
    let reference: ReferenceData;

    beforeEach(async () => {
      opened = await openEmptyStore();
      store = opened.store;
      directory = mkdtempSync(join(tmpdir(), 'meisai-same-contract-'));
      const data = copyReferenceData();
      data.add(
        'tariffs/family-2011-01.json',
        JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures', 'same-contract', 'family-2011-01.json'), 'utf8')),
      );
      reference = loadReferenceData(data.dataDir);
      await store.transaction((writer) =>
        writer.importSubscriptions(
          [{ contractId: 'N000000001', number: null, plan: 'FAMILY', effectiveFrom: '2011-01-01' }],
          'subscriptions.csv',
          '2011-05-01T00:00:00.000Z',
        ),
      );
      await importCustomers(CUSTOMERS);
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
      removeReferenceCopies();
    });

    async function importCustomers(text: string): Promise<void> {
      const read = readCustomersCsv(text);
      if (!read.ok) throw new Error(read.problems.join('\n'));
      await store.transaction((writer) =>
        writer.importCustomers(read.customers, 'customers.csv', '2011-05-01T00:00:00.000Z'),
      );
    }

    const ratedCalls = async (): Promise<[string, string | null, number][]> =>
      (await store.callDetails({ contractId: 'N000000001', month: '2011-04', direction: 'all' }))
        .map((call) => [call.recordId, call.rateId, call.chargeScaled] as [string, string | null, number])
        .sort((left, right) => left[0].localeCompare(right[0]));

    const ipRow = async (): Promise<unknown> => {
      const statement = await loadStatement(store, await withStoredSubscriptions(store, reference), {
        contractId: 'N000000001',
        month: '2011-04',
      });
      return statement.allNumbers.calls.find((row) => row.type === 'ip');
    };

    test('a peer of the same contract on the day of the call takes the sameContract rate; before its first day, or of another contract, the IP rate', async () => {
      const path = join(directory, 'calls.csv');
      writeFileSync(path, csv(ROWS));
      await ingestFile(store, await withStoredSubscriptions(store, reference), path);
      expect(await ratedCalls()).toEqual(RATED);
      // 1 + 8 + 1 + 8 = 18 yen
      expect(await ipRow()).toMatchObject({ count: 4, charge: '18' });

      // rerate reads the same customer lines: the same figures.
      await rerateMonth(store, await withStoredSubscriptions(store, reference), {
        month: '2011-04',
        reason: 'same figures',
        force: false,
      });
      expect(await ratedCalls()).toEqual(RATED);

      // A corrected customers file (the number active from 04-01) re-rates S2 as a same-contract call: 3 × 0.5 = 1.5 → 1 yen.
      await importCustomers(CUSTOMERS.replace('05012345679,2011-04-20', '05012345679,2011-04-01'));
      await rerateMonth(store, await withStoredSubscriptions(store, reference), {
        month: '2011-04',
        reason: 'customers corrected',
        force: false,
      });
      expect((await ratedCalls()).find((call) => call[0] === 'S2')).toEqual(['S2', 'FAMILY', 10_000]);
      // 1 + 1 + 1 + 8 = 11 yen
      expect(await ipRow()).toMatchObject({ count: 4, charge: '11' });
    });

    test('an ingest worker thread gets the customer lines with the subscriptions (one map per run) and rates the same', async () => {
      const path = join(directory, 'calls.csv');
      writeFileSync(path, csv(ROWS));
      await ingestFile(store, await withStoredSubscriptions(store, reference), path, { parseIn: 'worker' });
      expect(await ratedCalls()).toEqual(RATED);
    });
  });
}
