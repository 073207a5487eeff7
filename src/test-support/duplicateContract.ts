import { recycleRejects } from '../recycle/recycleRejects';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCallDetails } from '../export/callDetails';
import { ingestFile } from '../ingest/ingestFile';
import { rateRecord, RatedCall } from '../rate/rateRecord';
import { reconcileMonth } from '../reconcile/reconcileMonth';
import { loadReferenceData } from '../reference/referenceData';
import { closeMonth } from '../rerate/closeMonth';
import { SubscriptionBook } from '../subscription/subscriptions';
import { csv } from './tempStore';
import type { OpenedStore } from './storeContract';
import { Store } from '../store/types';

/**
 * The one duplicate rule (store/duplicateScope.ts), pinned on every engine from this one file: a
 * record_id seen before with a start in the same month or the month on either side is a duplicate
 * or a CONFLICT — across runs, inside one file at any distance, through recycle — and a store
 * that bills one twice is found by reconcile. An engine's contract test calls
 * `duplicateContract(name, openEmptyStore, hooks)`.
 */
export interface DuplicateHooks {
  /** Stores this rated call once more, past the rule, as a store written before the rule could hold it. */
  billAgain(opened: OpenedStore, call: RatedCall, fileName: string, line: number): Promise<void>;
}

const reference = loadReferenceData();

const END_OF_APRIL = 'R1,N000000001,05012345678,out,0312345678,2011-04-30 23:59:50,60';
/** The same call re-sent with its start corrected by 20 s: into May. */
const START_OF_MAY = 'R1,N000000001,05012345678,out,0312345678,2011-05-01 00:00:10,60';

/** Calls of other record_ids in mid-April, to put distance between two records of one file. */
function filler(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `F${String(index).padStart(5, '0')},N000000001,05012345678,out,0312345678,2011-04-15 10:00:00,30`,
  );
}

