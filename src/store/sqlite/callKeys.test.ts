import Database from 'better-sqlite3';
import fc from 'fast-check';
import { ingestFile } from '../../ingest/ingestFile';
import { loadReferenceData } from '../../reference/referenceData';
import { createWorkspace, csv, TempWorkspace } from '../../test-support/tempStore';
import { KeyTable, recordKey, RunList } from './callKeys';
import { MIGRATIONS } from './migrations';
import { SqliteStore } from './sqliteStore';
import { openStore } from './connection';
import { monthCallsRead } from '../../test-support/monthCallCounts';

const reference = loadReferenceData();

function candidates(table: KeyTable, key: number): Set<number> {
  const found = new Set<number>();
  table.addCandidates(key, found);
  return found;
}

describe('the key table', () => {
  test('gives back every call_id stored under a key, and only those, however many share it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 0xffff_ffff })), {
          maxLength: 3000,
        }),
        (entries) => {
          const table = new KeyTable();
          const expected = new Map<number, number[]>();
          for (const [key, callId] of entries) {
            table.add(key, callId);
            expected.set(key, [...(expected.get(key) ?? []), callId]);
          }
          expect(table.size).toBe(entries.length);
          for (let key = 1; key <= 41; key += 1) expect(candidates(table, key)).toEqual(new Set(expected.get(key)));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a key found is exact: keys alike in every bit but one are told apart, in each of the 32', () => {
    const table = new KeyTable();
    const base = 0x9e37_79b9;
    table.add(base, 1);
    for (let bit = 0; bit < 32; bit += 1) table.add((base ^ (1 << bit)) >>> 0, bit + 2);
    expect(candidates(table, base)).toEqual(new Set([1]));
    for (let bit = 0; bit < 32; bit += 1)
      expect(candidates(table, (base ^ (1 << bit)) >>> 0)).toEqual(new Set([bit + 2]));
  });

  test("a month's keys cost fewer than 11 bytes a call, read into a table of their size or grown call by call", () => {
    // 7 bytes a slot: at most 80% full (8.75 bytes a call, and room for the parts' spread), a quarter larger when full (7 / 0.64 = 10.9).
    for (const calls of [100_000, 390_000, 1_000_000]) {
      const grown = new KeyTable();
      const read = new KeyTable(calls);
      for (let callId = 1; callId <= calls; callId += 1) {
        const key = spread(callId);
        grown.add(key, callId);
        read.add(key, callId);
      }
      expect(grown.bytes / calls).toBeLessThan(11);
      expect(read.bytes / calls).toBeLessThan(calls >= 1_000_000 ? 9.5 : 11);
    }
  });

  test('a record key is a non-zero 32-bit integer, the same for the same record_id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (recordId) => {
        const key = recordKey(recordId);
        expect(Number.isInteger(key) && key >= 1 && key <= 0xffff_ffff).toBe(true);
        expect(recordKey(recordId)).toBe(key);
      }),
    );
  });
});

/** Distinct, well-spread non-zero 32-bit keys for 1, 2, 3, … (murmur3's finaliser, a bijection). */
function spread(value: number): number {
  let hash = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0 || 1;
}

/** Two record_ids whose 32-bit keys are equal (found by a search over K0, K1, …; the test checks they still are). */
const COLLIDING: [string, string] = ['K47199', 'K1168204'];

