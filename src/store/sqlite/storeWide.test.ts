import Database from 'better-sqlite3';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ingestFile } from '../../ingest/ingestFile';
import { loadReferenceData } from '../../reference/referenceData';
import { createWorkspace, csv, TempWorkspace } from '../../test-support/tempStore';
import type { StoreWideChecks } from '../types';
import { recordKey } from './callKeys';
import { doubleBilledCalls } from './doubleBilled';
import { readFileControls } from './fileControls';
import { integrityReport, quickCheckLines } from './integrity';
import { sqliteStoreWideChecks } from './storeWide';

/**
 * reconcile's store-wide checks on SQLite (quick_check, record_ids billed twice, file controls):
 * in a worker thread on a read-only connection of its own, with the same answers as the store's
 * own connection gives, and on that connection when no worker can open the file.
 */
const reference = loadReferenceData();
let workspace: TempWorkspace;
beforeEach(async () => {
  workspace = createWorkspace();
  const rows: string[] = [];
  for (let index = 0; index < 3_000; index += 1)
    rows.push(
      `W${index},N00000000${1 + (index % 5)},0501234567${index % 10},out,03-1234-5678,2011-04-${String(1 + (index % 28)).padStart(2, '0')} 10:00:00,${30 + (index % 90)}`,
    );
  await ingestFile(workspace.store, reference, workspace.writeFile('april.csv', csv(rows)));
  await ingestFile(workspace.store, reference, workspace.writeFile('bad.csv', csv(['X1,N1,0,out,0,2011-04-01,1'])));
});
afterEach(() => workspace.cleanUp());

async function answers(checks: StoreWideChecks): Promise<unknown[]> {
  return [await checks.integrity, await checks.doubleBilled, await checks.fileControls];
}

/** The connection's own answers, as reconcile took them before the checks moved to a worker. */
function ownAnswers(db: Database.Database, month: string): unknown[] {
  return [integrityReport(quickCheckLines(db)), doubleBilledCalls(db, month), readFileControls(db)];
}

test("a sound store: the worker's answers are the connection's own", async () => {
  const expected = ownAnswers(workspace.db, '2011-04');
  expect(expected[0]).toMatchObject({ check: 'SQLite quick_check', problems: [] });
  expect((expected[2] as { values: unknown[] }).values).toHaveLength(2);
  expect(await answers(sqliteStoreWideChecks(workspace.db, workspace.dbPath, '2011-04'))).toEqual(expected);
});

test('a record_id stored as two calls: the worker finds it, as the connection does', async () => {
  // A second row of one call under another call_id, its key added as ingest adds it (a store
  // written before one duplicate rule held on both engines).
  const db = workspace.db;
  const next = (db.prepare('SELECT MAX(call_id) + 1 AS next FROM call_rows').get() as { next: number }).next;
  db.prepare(
    `INSERT INTO call_rows SELECT ?, record_id, file_id, line + 1, contract_id, number, direction, peer, peer_is_number,
       start_ms, duration_ms, month, peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled,
       chakuwari_eligible, late, unrated_code, plan_id, charge_remainder_parts FROM call_rows WHERE call_id = 1`,
  ).run(next);
  const first = db
    .prepare('SELECT record_id AS recordId, file_id AS fileId FROM call_rows WHERE call_id = 1')
    .get() as {
    recordId: string;
    fileId: number;
  };
  const uint32 = (value: number): Buffer => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(value);
    return bytes;
  };
  db.prepare(
    `INSERT INTO call_keys (month, file_id, first_call_id, last_call_id, calls, keys, call_ids) VALUES ('2011-04', ?, ?, ?, 1, ?, ?)`,
  ).run(first.fileId, next, next, uint32(recordKey(first.recordId)), uint32(next));
  const expected = ownAnswers(workspace.db, '2011-04');
  expect(expected[1]).toEqual([expect.objectContaining({ recordId: first.recordId })]);
  expect(await answers(sqliteStoreWideChecks(workspace.db, workspace.dbPath, '2011-04'))).toEqual(expected);
});

test('a leaf page of an index overwritten: the worker finds what the connection itself finds', async () => {
  workspace.db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = workspace.db.pragma('page_size', { simple: true }) as number;
  const page = (
    workspace.db.prepare("SELECT pageno FROM dbstat WHERE name = 'call_index' AND pagetype = 'leaf' LIMIT 1").get() as {
      pageno: number;
    }
  ).pageno;
  workspace.db.close();
  const file = readFileSync(workspace.dbPath);
  file.fill(0x5a, (page - 1) * pageSize + 100, page * pageSize - 100);
  writeFileSync(workspace.dbPath, file);
  const db = new Database(workspace.dbPath, { readonly: true });
  try {
    const expected = integrityReport(quickCheckLines(db));
    expect(expected.problems.length).toBeGreaterThan(0);
    expect(await sqliteStoreWideChecks(db, workspace.dbPath, '2011-04').integrity).toEqual(expected);
  } finally {
    db.close();
  }
});

test('a store file no worker can open (its path removed while open): checked on the connection', async () => {
  const expected = ownAnswers(workspace.db, '2011-04');
  unlinkSync(workspace.dbPath);
  expect(await answers(sqliteStoreWideChecks(workspace.db, workspace.dbPath, '2011-04'))).toEqual(expected);
});

test('a store read into memory: checked on the connection', async () => {
  workspace.db.pragma('wal_checkpoint(TRUNCATE)');
  const expected = ownAnswers(workspace.db, '2011-04');
  const image = readFileSync(workspace.dbPath);
  image[18] = 1;
  image[19] = 1;
  const db = new Database(image, { readonly: true });
  try {
    expect(db.memory).toBe(true);
    expect(await answers(sqliteStoreWideChecks(db, workspace.dbPath, '2011-04'))).toEqual(expected);
  } finally {
    db.close();
  }
});
