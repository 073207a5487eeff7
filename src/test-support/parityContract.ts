import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCallDetails } from '../export/callDetails';
import { ingestFile } from '../ingest/ingestFile';
import { recycleRejects } from '../recycle/recycleRejects';
import { loadReferenceData, ReferenceData } from '../reference/referenceData';
import { reconcileMonth } from '../reconcile/reconcileMonth';
import { closeMonth } from '../rerate/closeMonth';
import { loadShownStatement, loadStatement } from '../statement/loadStatement';
import { shownStatementJson } from '../statement/revisions';
import { withStoredSubscriptions } from '../store/storedSubscriptions';
import { Subscription } from '../subscription/subscriptions';
import { readSubscriptionsCsv } from '../subscription/subscriptionsCsv';
import { TariffBook } from '../tariff/tariff';
import { OpenedStore } from './storeContract';
import { csv } from './tempStore';
import { Store } from '../store/types';
import { monthCallsRead } from './monthCallCounts';

/**
 * Subscriptions, rejects, recycle and reconcile's integrity check through the `Store` interface
 * alone, run against both engines from this one file (sqliteStore.contract.test.ts and
 * pgStore.contract.test.ts call it): the same input gives the same plans, statements, rejects and
 * control totals on SQLite and PostgreSQL.
 */
const PROJECT = resolve(__dirname, '..', '..');
const PLAN_CHANGE = join(PROJECT, 'fixtures', 'plan-change');
const reference = loadReferenceData();
/** The reference data with no default plan: a contract without a subscription is NO_TARIFF. */
const withoutDefaultPlan: ReferenceData = { ...reference, tariffs: new TariffBook(reference.tariffs.versions, null) };

const ROWS = [
  'K1,N000000001,05012345678,out,03-1234-5678,2011-04-01T09:15:02+09:00,93.5',
  'K2,N000000001,05012345678,out,090-1111-2222,2011-04-02 10:00:00,60.001',
  'K3,N000000001,05012345678,in,0311112222,2011-04-03 10:00:00,120',
  'K4,N000000001,05087654321,out,070-5123-4567,2011-04-04 10:00:00,61',
];

function subscriptionsOf(text: string): Subscription[] {
  const read = readSubscriptionsCsv(text, new Set(reference.tariffs.plans.keys()));
  if (!read.ok) throw new Error(read.problems.join('\n'));
  return read.subscriptions;
}

async function importSubscriptions(
  store: Store,
  text: string,
  from = 'crm.csv',
): Promise<{ added: number; replaced: number }> {
  return store.transaction((writer) =>
    writer.importSubscriptions(subscriptionsOf(text), from, '2011-05-01T00:00:00.000Z'),
  );
}

/** Ingests as `meisai ingest` does: rated with the store's subscriptions. */
async function ingest(store: Store, path: string, data: ReferenceData = reference): Promise<unknown> {
  return ingestFile(store, await withStoredSubscriptions(store, data), path);
}