describe('de-duplication without a record_id index (SQLite)', () => {
  let workspace: TempWorkspace;
  beforeEach(() => {
    workspace = createWorkspace();
  });
  afterEach(() => workspace.cleanUp());

  const call = (recordId: string, start = '2011-04-02 10:00:00', duration = '60'): string =>
    `${recordId},N000000001,05012345678,out,0312345678,${start},${duration}`;

  test('two record_ids with the same key are two calls; each sent again is a duplicate, changed a conflict', async () => {
    const [first, second] = COLLIDING;
    expect(recordKey(first)).toBe(recordKey(second));
    const one = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('one.csv', csv([call(first), call(second)])),
    );
    expect(one).toMatchObject({ accepted: 2, duplicates: 0, rejected: {} });
    const two = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('two.csv', csv([call(second), call(first, '2011-04-02 10:00:00', '61')])),
    );
    expect(two).toMatchObject({ accepted: 0, duplicates: 1, rejected: { CONFLICT: 1 } });
  });

  test('a record sent again is found by a later run (a new connection), and by a run that did not see the other writer', async () => {
    await ingestFile(workspace.store, reference, workspace.writeFile('a.csv', csv([call('R1'), call('R2')])));
    // Another connection (another process's run) adds R3 between this connection's files.
    const other = new SqliteStore(openStore(workspace.dbPath, 'write'));
    await ingestFile(other, reference, workspace.writeFile('b.csv', csv([call('R3')])));
    await other.close();
    const again = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('c.csv', csv([call('R3'), call('R1'), call('R4')])),
    );
    expect(again).toMatchObject({ accepted: 1, duplicates: 2 });
    const fresh = new SqliteStore(openStore(workspace.dbPath, 'write'));
    expect(
      await ingestFile(fresh, reference, workspace.writeFile('d.csv', csv([call('R4'), call('R2')]))),
    ).toMatchObject({ accepted: 0, duplicates: 2 });
    await fresh.close();
  });

  test('a file refused midway leaves no keys behind: its records are new to the next file', async () => {
    const refused = workspace.writeFile('refused.csv', csv([call('S1'), call('S2'), 'S3,N000000001,05012345678,out']));
    await expect(ingestFile(workspace.store, reference, refused, { maxRejectRate: '0.1' })).rejects.toThrow(/refused/);
    expect(
      await ingestFile(workspace.store, reference, workspace.writeFile('next.csv', csv([call('S1'), call('S2')]))),
    ).toMatchObject({ accepted: 2, duplicates: 0 });
  });

  test('record_ids are looked up in the month of start and the months on either side: two months on, the same id is another call', async () => {
    await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('april.csv', csv([call('M1', '2011-04-30 23:59:00')])),
    );
    const may = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('may.csv', csv([call('M1', '2011-05-01 00:01:00')])),
    );
    expect(may).toMatchObject({ accepted: 0, duplicates: 0, rejected: { CONFLICT: 1 } });
    const june = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('june.csv', csv([call('M1', '2011-06-01 00:01:00')])),
    );
    expect(june).toMatchObject({ accepted: 1, duplicates: 0, rejected: {} });
    const resent = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('resent.csv', csv([call('M1', '2011-04-30 23:59:00', '60.0')])),
    );
    expect(resent).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  test("a file spanning two months: each month's calls, contracts and counts are its own", async () => {
    const lines: string[] = [];
    for (let index = 0; index < 300; index += 1) {
      const contract = `N00000000${1 + (index % 3)}`;
      const start = index % 2 === 0 ? '2011-04-30 12:00:00' : '2011-05-01 12:00:00';
      lines.push(`X${index},${contract},0501234567${index % 3},out,0312345678,${start},30`);
    }
    await ingestFile(workspace.store, reference, workspace.writeFile('span.csv', csv(lines)));
    const store = workspace.store;
    expect((await monthCallsRead(store, { month: '2011-04', contractId: null })).counts).toEqual({
      billed: 150,
      late: 0,
      unratedByCode: {},
    });
    expect((await monthCallsRead(store, { month: '2011-05', contractId: 'N000000002' })).counts).toEqual({
      billed: 50,
      late: 0,
      unratedByCode: {},
    });
    expect(await store.contractsOfMonth({ month: '2011-05', contractId: null })).toEqual([
      'N000000001',
      'N000000002',
      'N000000003',
    ]);
    expect(await store.callMonths('N000000003')).toEqual(['2011-05', '2011-04']);
    const details = await store.callDetails({ contractId: 'N000000001', month: '2011-04', direction: 'all' });
    expect(details).toHaveLength(50);
    expect(details.every((detail) => detail.number === '05012345670')).toBe(true);
    let batched = 0;
    for await (const calls of store.monthCallBatches({ month: '2011-05', contractId: null })) {
      batched += calls.length;
      expect(calls.every((stored) => stored.storeRow !== undefined && stored.startMs === Date.UTC(2011, 4, 1, 3))).toBe(
        true,
      );
    }
    expect(batched).toBe(150);
  });
});

