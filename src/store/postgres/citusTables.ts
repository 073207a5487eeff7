/** The Citus layout of citus.sql, as data: what citus.test.ts checks the catalog of statements (queries.ts) against. */

/** The tables distributed by Citus, with their distribution column (citus.sql). */
export const DISTRIBUTED_TABLES: Record<string, string> = {
  calls: 'contract_id',
  number_type_totals: 'contract_id',
  chakuwari_totals: 'contract_id',
  statements: 'contract_id',
  record_ids: 'record_id',
  rejects: 'file_id',
  duplicates: 'file_id',
  skips: 'file_id',
  subscriptions: 'contract_id',
  customers: 'contract_id',
  invoices: 'contract_id',
  recycled: 'file_id',
};

/** Reference tables (a copy on every node). */
export const REFERENCE_TABLES = ['files', 'file_removals', 'closed_months', 'schema_migrations', 'invoice_sequences'];
