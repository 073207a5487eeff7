import { local, queryEntry } from './citusPlans';

/** Transactions, locks, the schema and migrations on PostgreSQL: part of the catalog (queries.ts). */
export const SESSION_QUERIES = {
  // ---- transactions and locks
  savepointBatch: queryEntry('SAVEPOINT meisai_batch', local, false),
  releaseBatch: queryEntry('RELEASE SAVEPOINT meisai_batch', local, false),
  rollbackBatch: queryEntry('ROLLBACK TO SAVEPOINT meisai_batch', local, false),
  begin: queryEntry('BEGIN', local, false),
  beginSnapshot: queryEntry('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', local, false),
  commit: queryEntry('COMMIT', local, false),
  rollback: queryEntry('ROLLBACK', local, false),
  lockExclusive: queryEntry('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', local),
  lockShared: queryEntry('SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))', local),
  tryClaim: queryEntry('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS claimed', local),
  releaseClaim: queryEntry('SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS released', local),
  // A bigint advisory lock is in pg_locks as classid (its high 32 bits) and objid (low 32 bits), objsubid 1.
  claimedElsewhere: queryEntry(
    `SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.pid <> pg_backend_pid()
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((l.classid::bigint << 32) | l.objid::bigint) = ANY (SELECT hashtextextended(key, 0) FROM unnest($1::text[]) AS k(key))
     ) AS claimed`,
    local,
  ),

  // ---- schema and migrations
  sessionLock: queryEntry('SELECT pg_advisory_lock(hashtextextended($1, 0))', local),
  sessionUnlock: queryEntry('SELECT pg_advisory_unlock(hashtextextended($1, 0))', local),
  schemaTables: queryEntry(
    'SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
    local,
  ),
  createSchemaMigrations: queryEntry(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)',
    local,
    false,
  ),
  appliedMigrations: queryEntry('SELECT version, description FROM schema_migrations ORDER BY version', local),
  recordMigration: queryEntry(
    'INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)',
    local,
  ),
  relationExists: queryEntry('SELECT to_regclass($1) IS NOT NULL AS present', local),
};
