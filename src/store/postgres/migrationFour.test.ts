import { Client } from 'pg';
import { createTestDatabase, describePostgres, TestDatabase } from '../../test-support/postgres';
import { PG_MIGRATIONS } from './migrations';
import { partitionDdl } from './partitions';
import { PgStore } from './pgStore';
import { applyCalls, ratedCall } from '../../test-support/pgTestKit';

/**
 * Migration 4 turns a store-wide unique record_ids into the one duplicate rule: a store written
 * at version 3 keeps its calls, and its record_ids answer within the month of start and the
 * months on either side from then on.
 */
describePostgres('PostgreSQL migration 4 (record_ids by month bucket)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migration4');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      // A store as version 3 left it: one April call of R1, its record_ids row keyed on record_id alone.
      await client.query(
        'CREATE TABLE schema_migrations (version bigint PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)',
      );
      for (const migration of PG_MIGRATIONS.filter((migration) => migration.version <= 3)) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
          migration.version,
          migration.description,
          '2011-05-01T00:00:00.000Z',
        ]);
      }
      for (const statement of partitionDdl('calls', '2011-04')) await client.query(statement);
      const { rows } = await client.query(
        `INSERT INTO files (name, sha256, bytes, encoding, ingested_at, records_read, accepted, rejected, duplicates)
         VALUES ('april.csv', 'sha-april', 100, 'utf8', '2011-05-01T00:00:00.000Z', 1, 1, 0, 0) RETURNING file_id`,
      );
      const call = ratedCall({ recordId: 'R1', startMs: Date.UTC(2011, 3, 30, 14, 59, 50) });
      await client.query(
        `INSERT INTO record_ids (record_id, contract_id, number, direction, peer, start_ms, duration_ms, month, file_id, line)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 2)`,
        [
          call.recordId,
          call.contractId,
          call.number,
          call.direction,
          call.peer,
          call.startMs,
          call.durationMs,
          call.month,
          rows[0].file_id,
        ],
      );
      await client.query(
        `INSERT INTO calls (contract_id, month, record_id, file_id, line, number, direction, peer, peer_is_number, start_ms, duration_ms,
                            peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, plan_id)
         VALUES ($1, $2, $3, $4, 2, $5, $6, $7, true, $8, $9, 'general', 'T1', 'P1', 'R1', NULL, 3, 240000, false, 'REFERENCE')`,
        [
          call.contractId,
          call.month,
          call.recordId,
          rows[0].file_id,
          call.number,
          call.direction,
          call.peer,
          call.startMs,
          call.durationMs,
        ],
      );
    } finally {
      await client.end();
    }
  });
  afterAll(async () => {
    await database.drop();
  });

  test('the stored call keeps its place and its sighting; a copy corrected into May is a conflict, one in June another call', async () => {
    const store = await PgStore.open(database.url, 'write');
    try {
      expect(await store.schemaVersion()).toBeGreaterThanOrEqual(4);
      expect((await store.integrityCheck()).problems).toEqual([]);
      const may = ratedCall({ recordId: 'R1', month: '2011-05', startMs: Date.UTC(2011, 3, 30, 15, 0, 10) });
      expect(await applyCalls(store, 'may.csv', 'sha-may', [may])).toMatchObject({ accepted: 0, conflicts: 1 });
      const june = ratedCall({ recordId: 'R1', month: '2011-06', startMs: Date.UTC(2011, 4, 31, 15, 0, 10) });
      expect(await applyCalls(store, 'june.csv', 'sha-june', [june])).toMatchObject({ accepted: 1, conflicts: 0 });
      expect((await store.integrityCheck()).problems).toEqual([]);
      expect(await store.doubleBilled('2011-05')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
