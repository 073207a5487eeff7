/**
 * Every SQL statement the PostgreSQL adapter issues, by name, with how Citus runs it. The adapter
 * runs queries only through this catalog (pgStore.ts `run`), and citusQueries.test.ts checks each
 * entry: one that touches a distributed table filters (or inserts) on its distribution column —
 * a single-shard "router" query — or says why it is a multi-shard one.
 *
 * A query with an optional contract comes in two variants, one per scope (`…Month` over all
 * contracts, multi-shard; `…Contract` for one, single-shard): `($2 IS NULL OR contract_id = $2)`
 * would stop Citus from pruning to one shard.
 */
import { INGESTED_FILE_COLUMNS, INGESTED_FILES_FROM, REMOVED_FILE_COUNTS, RERATE_BATCH } from '../rows';
import { local, multi, queryEntry, QueryEntry, router } from './citusPlans';
import { REMOVAL_QUERIES } from './removalQueries';
import { SESSION_QUERIES } from './sessionQueries';
import { CALL_COLUMNS, RECORD_ID_COLUMNS } from './copyLines';

export type { QueryEntry } from './citusPlans';

const MONTH = 'month = $1';
/** A month's number (year × 12 + month − 1) in SQL, as duplicateScope.ts monthNumber: record_ids' buckets (migration 4). */
const MONTH_NUMBER = '(substr(month, 1, 4)::integer * 12 + substr(month, 6, 2)::integer - 1)';
const MONTH_CONTRACT = 'month = $1 AND contract_id = $2';

/** Only the columns the totals are made of (and the row's identity, for a message). */
const CALL_SELECT = `SELECT record_id AS "recordId", file_id AS "fileId", line, contract_id AS "contractId", month, number, direction,
  peer_class AS "peerClass", duration_ms AS "durationMs", charge_scaled AS "chargeScaled", charge_remainder_parts AS "chargeRemainderParts",
  chakuwari_eligible AS "chakuwariEligible", late, unrated_code AS "unratedCode" FROM calls`;
const RERATE_SELECT = `SELECT record_id AS "recordId", contract_id AS "contractId", number, direction, peer, peer_is_number AS "peerIsNumber",
  start_ms AS "startMs", duration_ms AS "durationMs", late, peer_class AS "peerClass", tariff_id AS "tariffId",
  numbering_plan_id AS "numberingPlanId", rate_id AS "rateId", rate_prefix AS "ratePrefix", units, charge_scaled AS "chargeScaled",
  chakuwari_eligible AS "chakuwariEligible", unrated_code AS "unratedCode", plan_id AS "planId",
  charge_remainder_parts AS "chargeRemainderParts" FROM calls`;
const TYPE_TOTALS_SELECT = `SELECT contract_id AS "contractId", month, number, call_type AS type, calls, duration_tenths AS "durationTenths",
  charge_scaled AS "chargeScaled", charge_remainder_parts AS "chargeRemainderParts" FROM number_type_totals`;
const CHAKUWARI_TOTALS_SELECT = `SELECT contract_id AS "contractId", month, number, calls, duration_tenths AS "durationTenths",
  duration_ms AS "durationMs" FROM chakuwari_totals`;
const REVISION_SELECT = `SELECT contract_id AS "contractId", month, revision, created_at AS "createdAt", reason, statement_json AS "statementJson", sha256
  FROM statements`;

const INVOICE_COLUMNS = `issuer, sequence, invoice_number AS "invoiceNumber", kind, contract_id AS "contractId", month, corrects,
  statement_revision AS "statementRevision", issued_at AS "issuedAt", total, invoice_json AS "invoiceJson", sha256`;

const ALL_CONTRACTS = 'a month over all contracts (close, rerate and reconcile of a whole month)';
const BULK = 'a batch holds calls of many contracts: Citus routes each row to its shard by contract_id';

