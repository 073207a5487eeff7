import { StoreConfigurationError } from '../../errors';
import { IntegrityReport } from '../types';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgSession';

/**
 * PostgreSQL's check of the store: amcheck's `bt_index_check` on every b-tree index of the
 * store's schema (each index's pages and order sound), then meisai's own invariant across tables
 * (every stored call has its record_ids row, and no other is there). The indexes are checked on
 * pooled connections, outside the caller's snapshot, so one damaged index is a finding and the
 * next is still checked. amcheck ships with PostgreSQL (contrib): it is installed on first use;
 * where that is not allowed, the check fails saying so — it is never skipped in silence.
 */
export async function checkIntegrity(store: PgStore, client: Queryable): Promise<IntegrityReport> {
  await installAmcheck(store);
  const indexes = (await store.run(store.pool, 'storeIndexes')).rows.map((row) => row.name as string);
  const problems: string[] = [];
  for (const index of indexes) {
    try {
      await store.run(store.pool, 'checkIndex', [index]);
    } catch (error) {
      problems.push(`index ${index}: ${(error as Error).message}`);
    }
  }
  const row = (await store.run(client, 'callsWithoutRecordId')).rows[0] as { calls: number; recordIds: number };
  if (row.calls !== row.recordIds)
    problems.push(
      `calls has ${row.calls} rows but record_ids ${row.recordIds}: they must have one row per stored call each`,
    );
  return {
    check: `PostgreSQL amcheck (bt_index_check) on ${indexes.length} index${indexes.length === 1 ? '' : 'es'}`,
    soundMeans: 'the b-trees of the store are sound, and every stored call has its record_ids row',
    whenDamaged:
      'the store is damaged: REINDEX a damaged index, or restore the database from a backup; the figures below are read from the damaged store',
    problems,
  };
}

async function installAmcheck(store: PgStore): Promise<void> {
  if ((await store.run(store.pool, 'amcheckInstalled')).rows.length > 0) return;
  try {
    await store.run(store.pool, 'installAmcheck');
  } catch (error) {
    // Another reconcile may have installed it meanwhile.
    if ((await store.run(store.pool, 'amcheckInstalled')).rows.length > 0) return;
    throw new StoreConfigurationError(
      `reconcile checks the PostgreSQL store --db ${store.location} with the amcheck extension, which is not installed and could not be: ` +
        `${(error as Error).message} (a superuser can run CREATE EXTENSION amcheck in that database)`,
    );
  }
}
