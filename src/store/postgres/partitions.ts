import pg from 'pg';
import { StoreFailedError } from '../../errors';
import { PARTITIONED_TABLES, PartitionedTable } from './migrations';

/**
 * A month's partitions are created on demand, the first time a row of that month is written:
 * `CREATE TABLE calls_2011_04 (LIKE calls …)` then `ALTER TABLE calls ATTACH PARTITION …`. This
 * runs on a connection of its own, in a short transaction of its own, serialised between workers
 * by an advisory lock: ATTACH takes only a SHARE UPDATE EXCLUSIVE lock on the parent, which does
 * not wait for the file transactions writing into it (CREATE TABLE … PARTITION OF would take an
 * ACCESS EXCLUSIVE one, and wait for them). A partition once created stays, even if the file
 * that asked for it rolls back.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function partitionName(table: PartitionedTable, month: string): string {
  if (!MONTH.test(month))
    throw new StoreFailedError(
      `cannot store rows of the month '${month.slice(0, 20)}' in ${table}: not a month YYYY-MM`,
    );
  return `${table}_${month.replace('-', '_')}`;
}

/**
 * Totals rows are updated in place by every file of their month (INSERT … ON CONFLICT DO UPDATE):
 * pages kept half empty let each new version go on the same page (a HOT update, no new index entry).
 */
const TOTALS = new Set<PartitionedTable>(['number_type_totals', 'chakuwari_totals']);

export function partitionDdl(table: PartitionedTable, month: string): string[] {
  const name = partitionName(table, month);
  const column = PARTITIONED_TABLES[table];
  return [
    `CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)${TOTALS.has(table) ? ' WITH (fillfactor = 50)' : ''}`,
    // Proves the partition's bound without a scan of it when it is attached.
    `ALTER TABLE ${name} ADD CONSTRAINT ${name}_bound CHECK (${column} IS NOT NULL AND ${column} = '${month}')`,
    `ALTER TABLE ${table} ATTACH PARTITION ${name} FOR VALUES IN ('${month}')`,
    `ALTER TABLE ${name} DROP CONSTRAINT ${name}_bound`,
  ];
}

export type RunDdl = (client: pg.PoolClient, label: string, text: string) => Promise<unknown>;
export type RunNamed = (
  client: pg.PoolClient,
  name: 'begin' | 'commit' | 'rollback' | 'lockExclusive' | 'relationExists',
  values?: unknown[],
) => Promise<pg.QueryResult>;

/** The partitions known to exist, per store: each is checked in the database once per process. */
export class Partitions {
  private readonly known = new Set<string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly runNamed: RunNamed,
    private readonly runDdl: RunDdl,
  ) {}

  async ensure(table: PartitionedTable, months: Iterable<string>): Promise<void> {
    const missing = [...new Set(months)].filter((month) => !this.known.has(partitionName(table, month))).sort();
    if (missing.length === 0) return;
    const client = await this.pool.connect();
    let failed = false;
    try {
      await this.runNamed(client, 'begin');
      await this.runNamed(client, 'lockExclusive', ['meisai:partitions']);
      for (const month of missing) {
        const name = partitionName(table, month);
        const present = (await this.runNamed(client, 'relationExists', [name])).rows[0]?.present === true;
        if (!present) {
          for (const statement of partitionDdl(table, month)) await this.runDdl(client, 'partition', statement);
        }
      }
      await this.runNamed(client, 'commit');
      for (const month of missing) this.known.add(partitionName(table, month));
    } catch (error) {
      failed = true;
      await this.runNamed(client, 'rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release(failed ? true : undefined);
    }
  }
}