export const QUERIES = {
  // ---- transactions, locks, schema and migrations (sessionQueries.ts)
  ...SESSION_QUERIES,

  // ---- files (a reference table)
  fileOfSize: queryEntry('SELECT 1 AS found FROM files WHERE bytes = $1 LIMIT 1', local),
  fileBySha: queryEntry(
    'SELECT file_id AS "fileId", name, sha256, ingested_at AS "ingestedAt" FROM files WHERE sha256 = $1',
    local,
  ),
  insertFile: queryEntry(
    `INSERT INTO files (name, sha256, bytes, encoding, source, ingested_at, records_read, accepted, rejected, duplicates)
     VALUES ($1, $2, 0, 'utf8', $3, $4, 0, 0, 0, 0) RETURNING file_id AS "fileId"`,
    local,
  ),
  finishFile: queryEntry(
    `UPDATE files SET sha256 = $1, bytes = $2, encoding = $3, records_read = $4, accepted = $5, rejected = $6, duplicates = $7, late = $8,
                      skipped = $9, profile = $10
      WHERE file_id = $11`,
    local,
  ),

  // ---- files remove (removalQueries.ts)
  ...REMOVAL_QUERIES,

  // ---- one file's batches
  // The batch's record_ids over the range of its buckets: a primary key probe each (OFFSET 0 stops the
  // planner from making them a scan of record_ids, which it underrates while statistics lag).
  storedCallKeys: queryEntry(
    `SELECT DISTINCT r.record_id AS "recordId", r.contract_id AS "contractId", r.month
       FROM unnest($1::text[]) AS k(record_id)
       CROSS JOIN LATERAL (SELECT record_id, contract_id, month FROM record_ids
                            WHERE record_id = k.record_id AND bucket BETWEEN $2 AND $3 OFFSET 0) AS r`,
    multi("a batch's record_ids hash to every shard of record_ids"),
  ),
  // The calls found there, by their primary key (few: de-duplication only reads what it found).
  storedCalls: queryEntry(
    `SELECT c.record_id AS "recordId", c.contract_id AS "contractId", c.number, c.direction, c.peer,
            c.start_ms AS "startMs", c.duration_ms AS "durationMs", f.name AS "fileName", c.line
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(contract_id, month, record_id)
       JOIN calls c ON c.contract_id = k.contract_id AND c.month = k.month AND c.record_id = k.record_id
       JOIN files f ON f.file_id = c.file_id
      ORDER BY c.record_id, c.month`,
    multi('the calls found are of many contracts; each is matched on its contract_id'),
  ),
  // The record_ids rows of a batch's calls: its primary key makes a record_id stored once, and two
  // files writing the same one at once serialise there (the second waits, then loses: a race).
  copyRecordIds: queryEntry(
    `COPY record_ids (${RECORD_ID_COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`,
    multi(`${BULK} (record_ids by record_id)`),
    false,
  ),
  // Straight into calls: PostgreSQL routes each row to its month's partition.
  copyCalls: queryEntry(`COPY calls (${CALL_COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`, multi(BULK), false),
  insertRejects: queryEntry(
    `INSERT INTO rejects (file_id, received_month, line, code, message, raw, record_json)
     SELECT $1, $2, line, code, message, raw, record_json
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bytea[], $7::text[]) AS r(line, code, message, raw, record_json)`,
    router,
  ),
  insertSkips: queryEntry(
    `INSERT INTO skips (file_id, line, reason) SELECT $1, line, reason FROM unnest($2::bigint[], $3::text[]) AS s(line, reason)`,
    router,
  ),
  insertDuplicates: queryEntry(
    `INSERT INTO duplicates (file_id, received_month, line, record_id)
     SELECT $1, $2, line, record_id FROM unnest($3::bigint[], $4::text[]) AS d(line, record_id)`,
    router,
  ),
  closedAmong: queryEntry('SELECT month FROM closed_months WHERE month = ANY($1::text[])', local),
  // Each returns the rows its upsert carried past the bound $9 (store/totalsBound.ts): the adapter fails the file on any.
  addTypeTotals: queryEntry(
    `WITH added AS (
     INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
      ORDER BY 1, 2, 3, 4
     ON CONFLICT (contract_id, month, number, call_type) DO UPDATE SET
       calls = number_type_totals.calls + excluded.calls,
       duration_tenths = number_type_totals.duration_tenths + excluded.duration_tenths,
       charge_scaled = number_type_totals.charge_scaled + excluded.charge_scaled,
       charge_remainder_parts = number_type_totals.charge_remainder_parts + excluded.charge_remainder_parts
     RETURNING contract_id, month, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
     SELECT contract_id AS "contractId", month, number, call_type AS type, calls, duration_tenths AS "durationTenths",
            charge_scaled AS "chargeScaled", charge_remainder_parts AS "chargeRemainderParts"
       FROM added WHERE GREATEST(abs(calls), abs(duration_tenths), abs(charge_scaled), abs(charge_remainder_parts)) > $9::bigint`,
    multi(BULK),
  ),
  addChakuwariTotals: queryEntry(
    `WITH added AS (
     INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
      ORDER BY 1, 2, 3
     ON CONFLICT (contract_id, month, number) DO UPDATE SET
       calls = chakuwari_totals.calls + excluded.calls,
       duration_tenths = chakuwari_totals.duration_tenths + excluded.duration_tenths,
       duration_ms = chakuwari_totals.duration_ms + excluded.duration_ms
     RETURNING contract_id, month, number, calls, duration_tenths, duration_ms)
     SELECT contract_id AS "contractId", month, number, calls, duration_tenths AS "durationTenths", duration_ms AS "durationMs"
       FROM added WHERE GREATEST(abs(calls), abs(duration_tenths), abs(duration_ms)) > $7::bigint`,
    multi(BULK),
  ),

  // ---- months and statements
  closedMonths: queryEntry('SELECT month FROM closed_months', local),
  closedMonthList: queryEntry('SELECT month, closed_at AS "closedAt" FROM closed_months ORDER BY month', local),
  ingestedFiles: queryEntry(`SELECT ${INGESTED_FILE_COLUMNS} FROM ${INGESTED_FILES_FROM}`, local),
  revisionHistory: queryEntry(
    'SELECT revision, created_at AS "createdAt", reason, sha256 FROM statements WHERE contract_id = $1 AND month = $2 ORDER BY revision',
    router,
  ),
  isMonthClosed: queryEntry('SELECT 1 AS found FROM closed_months WHERE month = $1', local),
  markMonthClosed: queryEntry('INSERT INTO closed_months (month, closed_at) VALUES ($1, $2)', local),
  monthContracts: queryEntry(
    'SELECT contract_id AS "contractId" FROM number_type_totals WHERE month = $1 UNION SELECT contract_id FROM chakuwari_totals WHERE month = $1 ORDER BY 1',
    multi(ALL_CONTRACTS),
  ),
  statementMonths: queryEntry(
    'SELECT month FROM number_type_totals WHERE contract_id = $1 UNION SELECT month FROM chakuwari_totals WHERE contract_id = $1 ORDER BY 1 DESC',
    router,
  ),
  contractTypeTotals: queryEntry(
    `${TYPE_TOTALS_SELECT} WHERE contract_id = $1 AND month = $2 ORDER BY number, call_type`,
    router,
  ),
  contractChakuwariTotals: queryEntry(
    `${CHAKUWARI_TOTALS_SELECT} WHERE contract_id = $1 AND month = $2 ORDER BY number`,
    router,
  ),
  latestRevision: queryEntry(
    `${REVISION_SELECT} WHERE contract_id = $1 AND month = $2 ORDER BY revision DESC LIMIT 1`,
    router,
  ),
  revision: queryEntry(`${REVISION_SELECT} WHERE contract_id = $1 AND month = $2 AND revision = $3`, router),
  insertRevision: queryEntry(
    'INSERT INTO statements (contract_id, month, revision, created_at, reason, statement_json, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    router,
  ),

  // ---- re-rating
  // A batch at a time, by the key (contract_id, record_id) after the last one read (the primary key's order).
  monthCallBatchMonth: queryEntry(
    `${RERATE_SELECT} WHERE ${MONTH} AND (contract_id, record_id) > ($2, $3) ORDER BY contract_id, record_id LIMIT ${RERATE_BATCH}`,
    multi(ALL_CONTRACTS),
  ),
  monthCallBatchContract: queryEntry(
    `${RERATE_SELECT} WHERE ${MONTH_CONTRACT} AND record_id > $3 ORDER BY record_id LIMIT ${RERATE_BATCH}`,
    router,
  ),
  revisedContractsMonth: queryEntry(
    `SELECT DISTINCT contract_id AS "contractId" FROM statements WHERE ${MONTH} ORDER BY 1`,
    multi(ALL_CONTRACTS),
  ),
  revisedContractsContract: queryEntry(
    `SELECT DISTINCT contract_id AS "contractId" FROM statements WHERE ${MONTH_CONTRACT} ORDER BY 1`,
    router,
  ),
  applyRatings: queryEntry(
    `UPDATE calls c SET peer_class = u.peer_class, tariff_id = u.tariff_id, numbering_plan_id = u.numbering_plan_id, rate_id = u.rate_id,
                        rate_prefix = u.rate_prefix, units = u.units, charge_scaled = u.charge_scaled,
                        chakuwari_eligible = u.chakuwari_eligible, unrated_code = NULL, late = false, plan_id = u.plan_id,
                        charge_remainder_parts = u.charge_remainder_parts
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[],
                   $10::bigint[], $11::boolean[], $12::text[], $13::bigint[])
            AS u(contract_id, month, record_id, peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled,
                 chakuwari_eligible, plan_id, charge_remainder_parts)
      WHERE c.contract_id = u.contract_id AND c.month = u.month AND c.record_id = u.record_id`,
    multi('a re-rate updates the calls of many contracts; each row is matched on contract_id (its shard)'),
  ),
  markUnrated: queryEntry(
    `UPDATE calls c SET unrated_code = u.code, late = false
       FROM unnest($1::text[], $2::text[], $3::text[]) AS u(record_id, code, contract_id)
      WHERE c.contract_id = u.contract_id AND c.month = $4 AND c.record_id = u.record_id`,
    multi('a re-rate of a whole month marks calls of many contracts; each row is keyed on its contract_id'),
  ),
  setTypeTotals: queryEntry(
    `INSERT INTO number_type_totals (contract_id, month, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
      ORDER BY 1, 2, 3, 4
     ON CONFLICT (contract_id, month, number, call_type) DO UPDATE SET
       calls = excluded.calls, duration_tenths = excluded.duration_tenths, charge_scaled = excluded.charge_scaled,
       charge_remainder_parts = excluded.charge_remainder_parts`,
    multi(
      'a re-rate of a whole month writes the changed totals of many contracts; each row is keyed on its contract_id',
    ),
  ),
  setChakuwariTotals: queryEntry(
    `INSERT INTO chakuwari_totals (contract_id, month, number, calls, duration_tenths, duration_ms)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
      ORDER BY 1, 2, 3
     ON CONFLICT (contract_id, month, number) DO UPDATE SET
       calls = excluded.calls, duration_tenths = excluded.duration_tenths, duration_ms = excluded.duration_ms`,
    multi(
      'a re-rate of a whole month writes the changed totals of many contracts; each row is keyed on its contract_id',
    ),
  ),
  deleteTypeTotals: queryEntry(
    `DELETE FROM number_type_totals t USING unnest($2::text[], $3::text[], $4::text[]) AS g(contract_id, number, call_type)
      WHERE t.month = $1 AND t.contract_id = g.contract_id AND t.number = g.number AND t.call_type = g.call_type`,
    multi('a re-rate of a whole month removes totals rows of many contracts; each row is matched on its contract_id'),
  ),
  deleteChakuwariTotals: queryEntry(
    `DELETE FROM chakuwari_totals t USING unnest($2::text[], $3::text[]) AS g(contract_id, number)
      WHERE t.month = $1 AND t.contract_id = g.contract_id AND t.number = g.number`,
    multi('a re-rate of a whole month removes totals rows of many contracts; each row is matched on its contract_id'),
  ),

  // ---- reconciliation
  declareMonthCallsMonth: queryEntry(
    `DECLARE meisai_month_calls NO SCROLL CURSOR FOR ${CALL_SELECT} WHERE ${MONTH}`,
    multi(ALL_CONTRACTS),
    false,
  ),
  declareMonthCallsContract: queryEntry(
    `DECLARE meisai_month_calls NO SCROLL CURSOR FOR ${CALL_SELECT} WHERE ${MONTH_CONTRACT}`,
    router,
    false,
  ),
  fetchMonthCalls: queryEntry(`FETCH ${RERATE_BATCH} FROM meisai_month_calls`, local, false),
  closeMonthCalls: queryEntry('CLOSE meisai_month_calls', local, false),
  storedTypeTotalsMonth: queryEntry(`${TYPE_TOTALS_SELECT} WHERE ${MONTH}`, multi(ALL_CONTRACTS)),
  storedTypeTotalsContract: queryEntry(`${TYPE_TOTALS_SELECT} WHERE ${MONTH_CONTRACT}`, router),
  storedChakuwariTotalsMonth: queryEntry(`${CHAKUWARI_TOTALS_SELECT} WHERE ${MONTH}`, multi(ALL_CONTRACTS)),
  storedChakuwariTotalsContract: queryEntry(`${CHAKUWARI_TOTALS_SELECT} WHERE ${MONTH_CONTRACT}`, router),
  contractsOfMonthMonth: queryEntry(
    `SELECT contract_id AS "contractId" FROM calls WHERE ${MONTH}
     UNION SELECT contract_id FROM number_type_totals WHERE ${MONTH}
     UNION SELECT contract_id FROM chakuwari_totals WHERE ${MONTH}
     UNION SELECT contract_id FROM statements WHERE ${MONTH} ORDER BY 1`,
    multi(ALL_CONTRACTS),
  ),
  contractsOfMonthContract: queryEntry(
    `SELECT contract_id AS "contractId" FROM calls WHERE ${MONTH_CONTRACT}
     UNION SELECT contract_id FROM number_type_totals WHERE ${MONTH_CONTRACT}
     UNION SELECT contract_id FROM chakuwari_totals WHERE ${MONTH_CONTRACT}
     UNION SELECT contract_id FROM statements WHERE ${MONTH_CONTRACT} ORDER BY 1`,
    router,
  ),
  issuedRevisions: queryEntry(
    'SELECT revision, statement_json AS "statementJson", sha256 FROM statements WHERE contract_id = $1 AND month = $2 ORDER BY revision',
    router,
  ),
  fileRows: queryEntry(
    `SELECT f.file_id AS "fileId", f.name, ${REMOVED_FILE_COUNTS} FROM files f LEFT JOIN file_removals x ON x.file_id = f.file_id ORDER BY f.file_id`,
    local,
  ),
  callRowsByFile: queryEntry(
    'SELECT file_id AS "fileId", count(*) AS rows FROM calls GROUP BY file_id',
    multi("reconcile counts every file's rows over all shards"),
  ),
  rejectRowsByFile: queryEntry(
    'SELECT file_id AS "fileId", count(*) AS rows FROM rejects GROUP BY file_id',
    multi("reconcile counts every file's rows over all shards"),
  ),
  recycledRowsByFile: queryEntry(
    'SELECT file_id AS "fileId", count(*) AS rows FROM recycled GROUP BY file_id',
    multi("reconcile counts every file's rows over all shards"),
  ),
  skipRowsByFile: queryEntry(
    'SELECT file_id AS "fileId", count(*) AS rows FROM skips GROUP BY file_id',
    multi("reconcile counts every file's rows over all shards"),
  ),
  duplicateRowsByFile: queryEntry(
    'SELECT file_id AS "fileId", count(*) AS rows FROM duplicates GROUP BY file_id',
    multi("reconcile counts every file's rows over all shards"),
  ),
  storeIndexes: queryEntry(
    `SELECT c.oid::regclass::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
      WHERE a.amname = 'btree' AND c.relkind = 'i' AND c.relpersistence = 'p' AND c.relnamespace = current_schema()::regnamespace
      ORDER BY 1`,
    local,
  ),
  amcheckInstalled: queryEntry(`SELECT 1 AS found FROM pg_extension WHERE extname = 'amcheck'`, local),
  installAmcheck: queryEntry('CREATE EXTENSION IF NOT EXISTS amcheck', local, false),
  checkIndex: queryEntry('SELECT bt_index_check($1::regclass)', local),
  callsWithoutRecordId: queryEntry(
    `SELECT (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM record_ids WHERE bucket = ${MONTH_NUMBER}) AS "recordIds"`,
    multi(
      "reconcile's integrity check: every call has its record_ids row (of its own month's bucket), over all shards",
    ),
  ),
  doubleBilled: queryEntry(
    `SELECT c.record_id AS "recordId", c.contract_id AS "contractId", c.month, f.name AS "fileName", c.line
       FROM calls c JOIN files f ON f.file_id = c.file_id
      WHERE c.month = ANY($2::text[])
        AND c.record_id IN (SELECT record_id FROM calls WHERE month = ANY($2::text[]) GROUP BY record_id
                             HAVING count(*) > 1 AND bool_or(month = $1))`,
    multi("reconcile's store-wide check: record_ids stored twice within a month's duplicate scope, over all shards"),
  ),

  // ---- subscriptions
  subscriptionBook: queryEntry(
    `SELECT contract_id AS "contractId", number, effective_from AS "effectiveFrom", plan, imported_from AS "importedFrom", imported_at AS "importedAt"
       FROM subscriptions`,
    multi("rating reads the whole subscription book, every contract's"),
  ),
  contractSubscriptions: queryEntry(
    `SELECT contract_id AS "contractId", number, effective_from AS "effectiveFrom", plan, imported_from AS "importedFrom", imported_at AS "importedAt"
       FROM subscriptions WHERE contract_id = $1 ORDER BY number, effective_from`,
    router,
  ),
  storedPlans: queryEntry(
    `SELECT contract_id AS "contractId", number, effective_from AS "effectiveFrom", plan
       FROM subscriptions s JOIN unnest($1::text[], $2::text[], $3::text[]) AS u(c, n, e)
         ON s.contract_id = u.c AND s.number = u.n AND s.effective_from = u.e`,
    multi("an import holds many contracts' lines; each is matched on its contract_id"),
  ),
  upsertSubscriptions: queryEntry(
    `INSERT INTO subscriptions (contract_id, number, effective_from, plan, imported_from, imported_at)
     SELECT c, n, e, p, $5, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(c, n, e, p) ORDER BY 1, 2, 3
     ON CONFLICT (contract_id, number, effective_from) DO UPDATE SET
       plan = excluded.plan, imported_from = excluded.imported_from, imported_at = excluded.imported_at`,
    multi("an import holds many contracts' lines; Citus routes each row to its shard by contract_id"),
  ),

  // ---- customers and invoices (pgBilling.ts)
  customers: queryEntry(
    `SELECT contract_id AS "contractId", name, number, active_from AS "activeFrom", active_to AS "activeTo"
       FROM customers ORDER BY contract_id, number, active_from`,
    multi("customers list and the bill run read every contract's lines"),
  ),
  contractCustomers: queryEntry(
    `SELECT contract_id AS "contractId", name, number, active_from AS "activeFrom", active_to AS "activeTo"
       FROM customers WHERE contract_id = $1 ORDER BY number, active_from`,
    router,
  ),
  storedCustomers: queryEntry(
    `SELECT contract_id AS "contractId", number, active_from AS "activeFrom", active_to AS "activeTo", name
       FROM customers s JOIN unnest($1::text[], $2::text[], $3::text[]) AS u(c, n, f)
         ON s.contract_id = u.c AND s.number = u.n AND s.active_from = u.f`,
    multi("an import holds many contracts' lines; each is matched on its contract_id"),
  ),
  upsertCustomers: queryEntry(
    `INSERT INTO customers (contract_id, number, active_from, active_to, name, imported_from, imported_at)
     SELECT c, n, f, t, m, $6, $7 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(c, n, f, t, m) ORDER BY 1, 2, 3
     ON CONFLICT (contract_id, number, active_from) DO UPDATE SET
       active_to = excluded.active_to, name = excluded.name, imported_from = excluded.imported_from, imported_at = excluded.imported_at`,
    multi("an import holds many contracts' lines; Citus routes each row to its shard by contract_id"),
  ),
  nextInvoiceSequence: queryEntry(
    `INSERT INTO invoice_sequences (issuer, last_number) VALUES ($1, 1)
     ON CONFLICT (issuer) DO UPDATE SET last_number = invoice_sequences.last_number + 1 RETURNING last_number AS "lastNumber"`,
    local,
  ),
  insertInvoice: queryEntry(
    `INSERT INTO invoices (contract_id, invoice_number, issuer, sequence, month, kind, corrects, statement_revision, issued_at, total, invoice_json, sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    router,
  ),
  contractInvoices: queryEntry(
    `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE contract_id = $1 AND ($2::text IS NULL OR month = $2) ORDER BY issuer, sequence`,
    router,
  ),
  monthInvoices: queryEntry(
    `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE month = $1 ORDER BY issuer, sequence`,
    multi("the accounting list of a month holds every contract's invoices"),
  ),
  allInvoices: queryEntry(
    `SELECT ${INVOICE_COLUMNS} FROM invoices ORDER BY issuer, sequence`,
    multi('every invoice of every contract'),
  ),

  // ---- rejects and recycle
  rejects: queryEntry(
    `SELECT f.name AS "fileName", r.line, r.code, r.message, r.raw, (r.record_json::jsonb ->> 'startMs')::bigint AS "startMs"
       FROM rejects r JOIN files f ON f.file_id = r.file_id
      WHERE ($1::text IS NULL OR f.name = $1) AND ($2::text IS NULL OR r.code = $2)
      ORDER BY r.file_id, r.line`,
    multi('the rejects of every file (or of the files of one name) over all shards'),
  ),
  recyclableRejects: queryEntry(
    `SELECT r.file_id AS "fileId", f.name AS "fileName", r.line, r.code, r.message, r.record_json AS "recordJson"
       FROM rejects r JOIN files f ON f.file_id = r.file_id
      WHERE r.record_json IS NOT NULL AND r.code = ANY($1::text[])
      ORDER BY r.file_id, r.line`,
    multi('recycle reads the recyclable rejects of every file'),
  ),
  rejectsWithoutRecord: queryEntry(
    'SELECT count(*) AS rejects FROM rejects WHERE record_json IS NULL AND code = ANY($1::text[])',
    multi('recycle counts the rejects of every file stored without their record'),
  ),
  updateReject: queryEntry('UPDATE rejects SET code = $3, message = $4 WHERE file_id = $1 AND line = $2', router),
  deleteRecycledRejects: queryEntry(
    `DELETE FROM rejects r USING unnest($1::bigint[], $2::bigint[]) AS d(file_id, line) WHERE r.file_id = d.file_id AND r.line = d.line`,
    multi('recycled rejects of several files; each row is matched on its file_id'),
  ),
  insertRecycled: queryEntry(
    `INSERT INTO recycled (file_id, line, record_id, code, message, recycled_at)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) ORDER BY 1, 2`,
    multi('recycled rejects of several files; Citus routes each row to its shard by file_id'),
  ),
  countRecycled: queryEntry(
    `UPDATE files f SET accepted = f.accepted + d.recycled, rejected = f.rejected - d.recycled, recycled = f.recycled + d.recycled, late = f.late + d.late
       FROM (SELECT file_id, count(*) AS recycled, count(*) FILTER (WHERE late) AS late
               FROM unnest($1::bigint[], $2::boolean[]) AS u(file_id, late) GROUP BY file_id) d
      WHERE f.file_id = d.file_id`,
    local,
  ),
  // A recycled call, on its own file and line (few at a time: no COPY).
  insertRecycledCalls: queryEntry(
    `WITH u AS (
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[], $18::bigint[], $19::boolean[], $20::boolean[], $21::text[], $22::bigint[])
              AS u(record_id, line, file_id, contract_id, number, direction, peer, peer_is_number, start_ms, duration_ms, month, peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, late, plan_id, charge_remainder_parts)
     ), ids AS (
       INSERT INTO record_ids (record_id, contract_id, month, file_id, line, bucket)
       SELECT record_id, contract_id, month, file_id, line, ${MONTH_NUMBER} + shift
         FROM u CROSS JOIN (VALUES (0), (1)) AS buckets(shift)
     )
     INSERT INTO calls (contract_id, month, record_id, file_id, line, number, direction, peer, peer_is_number, start_ms, duration_ms,
                        peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, late,
                        plan_id, charge_remainder_parts)
     SELECT contract_id, month, record_id, file_id, line, number, direction, peer, peer_is_number, start_ms, duration_ms,
            peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, late,
            plan_id, charge_remainder_parts
       FROM u`,
    multi(`${BULK} (record_ids by record_id)`),
  ),

  // ---- call details
  callDetails: queryEntry(
    `SELECT c.record_id AS "recordId", c.number, c.direction, c.peer, c.peer_class AS "peerClass", c.start_ms AS "startMs",
            c.duration_ms AS "durationMs", c.tariff_id AS "tariffId", c.rate_id AS "rateId", c.units, c.charge_scaled AS "chargeScaled",
            c.late, c.unrated_code AS "unratedCode", f.name AS "fileName", c.line
       FROM calls c JOIN files f ON f.file_id = c.file_id
      WHERE c.contract_id = $1 AND c.month = $2 AND ($3::text IS NULL OR c.number = $3) AND ($4::text = 'all' OR c.direction = $4)
      ORDER BY c.number, c.start_ms, c.record_id`,
    router,
  ),
  callMonths: queryEntry('SELECT DISTINCT month FROM calls WHERE contract_id = $1 ORDER BY month DESC', router),
  hasCalls: queryEntry(
    'SELECT 1 AS found FROM calls WHERE contract_id = $1 AND month = $2 AND ($3::text IS NULL OR number = $3) LIMIT 1',
    router,
  ),
} satisfies Record<string, QueryEntry>;

export type QueryName = keyof typeof QUERIES;
