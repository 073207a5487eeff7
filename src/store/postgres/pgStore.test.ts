import { PG_MIGRATIONS } from './migrations';
import { StoreConfigurationError, StoreFailedError, StoreRaceError } from '../../errors';
import {
  createTestDatabase,
  describePostgres,
  PASSWORD_ROLE,
  useTestDatabase,
  withDatabase,
  queryRows as sql,
} from '../../test-support/postgres';
import { parseInt8, redactUrl } from './connection';
import { PgStore } from './pgStore';
import { applyCalls, heldFile, ratedCall } from '../../test-support/pgTestKit';
import { loadReferenceData } from '../../reference/referenceData';
import { removeFile } from '../../removal/removeFile';
import { ingestFile } from '../../ingest/ingestFile';
import { csv } from '../../test-support/tempStore';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RERATE_BATCH, totalsDiff } from '../rows';
import { TOTAL_BOUND } from '../totalsBound';
import { monthCallsRead } from '../../test-support/monthCallCounts';

test('int8 is read as an exact integer: a number while safe, else a bigint (never a float)', () => {
  expect(parseInt8('9007199254740991')).toBe(9007199254740991);
  expect(parseInt8('-9007199254740991')).toBe(-9007199254740991);
  expect(parseInt8('9007199254740993')).toBe(9007199254740993n);
  expect(parseInt8('0')).toBe(0);
});

test('a URL in a message never shows its password', () => {
  expect(redactUrl('postgres://meisai:s3cret@db.example:5432/billing')).toBe(
    'postgres://meisai:***@db.example:5432/billing',
  );
  expect(redactUrl('postgresql://meisai@db/billing?password=s3cret&sslmode=require')).toBe(
    'postgresql://meisai@db/billing?password=***&sslmode=require',
  );
});

