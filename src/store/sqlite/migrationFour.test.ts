import Database from 'better-sqlite3';
import { join } from 'node:path';
import { runCli } from '../../test-support/runCli';
import { sqliteStoreAtVersion } from './storeAtVersion.support';
import { createWorkspace, csv } from '../../test-support/tempStore';
import { MIGRATIONS } from './migrations';

/** A store written by meisai before plans existed (schema version 3), with one billed call. */
function versionThreeStore(dbPath: string): void {
  const db = sqliteStoreAtVersion(dbPath, 3);
  db.exec(`INSERT INTO files (file_id, name, sha256, bytes, encoding, ingested_at, records_read, accepted, rejected, duplicates)
             VALUES (1, 'old.csv', 'x', 1, 'utf8', '2026-11-01T00:00:00.000Z', 1, 1, 0, 0);
           INSERT INTO calls (record_id, file_id, line, contract_id, number, direction, peer, peer_is_number, start_ms, duration_ms, month,
                              peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible)
             VALUES ('OLD-1', 1, 2, 'N000000001', '05012345678', 'out', '0312345678', 1, ${Date.parse('2011-04-01T09:00:00+09:00')}, 60000, '2011-04',
                     'general', 'REF-2006-12', 'JP-050-REFERENCE', 'GENERAL', NULL, 1, 80000, 0);
           INSERT INTO number_type_totals VALUES ('N000000001', '2011-04', '05012345678', 'general', 1, 600, 80000);`);
  db.close();
}

describe('store version 4 on a store of version 3', () => {
  test('the next writer migrates it: old calls keep their figures (plan unknown, no remainder), new calls record their plan', async () => {
    process.env.MEISAI_LOG_LEVEL = 'silent';
    const workspace = createWorkspace();
    try {
      workspace.db.close();
      const dbPath = join(workspace.directory, 'old.sqlite');
      versionThreeStore(dbPath);
      const file = workspace.writeFile(
        'new.csv',
        csv(['NEW-1,N000000001,05012345678,out,0312345678,2011-04-02 09:00:00,60']),
      );
      expect((await runCli(['ingest', file, '--db', dbPath])).code).toBe(0);
      const db = new Database(dbPath, { readonly: true });
      expect(db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get()).toEqual({
        version: Math.max(...MIGRATIONS.map((migration) => migration.version)),
      });
      expect(
        db
          .prepare('SELECT record_id, plan_id, charge_scaled, charge_remainder_parts FROM calls ORDER BY record_id')
          .all(),
      ).toEqual([
        { record_id: 'NEW-1', plan_id: 'REFERENCE', charge_scaled: 80_000, charge_remainder_parts: 0 },
        { record_id: 'OLD-1', plan_id: null, charge_scaled: 80_000, charge_remainder_parts: 0 },
      ]);
      db.close();
      const statement = await runCli([
        'statement',
        '--contract',
        'N000000001',
        '--month',
        '2011-04',
        '--format',
        'json',
        '--db',
        dbPath,
      ]);
      expect(JSON.parse(statement.stdout).allNumbers.total.charge).toBe('16'); // 8 + 8
      expect((await runCli(['reconcile', '--month', '2011-04', '--db', dbPath])).code).toBe(0);
    } finally {
      workspace.cleanUp();
    }
  });
});
