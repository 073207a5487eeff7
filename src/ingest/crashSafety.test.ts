import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReferenceData } from '../reference/referenceData';
import { loadStatement } from '../statement/loadStatement';
import { SqliteStore } from '../store/sqlite/sqliteStore';
import { openStore } from '../store/sqlite/connection';
import { buildCli, MEISAI_BIN, PROJECT } from '../test-support/builtCli';

/**
 * Crash safety with real processes: `meisai ingest` is killed with SIGKILL at many points and run
 * again; the store must end exactly as after one uninterrupted run (same statements, same
 * control totals, no record lost or counted twice), and the killed run's lock must not block.
 */
const reference = loadReferenceData();
const KILL_POINTS = 8;

let directory: string;
let files: string[];

beforeAll(() => {
  buildCli();
  directory = mkdtempSync(join(tmpdir(), 'meisai-crash-'));
  // Three deliveries of the seed month, each with its own record_ids (so each adds calls), the
  // third also re-sending the first 500 rows of the first (duplicates across files).
  const seed = readFileSync(join(PROJECT, 'fixtures', 'seed-2011-04.csv'), 'utf8').split('\n');
  const [header, ...rows] = seed;
  const delivery = (prefix: string): string[] =>
    rows.filter((row) => row !== '').map((row) => (row.startsWith('SW1-') ? `${prefix}${row}` : row));
  files = ['a', 'b', 'c'].map((prefix) => {
    const body = prefix === 'c' ? [...delivery('c'), ...delivery('a').slice(0, 500)] : delivery(prefix);
    const path = join(directory, `day-${prefix}.csv`);
    writeFileSync(path, `${[header, ...body].join('\n')}\n`);
    return path;
  });
}, 120_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface StoreSnapshot {
  statements: unknown[];
  control: unknown;
  rows: unknown;
}

async function snapshot(dbPath: string): Promise<StoreSnapshot> {
  const db = openStore(dbPath);
  const store = new SqliteStore(db);
  try {
    const contracts = (
      db.prepare('SELECT DISTINCT contract_id FROM calls ORDER BY 1').all() as { contract_id: string }[]
    ).map((row) => row.contract_id);
    const statements = [];
    for (const contractId of contracts) {
      for (const month of await store.statementMonths(contractId))
        statements.push(await loadStatement(store, reference, { contractId, month }));
    }
    const control = db
      .prepare('SELECT name, records_read, accepted, rejected, duplicates FROM files ORDER BY name')
      .all();
    const rows = db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM calls) AS calls, (SELECT COUNT(*) FROM rejects) AS rejects,
                       (SELECT COUNT(*) FROM duplicates) AS duplicates, (SELECT SUM(charge_scaled) FROM calls) AS charge`,
      )
      .get();
    return { statements, control, rows };
  } finally {
    db.close();
  }
}

function runIngest(dbPath: string): ChildProcess {
  return spawn(process.execPath, [MEISAI_BIN, 'ingest', ...files, '--db', dbPath, '--json'], {
    env: { ...process.env, MEISAI_LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

/** Deterministic kill delays spread over the run (mulberry32). */
function killDelays(count: number, maxMs: number): number[] {
  let state = 20110401;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.floor(next() * maxMs));
}

test('a run killed with SIGKILL at any point, then run again, ends exactly like one uninterrupted run', async () => {
  const referenceDb = join(directory, 'uninterrupted.sqlite');
  const started = Date.now();
  expect(await exitOf(runIngest(referenceDb))).toBe(0);
  const uninterruptedMs = Date.now() - started;
  const expected = await snapshot(referenceDb);
  expect((expected.control as unknown[]).length).toBe(3);

  const committedAtKill: number[] = [];
  for (const [index, delay] of killDelays(KILL_POINTS, uninterruptedMs).entries()) {
    const dbPath = join(directory, `killed-${index}.sqlite`);
    const child = runIngest(dbPath);
    await new Promise((wait) => setTimeout(wait, delay));
    child.kill('SIGKILL');
    await exitOf(child);
    try {
      const db = openStore(dbPath);
      committedAtKill.push((db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n);
      db.close();
    } catch {
      committedAtKill.push(-1); // killed before the store existed
    }
    expect(await exitOf(runIngest(dbPath))).toBe(0); // the stale lock is taken over
    expect(await snapshot(dbPath)).toEqual(expected);
  }
  // The kills must have landed mid-run, not only after the run had finished (3 files committed).
  expect(committedAtKill.filter((committed) => committed < 3).length).toBeGreaterThan(KILL_POINTS / 2);
}, 180_000);