describePostgres('the PostgreSQL store', () => {
  const database = useTestDatabase('pgstore');
  let store: PgStore;
  beforeAll(async () => {
    store = await PgStore.open(database.url, 'create');
  });
  afterAll(async () => {
    await store?.close();
  });

  test('migrations are recorded in schema_migrations, and opening again applies none', async () => {
    expect(await sql(database.url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      PG_MIGRATIONS.map((migration) => ({ version: String(migration.version) })),
    );
    const again = await PgStore.open(database.url, 'write');
    await again.close();
    expect(await sql(database.url, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([
      { n: PG_MIGRATIONS.length },
    ]);
  });

  test('a file is one transaction: calls, totals and the files row appear at its commit, in a month partition', async () => {
    const calls = [
      ratedCall({ recordId: 'a1' }),
      ratedCall({ recordId: 'a2', durationMs: 30_500, chargeScaled: 80_000 }),
      ratedCall({
        recordId: 'a3',
        direction: 'in',
        peer: '0311112222',
        peerClass: 'general',
        rateId: null,
        units: 0,
        chargeScaled: 0,
        chakuwariEligible: true,
      }),
      ratedCall({ recordId: 'a4', month: '2011-05', startMs: Date.UTC(2011, 4, 3) }),
    ];
    const applied = await applyCalls(store, 'a.csv', 'sha-a', calls);
    expect(applied).toEqual({ outcome: 'applied', accepted: 4, duplicates: 0, conflicts: 0 });
    const totals = await store.contractTotals('N000000001', '2011-04');
    expect(totals.typeTotals).toEqual([
      {
        contractId: 'N000000001',
        month: '2011-04',
        number: '05012345678',
        type: 'general',
        calls: 2,
        durationTenths: 915,
        chargeScaled: 320_000,
        chargeRemainderParts: 0,
      },
    ]);
    expect(totals.chakuwariTotals).toEqual([
      {
        contractId: 'N000000001',
        month: '2011-04',
        number: '05012345678',
        calls: 1,
        durationTenths: 610,
        durationMs: 61_000,
      },
    ]);
    const partitions = await sql(
      database.url,
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'calls'::regclass ORDER BY 1",
    );
    expect(partitions).toEqual([{ name: 'calls_2011_04' }, { name: 'calls_2011_05' }]);
    expect(await store.findFileBySha('sha-a')).toMatchObject({ name: 'a.csv', sha256: 'sha-a' });
    expect(await store.hasFileOfSize(400)).toBe(true);
    expect(await store.callMonths('N000000001')).toEqual(['2011-05', '2011-04']);
    expect(await store.statementMonths('N000000001')).toEqual(['2011-05', '2011-04']);
  });

  test('a stored record_id answers with its first sighting; the same content is a duplicate, other content a conflict', async () => {
    const applied = await applyCalls(store, 'b.csv', 'sha-b', [
      ratedCall({ recordId: 'a1' }),
      ratedCall({ recordId: 'a2', durationMs: 1 }),
      ratedCall({ recordId: 'b1', contractId: 'N000000002', number: '05099999999' }),
    ]);
    expect(applied).toEqual({ outcome: 'applied', accepted: 1, duplicates: 1, conflicts: 1 });
    const file = await store.beginFile({ name: 'probe.csv', source: null, ingestedAt: '2011-05-02T00:00:00.000Z' });
    const stored = await file.storedCalls(['a1', 'b1', 'none'].map((recordId) => ratedCall({ recordId })));
    await file.rollback();
    expect([...stored.keys()].sort()).toEqual(['a1', 'b1']);
    expect(stored.get('a1')).toEqual([
      {
        contractId: 'N000000001',
        number: '05012345678',
        direction: 'out',
        peer: '0312345678',
        startMs: Date.UTC(2011, 3, 10),
        durationMs: 61_000,
        fileName: 'a.csv',
        line: 2,
      },
    ]);
    const controls = (await store.fileControls()).values;
    expect(controls.find((row) => row.name === 'b.csv')).toMatchObject({
      recordsRead: 3,
      accepted: 1,
      rejected: 1,
      duplicates: 1,
      callRows: 1,
      rejectRows: 1,
      duplicateRows: 1,
    });
    expect((await store.integrityCheck()).problems).toEqual([]);
  });

  test('the same content again is already ingested, and a rolled back file leaves nothing', async () => {
    expect((await applyCalls(store, 'a-again.csv', 'sha-a', [ratedCall({ recordId: 'z9' })])).outcome).toBe(
      'already-ingested',
    );
    const file = await store.beginFile({ name: 'dropped.csv', source: null, ingestedAt: '2011-05-02T00:00:00.000Z' });
    await file.writeBatch({
      calls: [{ call: ratedCall({ recordId: 'dropped' }), line: 2, late: false }],
      rejects: [],
      duplicates: [],
      skips: [],
    });
    await file.rollback();
    const probe = await store.beginFile({ name: 'probe.csv', source: null, ingestedAt: '2011-05-02T00:00:00.000Z' });
    expect((await probe.storedCalls(['z9', 'dropped'].map((recordId) => ratedCall({ recordId })))).size).toBe(0);
    await probe.rollback();
    expect((await store.fileControls()).values.map((row) => row.name)).toEqual(['a.csv', 'b.csv']);
  });

  test('a rejected line is kept as read, a NUL in it too', async () => {
    const file = await store.beginFile({ name: 'nul.csv', source: null, ingestedAt: '2011-05-02T00:00:00.000Z' });
    await file.writeBatch({
      calls: [],
      rejects: [
        { line: 2, code: 'BAD_CHARACTER', message: 'a control character', raw: 'K2,N1,\u0000,é', record: null },
      ],
      duplicates: [],
      skips: [],
    });
    expect(
      await file.finish({
        sha256: 'sha-nul',
        bytes: 1,
        encoding: 'utf8',
        read: 1,
        accepted: 0,
        rejected: 1,
        duplicates: 0,
        late: 0,
        skipped: 0,
        profile: null,
      }),
    ).toBe('applied');
    const raw = await sql(database.url, "SELECT raw FROM rejects WHERE code = 'BAD_CHARACTER'");
    expect((raw[0]!.raw as Buffer).toString('utf8')).toBe('K2,N1,\u0000,é');
  });

  test('money and durations round-trip exactly up to the largest safe integer; beyond it a read is a damaged row', async () => {
    const big = Number.MAX_SAFE_INTEGER;
    // A total at the bound is what a file may store (store/totalsBound.ts); past it, up to the
    // largest safe integer, only a store written before the bound holds: set by hand here.
    await applyCalls(store, 'big.csv', 'sha-big', [
      ratedCall({ recordId: 'big1', contractId: 'N000000009', chargeScaled: TOTAL_BOUND, durationMs: 100, units: 1 }),
    ]);
    expect((await store.contractTotals('N000000009', '2011-04')).typeTotals[0]!.chargeScaled).toBe(TOTAL_BOUND);
    await sql(
      database.url,
      `UPDATE number_type_totals SET charge_scaled = ${big - 1} WHERE contract_id = 'N000000009'`,
    );
    await sql(database.url, `UPDATE calls SET charge_scaled = ${big - 1} WHERE record_id = 'big1'`);
    const totals = await store.contractTotals('N000000009', '2011-04');
    expect(totals.typeTotals[0]!.chargeScaled).toBe(big - 1);
    const details = await store.callDetails({ contractId: 'N000000009', month: '2011-04', direction: 'all' });
    expect(details[0]).toMatchObject({
      chargeScaled: big - 1,
      late: 0,
      unratedCode: null,
      fileName: 'big.csv',
      line: 2,
    });
    await sql(
      database.url,
      "UPDATE number_type_totals SET charge_scaled = charge_scaled + 10 WHERE contract_id = 'N000000009'",
    );
    await expect(store.contractTotals('N000000009', '2011-04')).rejects.toThrow(StoreFailedError);
    await expect(store.contractTotals('N000000009', '2011-04')).rejects.toThrow(
      /charge_scaled is the number 9007199254741000, not an integer/,
    );
    const stored = await store.storedTotals({ month: '2011-04', contractId: 'N000000009' });
    expect(stored.values.typeTotals).toEqual([]);
    expect(stored.unreadable).toHaveLength(1);
  });

  test('call details sort by number, start and record_id in byte order (as SQLite)', async () => {
    await applyCalls(store, 'order.csv', 'sha-order', [
      ratedCall({ recordId: 'b', contractId: 'N000000003', startMs: Date.UTC(2011, 3, 2) }),
      ratedCall({ recordId: 'B', contractId: 'N000000003', startMs: Date.UTC(2011, 3, 2) }),
      ratedCall({ recordId: 'a', contractId: 'N000000003', startMs: Date.UTC(2011, 3, 3) }),
      ratedCall({ recordId: '_', contractId: 'N000000003', startMs: Date.UTC(2011, 3, 2) }),
    ]);
    const details = await store.callDetails({ contractId: 'N000000003', month: '2011-04', direction: 'out' });
    expect(details.map((call) => call.recordId)).toEqual(['B', '_', 'b', 'a']);
    expect(await store.hasCalls('N000000003', '2011-04', '05012345678')).toBe(true);
    expect(await store.hasCalls('N000000003', '2011-04', '05000000000')).toBe(false);
  });

  test('a re-rate in a month transaction: new ratings, unrated calls, a totals diff; calls and billed calls read in batches', async () => {
    const scope = { month: '2011-04', contractId: 'N000000001' };
    const before = [];
    for await (const batch of store.monthCallBatches(scope)) before.push(...batch);
    expect(before.map((call) => call.recordId)).toEqual(['a1', 'a2', 'a3']);
    expect(before[0]).toMatchObject({
      late: false,
      peerIsNumber: true,
      rating: { peerClass: 'general', units: 3, chargeScaled: 240_000, unratedCode: null, chakuwariEligible: false },
    });
    const wanted = {
      typeTotals: [
        {
          contractId: 'N000000001',
          month: '2011-04',
          number: '05012345678',
          type: 'general' as const,
          calls: 1,
          durationTenths: 610,
          chargeScaled: 500_000,
          chargeRemainderParts: 0,
        },
      ],
      chakuwariTotals: [],
    };
    await store.transaction(
      async (writer) => {
        await writer.applyReratings([
          { recordId: 'a1', rated: ratedCall({ recordId: 'a1', chargeScaled: 500_000, units: 5 }) },
          { recordId: 'a2', unratedCode: 'NOT_CALLABLE', contractId: 'N000000001', month: '2011-04' },
        ]);
        const diff = totalsDiff((await writer.storedTotals(scope)).values, wanted);
        expect(diff).toEqual({
          ...wanted,
          goneTypeTotals: [],
          goneChakuwariTotals: [{ contractId: 'N000000001', number: '05012345678' }],
        });
        await writer.applyTotalsDiff(scope, diff);
        expect(totalsDiff((await writer.storedTotals(scope)).values, wanted)).toEqual({
          typeTotals: [],
          chakuwariTotals: [],
          goneTypeTotals: [],
          goneChakuwariTotals: [],
        });
      },
      { lockKey: 'month:2011-04' },
    );
    const read = await monthCallsRead(store, scope);
    expect(read.counts).toEqual({ billed: 2, late: 0, unratedByCode: { NOT_CALLABLE: 1 } });
    expect(read.heldOutContracts).toEqual(['N000000001']);
    const billed = read.billed;
    // a1 (re-rated) and a3; a2 is unrated now, out of the bill. Billed calls carry the fields totals are made of, no more.
    expect(billed).toHaveLength(2);
    expect(billed).toContainEqual(expect.objectContaining({ chargeScaled: 500_000, chakuwariEligible: false }));
    for (const call of billed)
      expect(Object.keys(call).sort()).toEqual([
        'chakuwariEligible',
        'chargeRemainderParts',
        'chargeScaled',
        'contractId',
        'direction',
        'durationMs',
        'month',
        'number',
        'peerClass',
      ]);
    expect(await store.contractTotals('N000000001', '2011-04')).toEqual(wanted);
    expect(await store.revisedContracts({ month: '2011-04', contractId: null })).toEqual([]);
  });

  test('a month of more calls than one batch is read whole, each call once, by the key after the last one', async () => {
    const calls = Array.from({ length: 2 * RERATE_BATCH + 50 }, (_, index) =>
      ratedCall({
        recordId: `many-${String(index).padStart(6, '0')}`,
        contractId: index % 2 === 0 ? 'N000000500' : 'N000000501',
        month: '2011-08',
        startMs: Date.UTC(2011, 7, 1),
      }),
    );
    await applyCalls(store, 'many.csv', 'sha-many', calls, { batch: 5000 });
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of store.monthCallBatches({ month: '2011-08', contractId: null })) {
      batches += 1;
      seen.push(...batch.map((call) => call.recordId));
    }
    expect(batches).toBe(3);
    expect(new Set(seen).size).toBe(2 * RERATE_BATCH + 50);
    let one = 0;
    for await (const batch of store.monthCallBatches({ month: '2011-08', contractId: 'N000000501' }))
      one += batch.length;
    expect(one).toBe(RERATE_BATCH + 25);
  });

  test('revisions and closed months', async () => {
    await store.transaction(
      async (writer) => {
        await writer.insertRevision({
          contractId: 'N000000001',
          month: '2011-04',
          revision: 1,
          createdAt: 'now',
          reason: 'month closed',
          statementJson: '{}\n',
          sha256: 'x',
        });
        await writer.markMonthClosed('2011-04', 'now');
      },
      { lockKey: 'month:2011-04' },
    );
    expect(await store.latestRevision('N000000001', '2011-04')).toMatchObject({
      revision: 1,
      reason: 'month closed',
      statementJson: '{}\n',
    });
    expect(await store.revision('N000000001', '2011-04', 2)).toBeUndefined();
    expect(await store.closedMonths()).toEqual(new Set(['2011-04']));
    expect(await store.isMonthClosed('2011-05')).toBe(false);
    expect(await store.issuedRevisions('N000000001', '2011-04')).toEqual({
      values: [{ revision: 1, statementJson: '{}\n', sha256: 'x' }],
      unreadable: [],
    });
    expect(await store.revisedContracts({ month: '2011-04', contractId: 'N000000001' })).toEqual(['N000000001']);
    expect(await store.contractsOfMonth({ month: '2011-04', contractId: null })).toEqual([
      'N000000001',
      'N000000002',
      'N000000003',
      'N000000009',
    ]);
    expect(await store.contractsOfMonth({ month: '2011-08', contractId: 'N000000501' })).toEqual(['N000000501']);
    expect(await store.monthContracts('2011-04')).toEqual(['N000000001', 'N000000002', 'N000000003', 'N000000009']);
  });

  test('a read snapshot sees a file whole or not at all', async () => {
    await store.readTransaction(async (reader) => {
      const before = await reader.callMonths('N000000077');
      await applyCalls(store, 'snap.csv', 'sha-snap', [ratedCall({ recordId: 'snap1', contractId: 'N000000077' })]);
      expect(await reader.callMonths('N000000077')).toEqual(before);
    });
    expect(await store.callMonths('N000000077')).toEqual(['2011-04']);
  });
});

describePostgres('opening a PostgreSQL store', () => {
  test('an empty database is a new store only for ingest (create)', async () => {
    const database = await createTestDatabase('empty');
    try {
      await expect(PgStore.open(database.url, 'read')).rejects.toThrow(StoreConfigurationError);
      await expect(PgStore.open(database.url, 'write')).rejects.toThrow(/has no meisai schema yet: run meisai migrate/);
      await sql(database.url, 'CREATE TABLE someone_elses (n int)');
      await expect(PgStore.open(database.url, 'create')).rejects.toThrow(
        /is not a meisai store: its schema has tables \(someone_elses…\) but no schema_migrations/,
      );
    } finally {
      await database.drop();
    }
  });

  test("meisai's schema_migrations without the tables, a missing migration row, an older schema: a read refuses and never migrates", async () => {
    const database = await createTestDatabase('damaged');
    try {
      await sql(
        database.url,
        'CREATE TABLE schema_migrations (version bigint PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)',
      );
      for (const migration of PG_MIGRATIONS)
        await sql(database.url, 'INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
          migration.version,
          migration.description,
          'x',
        ]);
      await expect(PgStore.open(database.url, 'read')).rejects.toThrow(
        /is not a meisai store: it has meisai's schema_migrations table but none of a store's tables/,
      );
      await expect(PgStore.open(database.url, 'write')).rejects.toThrow(
        /is not a meisai store: it has meisai's schema_migrations table but none of a store's tables/,
      );
      await sql(database.url, 'DROP TABLE schema_migrations');
      await (await PgStore.open(database.url, 'create')).close();
      await sql(database.url, 'DELETE FROM schema_migrations WHERE version = 5');
      const latest = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
      await expect(PgStore.open(database.url, 'read')).rejects.toThrow(
        `is not a meisai store: its schema_migrations says version ${latest} but lacks the row of migration 5`,
      );
      await sql(database.url, "INSERT INTO schema_migrations VALUES (5, $1, 'x')", [
        PG_MIGRATIONS.find((migration) => migration.version === 5)!.description,
      ]);
      await sql(database.url, 'DELETE FROM schema_migrations WHERE version = $1', [latest]);
      const refused = await PgStore.open(database.url, 'read').catch((error: unknown) => error);
      expect((refused as Error).message).toMatch(
        new RegExp(
          `has schema version ${latest - 1}, older than this meisai's \\(${latest}\\): run meisai migrate --db .* first \\(a read never migrates\\)$`,
        ),
      );
      expect(await sql(database.url, 'SELECT max(version)::int AS v FROM schema_migrations')).toEqual([
        { v: latest - 1 },
      ]);
    } finally {
      await database.drop();
    }
  });

  test('a server that is not there, or a database that does not exist: one line naming --db without the password', async () => {
    const nowhere = 'postgres://meisai:s3cret@127.0.0.1:1/billing';
    const refused = await PgStore.open(nowhere, 'read').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreConfigurationError);
    expect((refused as Error).message).toBe(
      'cannot connect to the PostgreSQL store --db postgres://meisai:***@127.0.0.1:1/billing (ECONNREFUSED): is the server running, and are the host and port right?',
    );
    const missing = withDatabase(process.env.MEISAI_TEST_PG_URL!, 'no_such_database').replace(
      'postgres@',
      'postgres:pw@',
    );
    const absent = await PgStore.open(missing, 'read').catch((error: unknown) => error);
    expect(absent).toBeInstanceOf(StoreConfigurationError);
    expect((absent as Error).message).toMatch(
      /^the database of the PostgreSQL store --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/no_such_database does not exist \(3D000\)/,
    );
    expect((absent as Error).message).not.toContain('pw');
  });

  test('a refused login: one line naming the user, never the password given', async () => {
    const server = process.env.MEISAI_TEST_PG_URL!;
    await sql(
      server,
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${PASSWORD_ROLE}') THEN CREATE ROLE ${PASSWORD_ROLE} LOGIN PASSWORD 'the-right-one'; END IF; END $$`,
    );
    const url = new URL(server);
    url.username = PASSWORD_ROLE;
    url.password = 'Wr0ngSecret';
    const refused = await PgStore.open(url.toString(), 'read').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreConfigurationError);
    const message = (refused as Error).message;
    expect(message).toMatch(
      /^the PostgreSQL store --db postgres:\/\/meisai_password_test:\*\*\*@127\.0\.0\.1:\d+\/postgres refused the login \(28P01: password authentication failed for user "meisai_password_test"\): check the user and password$/,
    );
    expect(message).not.toContain('Wr0ngSecret');
    expect(message.split('\n')).toHaveLength(1);
  });
});

