import Database from 'better-sqlite3';
import { join } from 'node:path';
import { sqliteStoreAtVersion } from './storeAtVersion.support';
import { createWorkspace } from '../../test-support/tempStore';
import { openStore } from './connection';
import { SqliteStore } from './sqliteStore';

/** A version 8 store's totals: two contracts over three months, typed and 着割 rows, in no key order. */
function versionEightStore(dbPath: string): void {
  const db = sqliteStoreAtVersion(dbPath, 8);
  db.exec(`INSERT INTO number_type_totals VALUES ('N000000002', '2011-05', '05022222222', 'mobile', 2, 1200, 320000, 1);
           INSERT INTO number_type_totals VALUES ('N000000001', '2011-06', '05011111111', 'general', 1, 600, 80000, 0);
           INSERT INTO number_type_totals VALUES ('N000000001', '2011-04', '05011111111', 'general', 3, 1800, 240000, 2);
           INSERT INTO number_type_totals VALUES ('N000000001', '2011-04', '05011111111', 'mobile', 1, 10, 160000, 0);
           INSERT INTO chakuwari_totals VALUES ('N000000002', '2011-07', '05022222222', 1, 600, 60050);
           INSERT INTO chakuwari_totals VALUES ('N000000001', '2011-04', '05011111111', 2, 1200, 120000);`);
  db.close();
}

describe('migration 9: monthly totals keyed month first', () => {
  test('every totals row keeps its figures; a contract-month reads the same rows, and a contract lists its months', async () => {
    const workspace = createWorkspace();
    try {
      workspace.db.close();
      const dbPath = join(workspace.directory, 'eight.sqlite');
      versionEightStore(dbPath);
      const store = new SqliteStore(openStore(dbPath, 'write'));
      try {
        expect(await store.statementMonths('N000000001')).toEqual(['2011-06', '2011-04']);
        expect(await store.statementMonths('N000000002')).toEqual(['2011-07', '2011-05']);
        expect(await store.statementMonths('N000000003')).toEqual([]);
        const april = await store.contractTotals('N000000001', '2011-04');
        const aprilKey = { contractId: 'N000000001', month: '2011-04', number: '05011111111' };
        expect(april.typeTotals).toEqual(
          [
            ['general', 3, 1800, 240000, 2],
            ['mobile', 1, 10, 160000, 0],
          ].map(([type, calls, durationTenths, chargeScaled, chargeRemainderParts]) => ({
            ...aprilKey,
            type,
            calls,
            durationTenths,
            chargeScaled,
            chargeRemainderParts,
          })),
        );
        expect(april.chakuwariTotals).toEqual([
          {
            contractId: 'N000000001',
            month: '2011-04',
            number: '05011111111',
            calls: 2,
            durationTenths: 1200,
            durationMs: 120000,
          },
        ]);
      } finally {
        await store.close();
      }
      const db = new Database(dbPath, { readonly: true });
      try {
        // Month first: the rows in key order are the months' rows, each month's together.
        expect(db.prepare('SELECT month, contract_id FROM number_type_totals').all()).toEqual([
          { month: '2011-04', contract_id: 'N000000001' },
          { month: '2011-04', contract_id: 'N000000001' },
          { month: '2011-05', contract_id: 'N000000002' },
          { month: '2011-06', contract_id: 'N000000001' },
        ]);
        expect(db.prepare('SELECT month, contract_id, calls FROM chakuwari_totals').all()).toEqual([
          { month: '2011-04', contract_id: 'N000000001', calls: 2 },
          { month: '2011-07', contract_id: 'N000000002', calls: 1 },
        ]);
        expect(
          db
            .prepare('SELECT calls FROM contract_type_totals WHERE contract_id = ? AND month = ? AND call_type = ?')
            .get('N000000001', '2011-04', 'general'),
        ).toEqual({ calls: 3 });
      } finally {
        db.close();
      }
    } finally {
      workspace.cleanUp();
    }
  });
});
