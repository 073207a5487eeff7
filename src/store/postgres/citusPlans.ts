/** How Citus runs a catalogued statement (queries.ts), and the catalog's entry: shared by the catalog's files. */
export type CitusPlan =
  /** No distributed table: catalog, locks, transaction control, the session's temp table, reference tables only. */
  | { kind: 'local' }
  /** Every distributed table it reads or writes is filtered (or, for INSERT … VALUES, keyed) on its distribution column. */
  | { kind: 'router' }
  /** Runs on several shards, on purpose. */
  | { kind: 'multi-shard'; why: string };

export interface QueryEntry {
  text: string;
  citus: CitusPlan;
  /** Sent as a named prepared statement (DML); utility statements are not. */
  prepare: boolean;
}

export const local: CitusPlan = { kind: 'local' };
export const router: CitusPlan = { kind: 'router' };
export const multi = (why: string): CitusPlan => ({ kind: 'multi-shard', why });

export function queryEntry(text: string, citus: CitusPlan, prepare = true): QueryEntry {
  return { text: text.replace(/\s+/g, ' ').trim(), citus, prepare };
}