export function parityContract(
  engine: string,
  openEmptyStore: () => Promise<OpenedStore>,
  integrityCheck: RegExp,
): void {
  describe(`store parity: ${engine}`, () => {
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
      directory = mkdtempSync(join(tmpdir(), 'meisai-parity-'));
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
    });

    test('subscriptions round-trip: imported, listed by number then date, a changed plan replaces the stored one', async () => {
      const first =
        'contract_id,plan,effective_from,number\nN000000002,REFERENCE,2011-04-01,\nN000000002,BUSINESS,2011-04-15,\nN000000002,REFERENCE,2011-04-20,050-3333-4444\n';
      expect(await importSubscriptions(store, first)).toEqual({ added: 3, replaced: 0 });
      // The same line again is no change; a changed plan for a stored (contract, number, date) replaces it.
      expect(
        await importSubscriptions(
          store,
          'contract_id,plan,effective_from\nN000000002,BUSINESS,2011-04-15\nN000000002,BUSINESS,2011-04-01\nN000000003,BUSINESS,2011-04-01\n',
          'crm-2.csv',
        ),
      ).toEqual({
        added: 1,
        replaced: 1,
      });
      expect(await store.contractSubscriptions('N000000002')).toEqual([
        {
          contractId: 'N000000002',
          number: null,
          plan: 'BUSINESS',
          effectiveFrom: '2011-04-01',
          importedFrom: 'crm-2.csv',
          importedAt: '2011-05-01T00:00:00.000Z',
        },
        {
          contractId: 'N000000002',
          number: null,
          plan: 'BUSINESS',
          effectiveFrom: '2011-04-15',
          importedFrom: 'crm-2.csv',
          importedAt: '2011-05-01T00:00:00.000Z',
        },
        {
          contractId: 'N000000002',
          number: '05033334444',
          plan: 'REFERENCE',
          effectiveFrom: '2011-04-20',
          importedFrom: 'crm.csv',
          importedAt: '2011-05-01T00:00:00.000Z',
        },
      ]);
      expect(await store.contractSubscriptions('N000000009')).toEqual([]);
      const book = await store.subscriptionBook();
      expect(book.size).toBe(3);
      expect(book.planAt('N000000002', '05033334444', Date.parse('2011-04-20T00:00:00+09:00'))).toBe('REFERENCE');
      expect(book.planAt('N000000002', null, Date.parse('2011-04-20T00:00:00+09:00'))).toBe('BUSINESS');
    });

    test('a contract subscribed to BUSINESS is rated BUSINESS, never the default plan', async () => {
      await importSubscriptions(store, 'contract_id,plan,effective_from\nN000000001,BUSINESS,2011-04-01\n');
      await ingest(store, write('day.csv', csv(ROWS)));
      const details = await readCallDetails(store, { contractId: 'N000000001', month: '2011-04', direction: 'all' });
      // K1 93.5 s general: 1 × 7 per 180 s = 7; K2 60.001 s mobile by the second: 61 × 16 / 60 = 16.2666…; K4 61 s PHS: 30
      // (REFERENCE, the default plan, would give 8, 32 and 30)
      expect(details.map((call) => [call.recordId, call.tariffId, call.rateId, call.chargeScaled])).toEqual([
        ['K1', 'BIZ-2010-04', 'BIZ_GENERAL', 70_000],
        ['K2', 'BIZ-2010-04', 'BIZ_MOBILE', 162_666],
        ['K3', 'BIZ-2010-04', null, 0],
        ['K4', 'BIZ-2010-04', 'BIZ_PHS', 300_000],
      ]);
      const statement = await loadStatement(store, await withStoredSubscriptions(store, reference), {
        contractId: 'N000000001',
        month: '2011-04',
      });
      expect(statement.allNumbers.total.charge).toBe(BUSINESS_TOTAL);
    });

    test('a plan change mid-month gives the golden statement (fixtures/plan-change)', async () => {
      await importSubscriptions(store, readFileSync(join(PLAN_CHANGE, 'subscriptions.csv'), 'utf8'));
      await ingest(store, join(PLAN_CHANGE, 'calls-2011-04.csv'));
      const { statement, issue } = await loadShownStatement(store, await withStoredSubscriptions(store, reference), {
        contractId: 'N000000002',
        month: '2011-04',
      });
      expect(JSON.parse(shownStatementJson(statement, issue !== null))).toEqual(
        JSON.parse(readFileSync(join(PLAN_CHANGE, 'statement-2011-04.json'), 'utf8')),
      );
    });

    test('rejects are listed by file and line with their raw line, each filter applied', async () => {
      await ingest(
        store,
        write(
          'a.csv',
          csv([
            ROWS[0]!,
            'X1,N000000001,05012345678,sideways,0312345678,2011-04-01 10:00:00,5',
            'X2,N000000001,05012345678,out,110,2011-04-02 10:00:00,5',
          ]),
        ),
      );
      await ingest(
        store,
        write(
          'b.csv',
          csv([
            'X3,N000000001,05012345678,out,0312345678,2011-04-31 10:00:00,5',
            'K1,N000000001,05012345678,out,03-1234-5678,2011-04-01T09:15:02+09:00,94',
          ]),
        ),
      );
      const all = await store.rejects({});
      expect(all.map((reject) => [reject.fileName, reject.line, reject.code, reject.raw, reject.startMs])).toEqual([
        ['a.csv', 3, 'BAD_DIRECTION', 'X1,N000000001,05012345678,sideways,0312345678,2011-04-01 10:00:00,5', null],
        [
          'a.csv',
          4,
          'NOT_CALLABLE',
          'X2,N000000001,05012345678,out,110,2011-04-02 10:00:00,5',
          Date.parse('2011-04-02T10:00:00+09:00'),
        ],
        ['b.csv', 2, 'BAD_START', 'X3,N000000001,05012345678,out,0312345678,2011-04-31 10:00:00,5', null],
        ['b.csv', 3, 'CONFLICT', 'K1,N000000001,05012345678,out,03-1234-5678,2011-04-01T09:15:02+09:00,94', null],
      ]);
      expect((await store.rejects({ fileName: 'b.csv' })).map((reject) => reject.line)).toEqual([2, 3]);
      expect((await store.rejects({ code: 'NOT_CALLABLE' })).map((reject) => reject.message)).toEqual([
        all[1]!.message,
      ]);
      expect(await store.rejects({ fileName: 'b.csv', code: 'NOT_CALLABLE' })).toEqual([]);
    });

    test('recycle accepts a NO_TARIFF reject once its tariff is there: on its own file and line, counted in the file controls', async () => {
      await ingest(store, write('day.csv', csv(ROWS)), withoutDefaultPlan);
      expect((await store.rejects({ code: 'NO_TARIFF' })).length).toBe(4);
      const before = await recycleRejects(
        store,
        await withStoredSubscriptions(store, withoutDefaultPlan),
        { codes: ['NO_TARIFF'] },
        'then',
      );
      expect(before).toMatchObject({ considered: 4, recycled: [], stillRejected: { NO_TARIFF: 4 } });
      // The contract's plan arrives: K1 and K2 of April recycle; the rest of the month's (K3, K4) too.
      await importSubscriptions(store, 'contract_id,plan,effective_from\nN000000001,REFERENCE,2011-04-01\n');
      const result = await recycleRejects(
        store,
        await withStoredSubscriptions(store, withoutDefaultPlan),
        { codes: ['NO_TARIFF'], month: '2011-04' },
        'now',
      );
      expect(result).toEqual({
        considered: 4,
        recycled: ['K1', 'K2', 'K3', 'K4'].map((recordId, index) => ({
          fileName: 'day.csv',
          line: index + 2,
          recordId,
          month: '2011-04',
          formerCode: 'NO_TARIFF',
          late: false,
        })),
        stillRejected: {},
        alreadyBilled: [],
        withoutRecord: 0,
      });
      expect(await store.rejects({})).toEqual([]);
      const [file] = (await store.fileControls()).values;
      expect(file).toMatchObject({
        recordsRead: 4,
        accepted: 4,
        rejected: 0,
        recycled: 4,
        callRows: 4,
        rejectRows: 0,
        recycledRows: 4,
      });
      const statement = await loadStatement(store, await withStoredSubscriptions(store, reference), {
        contractId: 'N000000001',
        month: '2011-04',
      });
      // REFERENCE: 93.5 s general 1 × 8; 60.001 s mobile 2 × 16; 61 s PHS 30 → 70
      expect(statement.allNumbers.total.charge).toBe('70');
      const again = await recycleRejects(
        store,
        await withStoredSubscriptions(store, reference),
        { codes: ['NO_TARIFF'] },
        'later',
      );
      expect(again).toMatchObject({ considered: 0, recycled: [] });
      const report = await reconcileMonth(store, reference, { month: '2011-04', contractId: null });
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    });

    test('a recycled record whose record_id was billed meanwhile stays rejected: never billed twice', async () => {
      await ingest(store, write('first.csv', csv([ROWS[1]!])), withoutDefaultPlan);
      // A corrected copy (another duration) is delivered and billed before the recycle.
      await ingest(store, write('corrected.csv', csv([ROWS[1]!.replace(',60.001', ',60.5')])), reference);
      const result = await recycleRejects(store, reference, { codes: ['NO_TARIFF'] }, 'now');
      expect(result).toMatchObject({
        considered: 1,
        recycled: [],
        alreadyBilled: [{ fileName: 'first.csv', line: 2, billedIn: 'corrected.csv line 2' }],
      });
      expect(
        (await store.fileControls()).values.map((file) => [file.name, file.accepted, file.rejected, file.recycled]),
      ).toEqual([
        ['first.csv', 0, 1, 0],
        ['corrected.csv', 1, 0, 0],
      ]);
    });

    test('a recycled call of a closed month is late: stored, counted, out of the issued totals', async () => {
      await ingest(store, write('day.csv', csv(ROWS.slice(0, 2))), withoutDefaultPlan);
      await importSubscriptions(store, 'contract_id,plan,effective_from\nN000000009,REFERENCE,2011-04-01\n');
      await ingest(
        store,
        write('other.csv', csv(['O1,N000000009,05099998888,out,0312345678,2011-04-05 10:00:00,60'])),
        withoutDefaultPlan,
      );
      await closeMonth(store, await withStoredSubscriptions(store, reference), '2011-04');
      const result = await recycleRejects(store, reference, { codes: ['NO_TARIFF'] }, 'now');
      expect(result.recycled.map((record) => [record.recordId, record.late])).toEqual([
        ['K1', true],
        ['K2', true],
      ]);
      expect((await store.fileControls()).values[0]).toMatchObject({
        accepted: 2,
        rejected: 0,
        recycled: 2,
        recycledRows: 2,
      });
      expect(await monthCallsRead(store, { month: '2011-04', contractId: 'N000000001' })).toEqual({
        billed: [],
        counts: { billed: 0, late: 2, unratedByCode: {} },
        heldOutContracts: ['N000000001', 'N000000001'],
        unreadable: [],
      });
    });

    test("reconcile's statements check takes every contract with a call: one whose only call has no duration, one whose only call is late", async () => {
      await ingest(
        store,
        write('day.csv', csv([...ROWS, 'Z1,N000000002,05022223333,out,03-1234-5678,2011-04-05 10:00:00,0'])),
      );
      await closeMonth(store, reference, '2011-04');
      await ingest(
        store,
        write('late.csv', csv(['L1,N000000003,05033334444,out,03-1234-5678,2011-04-06 10:00:00,30'])),
      );
      const contracts = ['N000000001', 'N000000002', 'N000000003'];
      expect(await store.contractsOfMonth({ month: '2011-04', contractId: null })).toEqual(contracts);
      const report = await reconcileMonth(store, reference, { month: '2011-04', contractId: null });
      const statements = report.checks.find((check) => check.name === 'statements')!;
      for (const contract of contracts)
        expect(statements.details.some((detail) => detail.message.includes(contract))).toBe(true);
    });

    test('reconcile names the check the engine ran', async () => {
      await ingest(store, write('day.csv', csv(ROWS)));
      const report = await reconcileMonth(store, reference, { month: '2011-04', contractId: null });
      const integrity = report.checks.find((check) => check.name === 'integrity')!;
      expect(integrity.ok).toBe(true);
      expect(integrity.details.map((detail) => detail.message)).toEqual([expect.stringMatching(integrityCheck)]);
    });
  });
}

/** The BUSINESS statement of ROWS, rows rounded down: general 7, mobile 16.2666… → 16, PHS 30 → 53. */
const BUSINESS_TOTAL = '53';
