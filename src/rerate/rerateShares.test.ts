import { closeMonth } from './closeMonth';
import { rerateMonth, RerateRequest } from './rerateMonth';
import { StoreFailedError } from '../errors';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData, ReferenceData } from '../reference/referenceData';
import { sqliteMonthCallShares } from '../store/sqlite/callShares';
import { copyReferenceData, removeReferenceCopies } from '../test-support/referenceVariant';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';

/**
 * A month re-rated on two threads (a worker reads and re-rates the later half of its calls on a
 * connection of its own) is the same re-rate as on one: the same report, calls, totals and
 * revisions; a damaged row in the worker's half fails the run as it would on one thread.
 */
const reference = loadReferenceData();
const PEERS = ['0312345678', '09011112222', '05099998888', '07012345678', '0312999999', '0612345678'];

/** 600 calls of 12 contracts over April: outbound to each kind of peer, inbound (着割), some of no duration. */
function aprilCalls(prefix: string, count: number, startDay: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const contract = `N${String(1 + (index % 12)).padStart(9, '0')}`;
    const number = `050${String(10_000_000 + (index % 12) * 7 + (index % 3)).padStart(8, '0')}`;
    const direction = index % 5 === 4 ? 'in' : 'out';
    const day = String(startDay + (index % 20)).padStart(2, '0');
    const duration = index % 17 === 0 ? '0' : `${30 + ((index * 37) % 900)}.${index % 10}`;
    return `${prefix}${index},${contract},${number},${direction},${PEERS[index % PEERS.length]},2011-04-${day} 09:${String(index % 60).padStart(2, '0')}:00,${duration}`;
  });
}

/** A store with April ingested in three files, closed, then a file of late calls. */
async function aprilStore(): Promise<TempWorkspace> {
  const workspace = createWorkspace();
  await ingestFile(workspace.store, reference, workspace.writeFile('a.csv', csv(aprilCalls('A', 300, 1))));
  await ingestFile(workspace.store, reference, workspace.writeFile('b.csv', csv(aprilCalls('B', 200, 5))));
  await ingestFile(workspace.store, reference, workspace.writeFile('c.csv', csv(aprilCalls('C', 100, 9))));
  await closeMonth(workspace.store, reference, '2011-04');
  await ingestFile(workspace.store, reference, workspace.writeFile('late.csv', csv(aprilCalls('L', 40, 3))));
  return workspace;
}

/** A corrected tariff (mobile dearer) and a stricter numbering plan (0312999… no longer callable). */
function correctedReference(): ReferenceData {
  const corrected = copyReferenceData();
  corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
    tariff.rates.find((rate: { id: string }) => rate.id === 'MOBILE').steps[0].price = '20';
  });
  corrected.edit('numbering/jp-reference.json', (plan) => {
    plan.rules.push({ prefix: '0312999', class: 'not-callable' });
  });
  return loadReferenceData(corrected.dataDir);
}

/** What a re-rate leaves in the store: every call row, both totals tables, the statements (their time of issue aside). */
function storeContents(workspace: TempWorkspace): unknown {
  const all = (sql: string): unknown[] => workspace.db.prepare(sql).all();
  return {
    calls: all('SELECT * FROM calls ORDER BY call_id'),
    typeTotals: all('SELECT * FROM number_type_totals ORDER BY month, contract_id, number, call_type'),
    chakuwariTotals: all('SELECT * FROM chakuwari_totals ORDER BY month, contract_id, number'),
    statements: all(
      'SELECT contract_id, month, revision, reason, statement_json, sha256 FROM statements ORDER BY contract_id, month, revision',
    ),
  };
}

const request = (shareFrom: number): RerateRequest => ({
  month: '2011-04',
  reason: 'mobile rate and numbering corrected',
  force: true,
  shareFrom,
});

let stores: TempWorkspace[] = [];
afterEach(() => {
  for (const store of stores) store.cleanUp();
  stores = [];
  removeReferenceCopies();
});

describe('a month re-rated on two threads', () => {
  test('is cut in two shares of about equal call_ids covering the month, and not below its threshold', async () => {
    const workspace = await aprilStore();
    stores.push(workspace);
    const month = { month: '2011-04', contractId: null };
    const shares = sqliteMonthCallShares(workspace.db, workspace.dbPath, month, 1)!;
    const ids = (ranges: { first: number; last: number }[]): number[] =>
      ranges.flatMap((range) => Array.from({ length: range.last - range.first + 1 }, (_, at) => range.first + at));
    const stored = (
      workspace.db.prepare('SELECT call_id FROM call_rows ORDER BY call_id').pluck().all() as number[]
    ).filter((id) => id >= 1);
    expect([...ids(shares.here.ranges), ...ids(shares.elsewhere.ranges)]).toEqual(stored);
    expect(ids(shares.here.ranges)).toHaveLength(Math.ceil(stored.length / 2));
    expect(shares.elsewhere).toMatchObject({ engine: 'sqlite', path: workspace.dbPath, month: '2011-04' });
    expect(sqliteMonthCallShares(workspace.db, workspace.dbPath, month, stored.length + 1)).toBeNull();
    expect(sqliteMonthCallShares(workspace.db, workspace.dbPath, { ...month, contractId: 'N000000001' }, 1)).toBeNull();
  });

  test('gives the report, calls, totals and revisions one thread gives: re-ratings, unrated and late calls', async () => {
    const oneThread = await aprilStore();
    const twoThreads = await aprilStore();
    stores.push(oneThread, twoThreads);
    const corrected = correctedReference();
    const one = await rerateMonth(oneThread.store, corrected, request(Number.MAX_SAFE_INTEGER));
    const two = await rerateMonth(twoThreads.store, corrected, request(1));
    expect(one.unrated).toEqual({ NOT_CALLABLE: expect.any(Number) });
    expect(one.lateBilled).toBe(40);
    expect(one.contracts.filter((contract) => contract.issued).length).toBeGreaterThan(6);
    expect(two).toEqual(one);
    expect(storeContents(twoThreads)).toEqual(storeContents(oneThread));
  });

  test('a damaged call row in the worker’s half fails the run as one thread does, and nothing is applied', async () => {
    const oneThread = await aprilStore();
    const twoThreads = await aprilStore();
    stores.push(oneThread, twoThreads);
    const lastCall = (workspace: TempWorkspace): number =>
      workspace.db.prepare('SELECT MAX(call_id) FROM call_rows').pluck().get() as number;
    for (const workspace of [oneThread, twoThreads])
      workspace.db.prepare("UPDATE call_rows SET duration_ms = 'long' WHERE call_id = ?").run(lastCall(workspace) - 1);
    const before = storeContents(twoThreads);
    const corrected = correctedReference();
    const failure = await rerateMonth(oneThread.store, corrected, request(Number.MAX_SAFE_INTEGER)).catch((e) => e);
    expect(failure).toBeInstanceOf(StoreFailedError);
    expect(failure.message).toMatch(/is damaged/);
    const inWorker = rerateMonth(twoThreads.store, corrected, request(1));
    await expect(inWorker).rejects.toBeInstanceOf(StoreFailedError);
    await expect(inWorker).rejects.toThrow(failure.message.replace(oneThread.dbPath, twoThreads.dbPath));
    expect(storeContents(twoThreads)).toEqual(before);
  });
});