export function duplicateContract(
  engine: string,
  openEmptyStore: () => Promise<OpenedStore>,
  hooks: DuplicateHooks,
): void {
  describe(`duplicate rule: ${engine}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let directory: string;
    const ingest = (name: string, rows: string[], data = reference) => {
      const path = join(directory, name);
      writeFileSync(path, csv(rows));
      return ingestFile(store, data, path);
    };
    /** The month's calls of the contract, as record_id file:line (none: the month has no calls). */
    const billedIn = async (month: string) =>
      (await store.hasCalls('N000000001', month))
        ? (await readCallDetails(store, { contractId: 'N000000001', month, direction: 'all' })).map(
            (call) => `${call.recordId} ${call.fileName}:${call.line}`,
          )
        : [];

    beforeEach(async () => {
      opened = await openEmptyStore();
      store = opened.store;
      directory = mkdtempSync(join(tmpdir(), 'meisai-duplicates-'));
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
    });

    test('a start corrected across a month end in a later run is a CONFLICT, billed once', async () => {
      expect(await ingest('april.csv', [END_OF_APRIL])).toMatchObject({ accepted: 1 });
      expect(await ingest('may.csv', [START_OF_MAY])).toMatchObject({ accepted: 0, rejected: { CONFLICT: 1 } });
      expect(await billedIn('2011-04')).toEqual(['R1 april.csv:2']);
      expect(await billedIn('2011-05')).toEqual([]);
    });

    test('the correction the other way (May first, then April) is a CONFLICT too', async () => {
      await ingest('may.csv', [START_OF_MAY]);
      expect(await ingest('april.csv', [END_OF_APRIL])).toMatchObject({ accepted: 0, rejected: { CONFLICT: 1 } });
      expect(await billedIn('2011-04')).toEqual([]);
    });

    test('the same record_id with starts two months apart is two calls (the declared bound)', async () => {
      await ingest('april.csv', [END_OF_APRIL]);
      expect(
        await ingest('june.csv', ['R1,N000000001,05012345678,out,0312345678,2011-06-01 00:00:10,60']),
      ).toMatchObject({ accepted: 1 });
    });

    test('inside one file the corrected copy is a CONFLICT at any distance (600 records apart)', async () => {
      const summary = await ingest('day.csv', [END_OF_APRIL, ...filler(600), START_OF_MAY]);
      expect(summary).toMatchObject({ read: 602, accepted: 601, rejected: { CONFLICT: 1 } });
      expect(await billedIn('2011-05')).toEqual([]);
    });

    test('the same record_id twice in one file, far apart, is a duplicate', async () => {
      expect(await ingest('day.csv', [END_OF_APRIL, ...filler(600), END_OF_APRIL])).toMatchObject({
        accepted: 601,
        duplicates: 1,
      });
    });

    test('past the biggest batch an engine settles at once (40,000 records apart): a copy is a duplicate, a correction a CONFLICT naming the first line', async () => {
      const summary = await ingest('day.csv', [END_OF_APRIL, ...filler(40_000), END_OF_APRIL, START_OF_MAY]);
      expect(summary).toMatchObject({ read: 40_003, accepted: 40_001, duplicates: 1, rejected: { CONFLICT: 1 } });
      expect((await store.rejects({ code: 'CONFLICT' })).map((reject) => `${reject.line} ${reject.message}`)).toEqual([
        '40004 record_id R1 was first seen at day.csv line 2 with different content',
      ]);
      expect(await billedIn('2011-05')).toEqual([]);
    }, 60_000);

    test('the same file twice is already ingested, a copy of its records in another file all duplicates', async () => {
      const rows = [END_OF_APRIL, ...filler(3)];
      await ingest('day.csv', rows);
      expect(await ingest('day.csv', rows)).toMatchObject({ alreadyIngested: true, read: 0 });
      expect(await ingest('again.csv', [...rows, START_OF_MAY])).toMatchObject({
        accepted: 0,
        duplicates: 4,
        rejected: { CONFLICT: 1 },
      });
      expect(await billedIn('2011-04')).toHaveLength(4);
    });

    test('after close, a late record is held out, and a corrected copy into the next month is a CONFLICT, not a May call', async () => {
      await ingest('april.csv', [END_OF_APRIL]);
      await closeMonth(store, reference, '2011-04');
      expect(
        await ingest('late.csv', ['L1,N000000001,05012345678,out,0312345678,2011-04-30 23:00:00,60', START_OF_MAY]),
      ).toMatchObject({
        accepted: 1,
        late: 1,
        rejected: { CONFLICT: 1 },
      });
      expect(await billedIn('2011-05')).toEqual([]);
    });

    test('recycle does not bill a reject whose corrected copy was billed in the next month', async () => {
      const savedDefault = process.env.MEISAI_DEFAULT_PLAN;
      process.env.MEISAI_DEFAULT_PLAN = 'none';
      const noPlan = loadReferenceData();
      if (savedDefault === undefined) delete process.env.MEISAI_DEFAULT_PLAN;
      else process.env.MEISAI_DEFAULT_PLAN = savedDefault;
      const subscribed = {
        ...noPlan,
        subscriptions: new SubscriptionBook([
          { contractId: 'N000000001', number: null, plan: 'REFERENCE', effectiveFrom: '2011-01-01' },
        ]),
      };
      expect(await ingest('april.csv', [END_OF_APRIL], noPlan)).toMatchObject({ rejected: { NO_TARIFF: 1 } });
      expect(await ingest('may.csv', [START_OF_MAY], subscribed)).toMatchObject({ accepted: 1 });
      expect(await recycleRejects(opened.store, subscribed, { codes: ['NO_TARIFF'] })).toMatchObject({
        recycled: [],
        alreadyBilled: [expect.anything()],
      });
      expect(await billedIn('2011-04')).toEqual([]);
      expect(await billedIn('2011-05')).toEqual(['R1 may.csv:2']);
    });

    test('reconcile finds a record_id billed twice across a month end in a store that holds one', async () => {
      await ingest('april.csv', [END_OF_APRIL, ...filler(2)]);
      expect(
        (await reconcileMonth(store, reference, { month: '2011-04', contractId: null })).checks.find(
          (check) => check.name === 'record-ids',
        ),
      ).toMatchObject({ ok: true });
      const rated = rateRecord(
        { ...parsedMayCopy() },
        reference.tariffs,
        reference.numbering,
        reference.subscriptions,
        reference.contractNumbers,
      );
      if ('ok' in rated) throw new Error(rated.message);
      await hooks.billAgain(opened, rated, 'april.csv', 9);
      for (const month of ['2011-04', '2011-05']) {
        const report = await reconcileMonth(store, reference, { month, contractId: null });
        expect(report.ok).toBe(false);
        expect(report.checks.find((check) => check.name === 'record-ids')).toEqual({
          name: 'record-ids',
          title: 'record_ids billed once',
          ok: false,
          details: [
            {
              kind: 'difference',
              message:
                'record_id R1 is billed 2 times: N000000001 2011-04 (april.csv line 2), N000000001 2011-05 (april.csv line 9)',
            },
          ],
        });
      }
      // Two months on, the April call is out of scope: nothing to say.
      expect(
        await reconcileMonth(store, reference, { month: '2011-06', contractId: null }).then((report) =>
          report.checks.find((check) => check.name === 'record-ids'),
        ),
      ).toMatchObject({ ok: true });
    });
  });
}

/** START_OF_MAY as the parser reads it. */
function parsedMayCopy() {
  return {
    recordId: 'R1',
    contractId: 'N000000001',
    number: '05012345678',
    direction: 'out' as const,
    peer: '0312345678',
    peerIsNumber: true,
    startMs: Date.UTC(2011, 3, 30, 15, 0, 10),
    durationMs: 60_000,
  };
}
