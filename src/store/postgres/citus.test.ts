import { PG_KNOWN_VERSION } from './migrations';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, describePostgres, useTestDatabase } from '../../test-support/postgres';
import { PARTITIONED_TABLES } from './migrations';
import { observePostgresQueries, PgStore } from './pgStore';
import { applyCalls, heldFile, ratedCall } from '../../test-support/pgTestKit';
import { DISTRIBUTED_TABLES, REFERENCE_TABLES } from './citusTables';
import { QUERIES, QueryEntry, QueryName } from './queries';
import { totalsDiff } from '../rows';

/**
 * The Citus layout, without Citus (it is not packaged here): every statement the adapter sends
 * is in the catalog (a workload observes them all), and each one that touches a distributed
 * table is single-shard — filtered or keyed on that table's distribution column — or is listed
 * as a multi-shard query with its reason. citus.sql distributes exactly the tables named here.
 */

const CITUS_SQL = readFileSync(join(__dirname, 'citus.sql'), 'utf8');

/** The tables a statement reads or writes (by the keywords that name a table). */
function tablesOf(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|TABLE|COPY)\s+([a-z_]+)/gi))
    found.add(match[1]!.toLowerCase());
  return [...found];
}

/** Whether the statement pins `table` to one shard by its distribution column `column`. */
function pinsShard(text: string, table: string, column: string): boolean {
  const filter = new RegExp(`\\b(?:[a-z]+\\.)?${column}\\s*=\\s*(?:\\$\\d+|ANY\\(\\$\\d+)`, 'i');
  if (filter.test(text)) return true;
  // INSERT INTO table (columns) VALUES (…) or SELECT …: the distribution column's value is a parameter.
  const insert = new RegExp(`INSERT INTO ${table} \\(([^)]*)\\) (?:VALUES \\(([^)]*)\\)|SELECT (.*?) FROM)`, 'i').exec(
    text,
  );
  if (insert === null) return false;
  const columns = insert[1]!.split(',').map((name) => name.trim());
  const values = (insert[2] ?? insert[3]!).split(',').map((value) => value.trim());
  const position = columns.indexOf(column);
  return position >= 0 && /^\$\d+$/.test(values[position] ?? '');
}

describe('the catalog of PostgreSQL statements, for Citus', () => {
  const entries = Object.entries(QUERIES) as [QueryName, QueryEntry][];

  test.each(entries)(
    '%s: single-shard on every distributed table it touches, or a documented multi-shard query',
    (_name, entry) => {
      const distributed = tablesOf(entry.text).filter((table) => DISTRIBUTED_TABLES[table] !== undefined);
      if (entry.citus.kind === 'local') {
        expect(distributed).toEqual([]);
      } else if (entry.citus.kind === 'router') {
        expect(distributed.length).toBeGreaterThan(0);
        for (const table of distributed)
          expect({ table, pinned: pinsShard(entry.text, table, DISTRIBUTED_TABLES[table]!) }).toEqual({
            table,
            pinned: true,
          });
      } else {
        expect(distributed.length).toBeGreaterThan(0);
        expect(entry.citus.why.length).toBeGreaterThan(10);
      }
    },
  );

  test("a contract's statement, call details and rerate of one contract are single-shard", () => {
    const routers: QueryName[] = [
      'contractTypeTotals',
      'contractChakuwariTotals',
      'latestRevision',
      'revision',
      'insertRevision',
      'statementMonths',
      'callDetails',
      'callMonths',
      'hasCalls',
      'monthCallBatchContract',
      'revisedContractsContract',
      'storedTypeTotalsContract',
      'storedChakuwariTotalsContract',
      'contractsOfMonthContract',
      'issuedRevisions',
      'declareMonthCallsContract',
    ];
    for (const name of routers) expect({ name, kind: QUERIES[name].citus.kind }).toEqual({ name, kind: 'router' });
  });

  test('citus.sql distributes the distributed tables by their column, co-locates calls, totals and statements, and makes the rest reference tables', () => {
    const distributedThere = new Map(
      [
        ...CITUS_SQL.matchAll(
          /create_distributed_table\('([a-z_]+)', '([a-z_]+)'(?:, colocate_with => '([a-z_]+)')?\)/g,
        ),
      ].map((match) => [match[1]!, { column: match[2]!, colocateWith: match[3] }]),
    );
    expect(Object.fromEntries([...distributedThere].map(([table, { column }]) => [table, column]))).toEqual(
      DISTRIBUTED_TABLES,
    );
    for (const table of ['number_type_totals', 'chakuwari_totals', 'statements'])
      expect(distributedThere.get(table)!.colocateWith).toBe('calls');
    const referenceThere = [...CITUS_SQL.matchAll(/create_reference_table\('([a-z_]+)'\)/g)].map((match) => match[1]!);
    expect(referenceThere.sort()).toEqual([...REFERENCE_TABLES].sort());
  });
});