describe('migration 6: calls keyed by month', () => {
  let workspace: TempWorkspace;
  beforeEach(() => {
    workspace = createWorkspace();
    workspace.db.close();
  });
  afterEach(() => workspace.cleanUp());

  test("a version 5 store's calls keep their rows and become de-duplication keys and index rows", async () => {
    const path = `${workspace.directory}/v5.sqlite`;
    const db = new Database(path);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const migration of MIGRATIONS.filter((candidate) => candidate.version <= 5)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.description,
        '2026-11-01T00:00:00Z',
      );
    }
    db.exec(`
      INSERT INTO files (file_id, name, sha256, bytes, encoding, source, ingested_at, records_read, accepted, rejected, duplicates)
        VALUES (3, 'old.csv', 'abc', 100, 'utf8', NULL, '2026-11-01', 2, 2, 0, 0);
      INSERT INTO calls (record_id, file_id, line, contract_id, number, direction, peer, peer_is_number, start_ms, duration_ms, month,
                         peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, plan_id)
        VALUES ('OLD1', 3, 2, 'N000000001', '05012345678', 'out', '0312345678', 1, ${Date.UTC(2011, 3, 2, 1)}, 60000, '2011-04',
                'general', 'T', 'P', 'GENERAL', NULL, 1, 80000, 0, 'STANDARD'),
               ('OLD2', 3, 3, 'N000000002', '05012345679', 'out', '0312345678', 1, ${Date.UTC(2011, 4, 2, 1)}, 60000, '2011-05',
                'general', 'T', 'P', 'GENERAL', NULL, 1, 80000, 0, 'STANDARD');`);
    db.close();

    const store = SqliteStore.open(path, 'write');
    try {
      expect(await store.schemaVersion()).toBe(Math.max(...MIGRATIONS.map((migration) => migration.version)));
      expect(store.db.prepare('SELECT call_id, record_id FROM calls ORDER BY call_id').all()).toEqual([
        { call_id: 1, record_id: 'OLD1' },
        { call_id: 2, record_id: 'OLD2' },
      ]);
      expect(store.db.prepare('SELECT month, contract_id, call_id FROM call_index ORDER BY month').all()).toEqual([
        { month: '2011-04', contract_id: 'N000000001', call_id: 1 },
        { month: '2011-05', contract_id: 'N000000002', call_id: 2 },
      ]);
      expect(await store.callMonths('N000000002')).toEqual(['2011-05']);
      // The old call is found by its key: the same record again is a duplicate, not a second call.
      const again = workspace.writeFile(
        'again.csv',
        csv([
          'OLD1,N000000001,05012345678,out,0312345678,2011-04-02 10:00:00,60',
          'NEW1,N000000001,05012345678,out,0312345678,2011-04-02 10:00:00,60',
        ]),
      );
      expect(await ingestFile(store, reference, again)).toMatchObject({ accepted: 1, duplicates: 1 });
      expect(store.db.prepare('SELECT MAX(call_id) AS last FROM calls').get()).toEqual({ last: 3 });
    } finally {
      await store.close();
    }
  });
});

describe('the run list', () => {
  test('gives back each code pushed, by position, however the runs fall', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 50 })), { maxLength: 30 }),
        (runs) => {
          const list = new RunList();
          const expected: number[] = [];
          for (const [code, length] of runs) {
            for (let index = 0; index < length; index += 1) {
              list.push(code);
              expected.push(code);
            }
          }
          expect(list.length).toBe(expected.length);
          expected.forEach((code, index) => expect(list.at(index)).toBe(code));
        },
      ),
    );
  });
});
