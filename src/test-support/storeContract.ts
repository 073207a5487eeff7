import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData } from '../reference/referenceData';
import { reconcileMonth } from '../reconcile/reconcileMonth';
import { readCallDetails } from '../export/callDetails';
import { closeMonth } from '../rerate/closeMonth';
import { rerateMonth } from '../rerate/rerateMonth';
import { loadStatement } from '../statement/loadStatement';
import { renderText } from '../statement/renderText';
import { statementJson } from '../statement/revisions';
import { Store } from '../store/types';
import { csv } from './tempStore';

/**
 * The contract every store engine passes: the behaviour of meisai through the `Store` interface
 * alone (no SQL), so SQLite and PostgreSQL give the same statements byte for byte. An engine's
 * test file calls `storeContract('name', openEmptyStore)`.
 */
const PROJECT = resolve(__dirname, '..', '..');
const FIXTURES = join(PROJECT, 'fixtures');
const reference = loadReferenceData();
const SEED_CSV = join(FIXTURES, 'seed-2011-04.csv');
const seedExpected = JSON.parse(readFileSync(join(FIXTURES, 'seed-2011-04.expected.json'), 'utf8'));

export interface OpenedStore {
  store: Store;
  cleanUp(): Promise<void>;
}

const ROWS = [
  'K1,N000000001,05012345678,out,03-1234-5678,2011-04-01T09:15:02+09:00,93.5',
  'K2,N000000001,05012345678,out,090-1111-2222,2011-04-02 10:00:00,60.001',
  'K3,N000000001,05012345678,in,0311112222,2011-04-03 10:00:00,120',
  'K4,N000000001,05087654321,out,070-5123-4567,2011-04-04 10:00:00,61',
];