describePostgres('the Citus layout on a migrated store', () => {
  const database = useTestDatabase('citus');

  test('every table is distributed or a reference table, and each unique key of a distributed one holds its distribution column', async () => {
    const store = await PgStore.open(database.url, 'create');
    await store.close();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const tables = (
        await client.query(
          "SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition",
        )
      ).rows.map((row) => row.name as string);
      expect(tables.sort()).toEqual([...Object.keys(DISTRIBUTED_TABLES), ...REFERENCE_TABLES].sort());
      const keys = (
        await client.query(
          `SELECT t.relname AS "table", c.conname AS name, array(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) AS columns
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE c.contype IN ('p', 'u') AND t.relnamespace = 'public'::regnamespace AND NOT t.relispartition`,
        )
      ).rows as { table: string; name: string; columns: string[] }[];
      for (const key of keys.filter((candidate) => DISTRIBUTED_TABLES[candidate.table] !== undefined)) {
        expect({ key: key.name, holds: key.columns.includes(DISTRIBUTED_TABLES[key.table]!) }).toEqual({
          key: key.name,
          holds: true,
        });
      }
      // A partitioned table's keys must hold its partition column too (PostgreSQL insists; so does meisai's layout).
      for (const key of keys.filter((candidate) => candidate.table in PARTITIONED_TABLES)) {
        expect(key.columns).toContain(PARTITIONED_TABLES[key.table as keyof typeof PARTITIONED_TABLES]);
      }
    } finally {
      await client.end();
    }
  });

  test('a workload of every store method sends only catalogued statements, and uses every one of them', async () => {
    const seen = new Set<string>();
    const fresh = await createTestDatabase('citus_workload');
    observePostgresQueries((name) => seen.add(name));
    try {
      const store = await PgStore.open(fresh.url, 'create');
      try {
        await applyCalls(store, 'w1.csv', 'sha-w1', [
          ratedCall({ recordId: 'w1' }),
          ratedCall({
            recordId: 'w2',
            direction: 'in',
            rateId: null,
            units: 0,
            chargeScaled: 0,
            chakuwariEligible: true,
          }),
          ratedCall({ recordId: 'w3', number: '05011112222' }),
          ratedCall({ recordId: 'w2' }),
          ratedCall({ recordId: 'w1' }),
        ]);
        await applyCalls(store, 'w1-again.csv', 'sha-w1', []);
        // A batch raced by a concurrent file is rolled back to its savepoint and settled again.
        const other = await PgStore.open(fresh.url, 'write');
        try {
          const first = await heldFile(store, 'w-race-1.csv', 'sha-w-race-1', [ratedCall({ recordId: 'w-race' })]);
          const second = applyCalls(other, 'w-race-2.csv', 'sha-w-race-2', [ratedCall({ recordId: 'w-race' })]);
          await new Promise((resolve) => setTimeout(resolve, 200));
          first.release();
          await first.done;
          expect(await second).toMatchObject({ outcome: 'applied', duplicates: 1 });
        } finally {
          await other.close();
        }
        const skipping = await store.beginFile({
          name: 'w-skips.csv',
          source: null,
          ingestedAt: '2011-05-01T00:00:00.000Z',
        });
        await skipping.writeBatch({
          calls: [],
          rejects: [],
          duplicates: [],
          skips: [{ line: 2, reason: 'NOT_ANSWERED' }],
        });
        await skipping.finish({
          sha256: 'sha-w-skips',
          bytes: 1,
          encoding: 'utf8',
          read: 1,
          accepted: 0,
          rejected: 0,
          duplicates: 0,
          late: 0,
          skipped: 1,
          profile: 'asterisk-cdr-csv',
        });
        expect(await store.hasFileOfSize(500)).toBe(true);
        const claim = await store.claimFile('w2.csv');
        await claim?.release();
        await (await store.claimFile('w2.csv', { wait: true }))?.release();
        expect(await store.claimedElsewhere(['w2.csv'])).toBe(false);
        expect(await store.schemaVersion()).toBe(PG_KNOWN_VERSION);
        const month = { month: '2011-04', contractId: null };
        const contract = { month: '2011-04', contractId: 'N000000001' };
        for (const scope of [month, contract]) {
          await store.transaction(
            async (writer) => {
              const calls = [];
              for await (const batch of writer.monthCallBatches(scope)) calls.push(...batch);
              await writer.revisedContracts(scope);
              await writer.applyReratings([
                { recordId: calls[0]!.recordId, rated: ratedCall({ recordId: calls[0]!.recordId }) },
                {
                  recordId: calls[1]!.recordId,
                  unratedCode: 'NOT_CALLABLE',
                  contractId: calls[1]!.contractId,
                  month: '2011-04',
                },
              ]);
              const stored = (await writer.storedTotals(scope)).values;
              // Change one row, drop one of each table: the diff writes and deletes.
              const changed = {
                typeTotals: stored.typeTotals.slice(1).map((total) => ({ ...total, calls: total.calls + 1 })),
                chakuwariTotals: stored.chakuwariTotals.slice(1),
              };
              await writer.applyTotalsDiff(scope, totalsDiff((await writer.storedTotals(scope)).values, changed));
              await writer.applyTotalsDiff(scope, totalsDiff((await writer.storedTotals(scope)).values, stored));
              for await (const _batch of writer.monthCalls(scope)) void _batch;
            },
            { lockKey: 'month:2011-04' },
          );
          await store.contractsOfMonth(scope);
          for await (const _batch of store.monthCalls(scope)) void _batch;
        }
        await store.transaction((writer) =>
          writer.importSubscriptions(
            [{ contractId: 'N000000001', number: null, plan: 'BUSINESS', effectiveFrom: '2011-04-15' }],
            'crm.csv',
            'now',
          ),
        );
        await store.subscriptionBook();
        await store.contractSubscriptions('N000000001');
        await store.transaction(async (writer) => {
          await writer.importCustomers(
            [{ contractId: 'N000000001', name: 'n', number: '05012345678', activeFrom: '2011-04-01', activeTo: null }],
            'customers.csv',
            'now',
          );
          const sequence = await writer.nextInvoiceSequence('T1234567890123');
          await writer.insertInvoice({
            issuer: 'T1234567890123',
            sequence,
            invoiceNumber: 'T1234567890123-00000001',
            kind: 'invoice',
            contractId: 'N000000001',
            month: '2011-04',
            corrects: null,
            statementRevision: null,
            issuedAt: 'now',
            total: '0',
            invoiceJson: '{}',
            sha256: 's',
          });
        });
        await store.customers(null);
        await store.customers('N000000001');
        await store.invoices({ contractId: 'N000000001' });
        await store.invoices({ month: '2011-04' });
        await store.invoices({});
        await store.closedMonthList();
        await store.ingestedFiles();
        await store.revisionHistory('N000000001', '2011-04');
        const recyclable = ratedCall({ recordId: 'w-recycled', month: '2011-06', startMs: Date.UTC(2011, 5, 10) });
        const rejecting = await store.beginFile({
          name: 'w-rejects.csv',
          source: null,
          ingestedAt: '2011-06-11T00:00:00.000Z',
        });
        await rejecting.writeBatch({
          calls: [],
          rejects: [
            { line: 2, code: 'NO_TARIFF', message: 'no tariff', raw: 'w-recycled,…', record: recyclable },
            {
              line: 3,
              code: 'NO_TARIFF',
              message: 'no tariff',
              raw: 'w-still,…',
              record: { ...recyclable, recordId: 'w-still' },
            },
          ],
          duplicates: [],
          skips: [],
        });
        await rejecting.finish({
          sha256: 'sha-w-rejects',
          bytes: 2,
          encoding: 'utf8',
          read: 2,
          accepted: 0,
          rejected: 2,
          duplicates: 0,
          late: 0,
          skipped: 0,
          profile: null,
        });
        await store.rejects({ code: 'NO_TARIFF' });
        await store.transaction(async (writer) => {
          await writer.rejectsWithoutRecord(['NO_TARIFF']);
          const [first, second] = await writer.recyclableRejects(['NO_TARIFF']);
          await writer.updateReject(second!, 'NOT_CALLABLE', 'still not');
          await writer.acceptRecycled([{ reject: first!, call: recyclable, late: false, recycledAt: 'now' }]);
          await writer.addTotals([], []);
        });
        await store.transaction(async (writer) => {
          await writer.insertRevision({
            contractId: 'N000000001',
            month: '2011-04',
            revision: 1,
            createdAt: 'now',
            reason: 'r',
            statementJson: '{}',
            sha256: 's',
          });
          await writer.markMonthClosed('2011-04', 'now');
        });
        await store.readTransaction(async (reader) => {
          await reader.closedMonths();
          await reader.isMonthClosed('2011-04');
          await reader.monthContracts('2011-04');
          await reader.statementMonths('N000000001');
          await reader.contractTotals('N000000001', '2011-04');
          await reader.latestRevision('N000000001', '2011-04');
          await reader.revision('N000000001', '2011-04', 1);
          await reader.issuedRevisions('N000000001', '2011-04');
          await reader.fileControls();
          await reader.integrityCheck();
          await reader.doubleBilled('2011-04');
          await reader.callDetails({ contractId: 'N000000001', month: '2011-04', direction: 'all' });
          await reader.callMonths('N000000001');
          await reader.hasCalls('N000000001', '2011-04');
        });
        // files remove: w-race-1.csv's call goes, w-race-2.csv's duplicate of it is promoted.
        await store.transaction(async (writer) => {
          const [file] = await writer.filesMatching({ name: 'w-race-1.csv' });
          await writer.filesMatching({ sha256: file!.sha256 });
          const calls = await writer.fileCalls(file!.fileId);
          await writer.lockMonths(calls.map((call) => call.month));
          const [duplicate] = await writer.duplicatesOf(
            calls.map((call) => call.recordId),
            file!.fileId,
          );
          expect(await writer.recordIdsElsewhere([duplicate!.recordId], file!.fileId)).toEqual(new Set());
          const removal = {
            fileId: file!.fileId,
            removedAt: 'now',
            removedBy: 'w',
            reason: 'r',
            months: calls.map((call) => call.month),
          };
          expect(
            await writer.removeFile({ ...removal, promotions: [{ call: calls[0]!, duplicate: duplicate! }] }),
          ).toMatchObject({ calls: 0, promoted: 1 });
        });
        await store.migrate();
      } finally {
        await store.close();
      }
    } finally {
      observePostgresQueries(undefined);
      await fresh.drop();
    }
    const catalogued = new Set(Object.keys(QUERIES));
    const strays = [...seen].filter((name) => !catalogued.has(name) && !name.startsWith('ddl:'));
    expect(strays).toEqual([]);
    const unused = [...catalogued].filter((name) => !seen.has(name));
    expect(unused).toEqual([]);
    // Generated statements are only migrations and month partitions.
    expect(
      [...seen].filter((name) => name.startsWith('ddl:')).every((name) => /^ddl:(migration \d+|partition)$/.test(name)),
    ).toBe(true);
  });
});
