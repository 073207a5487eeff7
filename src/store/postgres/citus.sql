-- meisai on Citus: the layout a Citus operator runs on the coordinator, once, after
-- `meisai migrate --db postgres://…` has created the schema (and before the first ingest, or
-- Citus moves the rows already there into the shards as it distributes each table).
--
-- Distribution column contract_id for everything a statement is made of: calls, the two totals
-- tables, the issued statements and the subscriptions are co-located, so a contract's statement, rerate, call
-- details and reconciliation are single-shard ("router") queries. A month over all contracts
-- (close, rerate or reconcile of a whole month) fans out to every shard, on purpose.
--
-- record_ids (the de-duplication index: one row per accepted record_id) is distributed by
-- record_id: ingest looks record_ids up by record_id = ANY(…), which Citus prunes to the shards
-- of those ids. rejects, duplicates, skips and recycled are a file's rows: distributed by file_id.
--
-- files, file_removals, closed_months and schema_migrations are small and read by every node: reference
-- tables (a copy on every worker).
--
-- Partitions: each month's partition is attached by meisai (ALTER TABLE … ATTACH PARTITION) when
-- its first row arrives; Citus distributes a table attached to a distributed partitioned table
-- with its parent's distribution column and co-location.
--
-- Every statement meisai sends, and which of them are single-shard, is listed in
-- src/store/postgres/queries.ts; src/store/postgres/citus.test.ts checks them.

CREATE EXTENSION IF NOT EXISTS citus;

SELECT create_reference_table('schema_migrations');
SELECT create_reference_table('files');
SELECT create_reference_table('closed_months');
SELECT create_reference_table('file_removals');
SELECT create_reference_table('invoice_sequences');

SELECT create_distributed_table('calls', 'contract_id');
SELECT create_distributed_table('number_type_totals', 'contract_id', colocate_with => 'calls');
SELECT create_distributed_table('chakuwari_totals', 'contract_id', colocate_with => 'calls');
SELECT create_distributed_table('statements', 'contract_id', colocate_with => 'calls');
SELECT create_distributed_table('subscriptions', 'contract_id', colocate_with => 'calls');
SELECT create_distributed_table('customers', 'contract_id', colocate_with => 'calls');
SELECT create_distributed_table('invoices', 'contract_id', colocate_with => 'calls');

SELECT create_distributed_table('record_ids', 'record_id');

SELECT create_distributed_table('rejects', 'file_id');
SELECT create_distributed_table('duplicates', 'file_id', colocate_with => 'rejects');
SELECT create_distributed_table('skips', 'file_id', colocate_with => 'rejects');
SELECT create_distributed_table('recycled', 'file_id', colocate_with => 'rejects');