export function storeContract(engine: string, openEmptyStore: () => Promise<OpenedStore>): void {
  describe(`store contract: ${engine}`, () => {
    let opened: OpenedStore;
    let directory: string;
    const write = (name: string, text: string): string => {
      const path = join(directory, name);
      writeFileSync(path, text);
      return path;
    };

    beforeEach(async () => {
      opened = await openEmptyStore();
      directory = mkdtempSync(join(tmpdir(), 'meisai-contract-'));
    });
    afterEach(async () => {
      await opened.cleanUp();
      rmSync(directory, { recursive: true, force: true });
    });

    test("the seed month gives the seed statement, byte for byte, and the generator's control totals", async () => {
      const summary = await ingestFile(opened.store, reference, SEED_CSV);
      expect(summary).toMatchObject({
        read: seedExpected.read,
        accepted: seedExpected.accepted,
        duplicates: seedExpected.duplicates,
        rejected: seedExpected.rejected,
      });
      const statement = await loadStatement(opened.store, reference, { contractId: 'N000000001', month: '2011-04' });
      expect(statement).toEqual(seedExpected.statement);
      expect(renderText(statement)).toBe(readFileSync(join(FIXTURES, 'seed-2011-04.statement.txt'), 'utf8'));
      const files = (await opened.store.fileControls()).values;
      expect(files).toEqual([
        expect.objectContaining({
          recordsRead: seedExpected.read,
          callRows: seedExpected.accepted,
          duplicateRows: seedExpected.duplicates,
        }),
      ]);
    });

    test('the same file twice changes nothing; a renamed copy is skipped by its content', async () => {
      const path = write('day.csv', csv(ROWS));
      await ingestFile(opened.store, reference, path);
      const before = statementJson(
        await loadStatement(opened.store, reference, { contractId: 'N000000001', month: '2011-04' }),
      );
      expect(await ingestFile(opened.store, reference, path)).toMatchObject({ alreadyIngested: true, read: 0 });
      expect(await ingestFile(opened.store, reference, write('renamed.csv', csv(ROWS)))).toMatchObject({
        alreadyIngested: true,
      });
      expect(
        statementJson(await loadStatement(opened.store, reference, { contractId: 'N000000001', month: '2011-04' })),
      ).toBe(before);
    });

    test("re-sends across files are duplicates, a changed re-send is a conflict; each file's rows foot", async () => {
      await ingestFile(opened.store, reference, write('first.csv', csv(ROWS)));
      const second = await ingestFile(
        opened.store,
        reference,
        write(
          'second.csv',
          csv([
            ROWS[0]!,
            'K2,N000000001,05012345678,out,090-1111-2222,2011-04-02 10:00:00,61',
            'K5,N000000001,05012345678,out,110,2011-04-02 10:00:00,5',
          ]),
        ),
      );
      expect(second).toMatchObject({ read: 3, accepted: 0, duplicates: 1, rejected: { CONFLICT: 1, NOT_CALLABLE: 1 } });
      const controls = (await opened.store.fileControls()).values;
      expect(
        controls.map((file) => [file.name, file.recordsRead, file.callRows, file.rejectRows, file.duplicateRows]),
      ).toEqual([
        ['first.csv', 4, 4, 0, 0],
        ['second.csv', 3, 0, 2, 1],
      ]);
    });

    test('the order of the files does not change the statement', async () => {
      const first = csv(ROWS.slice(0, 2));
      const second = csv(ROWS.slice(2));
      await ingestFile(opened.store, reference, write('b.csv', second));
      await ingestFile(opened.store, reference, write('a.csv', first));
      const other = await openEmptyStore();
      try {
        await ingestFile(other.store, reference, write('a2.csv', first));
        await ingestFile(other.store, reference, write('b2.csv', second));
        const json = async (store: Store) =>
          statementJson(await loadStatement(store, reference, { contractId: 'N000000001', month: '2011-04' }));
        expect(await json(opened.store)).toBe(await json(other.store));
      } finally {
        await other.cleanUp();
      }
    });

    test('a file refused for its reject rate leaves nothing behind', async () => {
      const path = write(
        'bad.csv',
        csv([ROWS[0]!, 'X1,N000000001,05012345678,sideways,0312345678,2011-04-01 10:00:00,5']),
      );
      await expect(ingestFile(opened.store, reference, path, { maxRejectRate: '0.1' })).rejects.toThrow(
        'refused, nothing applied',
      );
      expect((await opened.store.fileControls()).values).toEqual([]);
      expect(await opened.store.statementMonths('N000000001')).toEqual([]);
    });

    test('close issues revision 1, a late call is held out, rerate --force bills it as revision 2', async () => {
      await ingestFile(opened.store, reference, write('april.csv', csv(ROWS)));
      const closed = await closeMonth(opened.store, reference, '2011-04');
      expect(closed.statements).toEqual([{ contractId: 'N000000001', revision: 1, issued: true }]);
      expect(await opened.store.isMonthClosed('2011-04')).toBe(true);
      const invoiced = await loadStatement(opened.store, reference, { contractId: 'N000000001', month: '2011-04' });
      expect(
        await ingestFile(
          opened.store,
          reference,
          write('late.csv', csv(['L1,N000000001,05012345678,out,0312345678,2011-04-30 23:00:00,60'])),
        ),
      ).toMatchObject({ late: 1 });
      expect(await loadStatement(opened.store, reference, { contractId: 'N000000001', month: '2011-04' })).toEqual(
        invoiced,
      );
      const forced = await rerateMonth(opened.store, reference, {
        month: '2011-04',
        reason: 'late calls',
        force: true,
      });
      expect(forced).toMatchObject({
        calls: 5,
        lateBilled: 1,
        contracts: [{ contractId: 'N000000001', fromRevision: 1, toRevision: 2, issued: true }],
      });
      // L1: 60 s general = 8 yen more
      const now = await loadStatement(opened.store, reference, { contractId: 'N000000001', month: '2011-04' });
      expect(
        Number.parseInt(now.allNumbers.total.charge, 10) - Number.parseInt(invoiced.allNumbers.total.charge, 10),
      ).toBe(8);
      expect(
        await loadStatement(opened.store, reference, { contractId: 'N000000001', month: '2011-04', revision: 1 }),
      ).toEqual(invoiced);
    });

    test('reconcile agrees on a clean month, and the call details trace each call to its file and line', async () => {
      await ingestFile(opened.store, reference, write('day.csv', csv(ROWS)));
      const report = await reconcileMonth(opened.store, reference, { month: '2011-04', contractId: null });
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
      const details = await readCallDetails(opened.store, {
        contractId: 'N000000001',
        month: '2011-04',
        direction: 'all',
      });
      expect(details.map((call) => [call.recordId, call.fileName, call.line, call.chargeScaled])).toEqual([
        ['K1', 'day.csv', 2, 80_000],
        ['K2', 'day.csv', 3, 320_000],
        ['K3', 'day.csv', 4, 0],
        ['K4', 'day.csv', 5, 300_000],
      ]);
    });
  });
}