describePostgres('concurrent files on PostgreSQL', () => {
  const database = useTestDatabase('concurrent');
  let stores: PgStore[];
  beforeAll(async () => {
    stores = await Promise.all([1, 2, 3, 4].map(() => PgStore.open(database.url, 'create')));
  });
  afterAll(async () => {
    await Promise.all((stores ?? []).map((store) => store.close()));
  });

  test('totals added by 16 files at once sum exactly (no lost update)', async () => {
    await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        applyCalls(stores[index % 4]!, `t${index}.csv`, `sha-t${index}`, [
          ratedCall({ recordId: `t${index}-1`, contractId: 'N000000100', chargeScaled: 10_001 }),
          ratedCall({
            recordId: `t${index}-2`,
            contractId: 'N000000100',
            chargeScaled: 20_002,
            month: '2011-06',
            startMs: Date.UTC(2011, 5, 1),
          }),
        ]),
      ),
    );
    const april = await stores[0]!.contractTotals('N000000100', '2011-04');
    const june = await stores[0]!.contractTotals('N000000100', '2011-06');
    expect(april.typeTotals[0]).toMatchObject({ calls: 16, chargeScaled: 16 * 10_001, durationTenths: 16 * 610 });
    expect(june.typeTotals[0]).toMatchObject({ calls: 16, chargeScaled: 16 * 20_002 });
  });

  test('a record_id written by a file not yet committed: the second file waits, then settles that batch again (a duplicate, as in a sequential run)', async () => {
    const first = await heldFile(stores[0]!, 'r1.csv', 'sha-r1', [
      ratedCall({ recordId: 'race-1', contractId: 'N000000200' }),
    ]);
    // Its first batch is written before the race; the second meets race-1 and waits for the first file.
    const second = applyCalls(
      stores[1]!,
      'r2.csv',
      'sha-r2',
      [
        ratedCall({ recordId: 'race-0', contractId: 'N000000200' }),
        ratedCall({ recordId: 'race-1', contractId: 'N000000200' }),
      ],
      { batch: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.release();
    expect(await first.done).toMatchObject({ outcome: 'applied', accepted: 1 });
    expect(await second).toEqual({ outcome: 'applied', accepted: 1, duplicates: 1, conflicts: 0 });
    expect((await stores[0]!.contractTotals('N000000200', '2011-04')).typeTotals[0]).toMatchObject({ calls: 2 });
  });

  test('files remove waits for a file still writing calls of its month (the exclusive side of the month lock), then removes', async () => {
    await applyCalls(stores[0]!, 'x1.csv', 'sha-x1', [ratedCall({ recordId: 'x-1', contractId: 'N000000210' })]);
    const writing = await heldFile(stores[1]!, 'x2.csv', 'sha-x2', [
      ratedCall({ recordId: 'x-2', contractId: 'N000000210' }),
    ]);
    let finished = false;
    const removal = removeFile(stores[2]!, loadReferenceData(), {
      selector: { name: 'x1.csv' },
      reason: 'test',
      removedBy: 'test',
      force: false,
      dryRun: false,
      removedAt: '2011-05-03T00:00:00.000Z',
    }).then((result) => {
      finished = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false);
    writing.release();
    expect(await writing.done).toMatchObject({ outcome: 'applied', accepted: 1 });
    expect(await removal).toMatchObject({ removed: { calls: 1 } });
    // x2.csv's call, committed before the removal went on, is in the rebuilt totals.
    expect((await stores[0]!.contractTotals('N000000210', '2011-04')).typeTotals[0]).toMatchObject({
      calls: 1,
      chargeScaled: 240_000,
    });
  });

  test('a re-send of a call that files remove is taking away waits for the removal, then is stored as the call', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'meisai-removal-race-'));
    const write = (name: string, rows: string[]): string => {
      writeFileSync(join(directory, name), csv(rows));
      return join(directory, name);
    };
    const reference = loadReferenceData();
    try {
      const row = 'y-1,N000000220,05012345678,out,03-1234-5678,2011-04-01 09:15:02,60';
      await ingestFile(stores[0]!, reference, write('y1.csv', [row]));
      let commit!: () => void;
      const gate = new Promise<void>((resolve) => (commit = resolve));
      let removing!: () => void;
      const removed = new Promise<void>((resolve) => (removing = resolve));
      const removal = stores[2]!.transaction(async (writer) => {
        const [file] = await writer.filesMatching({ name: 'y1.csv' });
        const calls = await writer.fileCalls(file!.fileId);
        await writer.lockMonths(['2011-04']);
        await writer.removeFile({
          fileId: file!.fileId,
          removedAt: 'now',
          removedBy: 'test',
          reason: 'test',
          months: ['2011-04'],
          promotions: [],
        });
        removing();
        await gate;
        return calls.length;
      });
      await removed;
      // The re-send finds y-1 stored (the removal has not committed): a duplicate, until it holds 2011-04.
      const resend = ingestFile(
        stores[1]!,
        reference,
        write('y2.csv', [row, 'y-2,N000000220,05012345678,out,03-1234-5678,2011-04-02 09:15:02,60']),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      commit();
      expect(await removal).toBe(1);
      expect(await resend).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(
        (await stores[0]!.callDetails({ contractId: 'N000000220', month: '2011-04', direction: 'all' })).map((call) => [
          call.recordId,
          call.fileName,
        ]),
      ).toEqual([
        ['y-1', 'y2.csv'],
        ['y-2', 'y2.csv'],
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('a record_id raced with other content is a CONFLICT of the second file, its earlier batches kept', async () => {
    const first = await heldFile(stores[0]!, 'c1.csv', 'sha-c1', [
      ratedCall({ recordId: 'race-c1', contractId: 'N000000201' }),
    ]);
    const second = applyCalls(
      stores[1]!,
      'c2.csv',
      'sha-c2',
      [
        ratedCall({ recordId: 'race-c0', contractId: 'N000000201' }),
        ratedCall({ recordId: 'race-c1', contractId: 'N000000201', durationMs: 99_000 }),
      ],
      { batch: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.release();
    await first.done;
    expect(await second).toEqual({ outcome: 'applied', accepted: 1, duplicates: 0, conflicts: 1 });
    expect((await stores[0]!.contractTotals('N000000201', '2011-04')).typeTotals[0]).toMatchObject({ calls: 2 });
  });

  test('the same content applied by two workers at once is applied once', async () => {
    const results = await Promise.allSettled(
      [0, 1].map((worker) =>
        applyCalls(stores[worker]!, `same${worker}.csv`, 'sha-same', [
          ratedCall({ recordId: 'same-1', contractId: 'N000000300' }),
        ]),
      ),
    );
    const outcomes = results.map((result) =>
      result.status === 'fulfilled' ? result.value.outcome : (result.reason as Error).constructor.name,
    );
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1);
    expect(outcomes.every((outcome) => ['applied', 'already-ingested', 'StoreRaceError'].includes(outcome))).toBe(true);
    expect((await stores[0]!.contractTotals('N000000300', '2011-04')).typeTotals[0]).toMatchObject({ calls: 1 });
  });

  test('a claim of a file name is held by one worker at a time', async () => {
    const claim = await stores[0]!.claimFile('day-1.csv');
    expect(claim).not.toBeNull();
    expect(await stores[1]!.claimFile('day-1.csv')).toBeNull();
    const waiting = stores[1]!.claimFile('day-1.csv', { wait: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await claim!.release();
    const again = await waiting;
    expect(again).not.toBeNull();
    await again!.release();
  });

  test("another worker's claim shows to claimedElsewhere until it is released; a worker's own does not", async () => {
    const claim = await stores[0]!.claimFile('day-2.csv');
    expect(await stores[1]!.claimedElsewhere(['day-1.csv', 'day-2.csv'])).toBe(true);
    expect(await stores[1]!.claimedElsewhere(['day-1.csv', 'day-3.csv'])).toBe(false);
    await claim!.release();
    expect(await stores[1]!.claimedElsewhere(['day-2.csv'])).toBe(false);
  });

  test('a month transaction (rerate, close) waits for a file writing that month, and a file then finds it closed', async () => {
    const order: string[] = [];
    let releaseFile!: () => void;
    const fileHolds = new Promise<void>((resolve) => {
      releaseFile = resolve;
    });
    let fileWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      fileWrote = resolve;
    });
    const file = applyCalls(
      stores[0]!,
      'm1.csv',
      'sha-m1',
      [ratedCall({ recordId: 'm-1', contractId: 'N000000400', month: '2011-07', startMs: Date.UTC(2011, 6, 1) })],
      {
        beforeFinish: async () => {
          fileWrote();
          await fileHolds;
          order.push('file committed');
        },
      },
    );
    await wrote;
    const close = stores[1]!.transaction(
      async (writer) => {
        order.push('close runs');
        await writer.markMonthClosed('2011-07', 'now');
      },
      { lockKey: 'month:2011-07' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    releaseFile();
    await file;
    await close;
    expect(order).toEqual(['file committed', 'close runs']);

    // A file that settled its calls before the close committed finds the month closed when it writes them.
    const late = await applyCalls(
      stores[2]!,
      'm2.csv',
      'sha-m2',
      [ratedCall({ recordId: 'm-2', contractId: 'N000000400', month: '2011-07', startMs: Date.UTC(2011, 6, 2) })],
      {
        closed: new Set(),
      },
    ).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(StoreRaceError);
    expect((late as Error).message).toMatch(/2011-07 was closed while this file was applied/);
    expect(
      await applyCalls(stores[2]!, 'm2.csv', 'sha-m2', [
        ratedCall({ recordId: 'm-2', contractId: 'N000000400', month: '2011-07', startMs: Date.UTC(2011, 6, 2) }),
      ]),
    ).toMatchObject({
      outcome: 'applied',
    });
    expect((await monthCallsRead(stores[0]!, { month: '2011-07', contractId: 'N000000400' })).counts).toEqual({
      billed: 1,
      late: 1,
      unratedByCode: {},
    });
  });
});
