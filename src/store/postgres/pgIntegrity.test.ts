import { randomBytes } from 'node:crypto';
import { loadReferenceData } from '../../reference/referenceData';
import { reconcileMonth } from '../../reconcile/reconcileMonth';
import { describePostgres, PG_URL_VARIABLE, useTestDatabase, queryRows as sql } from '../../test-support/postgres';
import { PgStore } from './pgStore';
import { applyCalls, ratedCall } from '../../test-support/pgTestKit';

/**
 * reconcile's integrity check on PostgreSQL checks what it says: amcheck on every b-tree index of
 * the store, and the calls ⇄ record_ids invariant. Where amcheck cannot be installed the check
 * says so as a difference; it is never reported as passed.
 */
function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  return parsed.toString();
}

describePostgres("reconcile's integrity check on PostgreSQL", () => {
  const database = useTestDatabase('integrity');
  const reference = loadReferenceData();
  const role = `meisai_plain_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const store = await PgStore.open(database.url, 'create');
    try {
      await applyCalls(store, 'a.csv', 'sha-a', [
        ratedCall({ recordId: 'a1' }),
        ratedCall({ recordId: 'a2', number: '05011112222' }),
      ]);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    // Roles are the cluster's: dropped from the server's own database, whether or not the test database is gone.
    await sql(database.url, `DROP OWNED BY ${role}`).catch(() => undefined);
    await sql(process.env[PG_URL_VARIABLE]!, `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  });

  test('a role that may not install amcheck gets a difference saying so, never an ok', async () => {
    await sql(database.url, `CREATE ROLE ${role} LOGIN NOSUPERUSER`);
    await sql(database.url, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const store = await PgStore.open(asRole(database.url, role), 'read');
    try {
      await expect(store.integrityCheck()).rejects.toThrow(
        /with the amcheck extension, which is not installed and could not be: .*CREATE EXTENSION amcheck/,
      );
      const report = await reconcileMonth(store, reference, { month: '2011-04', contractId: null });
      const integrity = report.checks.find((check) => check.name === 'integrity')!;
      expect(integrity.ok).toBe(false);
      expect(integrity.details.map((detail) => detail.message).join('\n')).toContain('amcheck');
    } finally {
      await store.close();
    }
  });

  test('amcheck runs on every b-tree index of the store, installed on first use', async () => {
    const store = await PgStore.open(database.url, 'read');
    try {
      const report = await store.integrityCheck();
      const indexes = await sql(
        database.url,
        `SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
          WHERE a.amname = 'btree' AND c.relkind = 'i' AND c.relnamespace = 'public'::regnamespace`,
      );
      // The tables' keys and indexes, and one per month partition of each (calls_2011_04, …).
      expect(indexes[0]!.n).toBeGreaterThan(10);
      expect(report).toEqual({
        check: `PostgreSQL amcheck (bt_index_check) on ${indexes[0]!.n as number} indexes`,
        soundMeans: 'the b-trees of the store are sound, and every stored call has its record_ids row',
        whenDamaged: expect.stringContaining('REINDEX'),
        problems: [],
      });
      expect(await sql(database.url, "SELECT extname FROM pg_extension WHERE extname = 'amcheck'")).toEqual([
        { extname: 'amcheck' },
      ]);
    } finally {
      await store.close();
    }
  });

  test('a call without its record_ids row is a finding of the check, and reconcile fails naming it', async () => {
    await sql(database.url, "DELETE FROM record_ids WHERE record_id = 'a2'");
    const store = await PgStore.open(database.url, 'read');
    try {
      expect((await store.integrityCheck()).problems).toEqual([
        'calls has 2 rows but record_ids 1: they must have one row per stored call each',
      ]);
      const report = await reconcileMonth(store, reference, { month: '2011-04', contractId: null });
      const integrity = report.checks.find((check) => check.name === 'integrity')!;
      expect(integrity.details.map((detail) => [detail.kind, detail.message])).toEqual([
        [
          'difference',
          expect.stringMatching(
            /^PostgreSQL amcheck \(bt_index_check\) on \d+ indexes: calls has 2 rows but record_ids 1/,
          ),
        ],
        ['information', expect.stringContaining('the store is damaged')],
      ]);
    } finally {
      await store.close();
    }
  });
});
