import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadReferenceData } from '../../reference/referenceData';
import { loadStatement } from '../../statement/loadStatement';
import { statementJson } from '../../statement/revisions';
import { createTestDatabase, describePostgres, TestDatabase } from '../../test-support/postgres';
import { PgStore } from './pgStore';
import { buildCli, MEISAI_BIN, PROJECT } from '../../test-support/builtCli';

/**
 * Several `meisai ingest --inbox` processes on one PostgreSQL store, real processes: four at once
 * over 40 files end with exactly the statements and totals of one sequential run; a worker killed
 * with SIGKILL mid-run, then a re-run, ends as the clean run.
 */
const reference = loadReferenceData();
const FILES = 40;

let directory: string;
let inbox: string;
const databases: TestDatabase[] = [];

function buildInbox(): void {
  const [header, ...rows] = readFileSync(join(PROJECT, 'fixtures', 'seed-2011-04.csv'), 'utf8')
    .split('\n')
    .filter((row) => row !== '');
  const per = Math.ceil(rows.length / (FILES - 2));
  const bodies: string[][] = [];
  for (let index = 0; index < FILES - 2; index += 1) {
    // Each file its own record_ids and one of four contracts, plus the first 20 rows of the one
    // before it again (duplicates across files, often of a file applied at the same moment).
    const contract = `N00000000${1 + (index % 4)}`;
    const own = rows
      .slice(index * per, (index + 1) * per)
      .map((row) => row.replace(/^SW1-/, `F${index}-`).replace(',N000000001,', `,${contract},`));
    bodies.push(own);
  }
  mkdirSync(inbox);
  bodies.forEach((own, index) => {
    const resent = index === 0 ? [] : bodies[index - 1]!.slice(0, 20);
    writeFileSync(
      join(inbox, `cdr-${String(index).padStart(2, '0')}.csv`),
      `${[header, ...own, ...resent].join('\n')}\n`,
    );
  });
  // Two re-deliveries of the same bytes under other names.
  copyFileSync(join(inbox, 'cdr-00.csv'), join(inbox, 'cdr-98-copy-of-00.csv'));
  copyFileSync(join(inbox, 'cdr-01.csv'), join(inbox, 'cdr-99-copy-of-01.csv'));
}

function ingestInbox(url: string): ChildProcess {
  return spawn(process.execPath, [MEISAI_BIN, 'ingest', '--inbox', inbox, '--db', url, '--json'], {
    env: { ...process.env, MEISAI_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

async function run(child: ChildProcess): Promise<number | null> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`meisai ingest exited ${code}: ${stderr}`);
  return code;
}

async function freshDatabase(label: string): Promise<string> {
  const database = await createTestDatabase(label);
  databases.push(database);
  return database.url;
}

interface Snapshot {
  statements: string[];
  rows: unknown;
  files: number;
}

async function snapshot(url: string): Promise<Snapshot> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const store = await PgStore.open(url, 'read');
  try {
    const months = (
      await client.query(
        'SELECT contract_id, month FROM number_type_totals UNION SELECT contract_id, month FROM chakuwari_totals ORDER BY 1, 2',
      )
    ).rows as { contract_id: string; month: string }[];
    const statements = [];
    for (const { contract_id: contractId, month } of months)
      statements.push(statementJson(await loadStatement(store, reference, { contractId, month })));
    const rows = (
      await client.query(`SELECT (SELECT count(*)::int FROM calls) AS calls, (SELECT count(*)::int FROM duplicates) AS duplicates,
                                 (SELECT count(*)::int FROM rejects) AS rejects, (SELECT sum(charge_scaled)::text FROM calls) AS charge,
                                 (SELECT sum(accepted)::int FROM files) AS accepted, (SELECT sum(records_read)::int FROM files) AS read`)
    ).rows[0];
    const files = (await client.query('SELECT count(*)::int AS n FROM files')).rows[0].n as number;
    expect((await store.integrityCheck()).problems).toEqual([]);
    return { statements, rows, files };
  } finally {
    await store.close();
    await client.end();
  }
}

describePostgres('ingest workers on PostgreSQL (real processes)', () => {
  let sequential: Snapshot;
  /** How long one clean run over the inbox takes here: the kills below land at fractions of it. */
  let cleanMs: number;

  beforeAll(async () => {
    buildCli();
    directory = mkdtempSync(join(tmpdir(), 'meisai-workers-'));
    inbox = join(directory, 'inbox');
    buildInbox();
    const url = await freshDatabase('sequential');
    const started = Date.now();
    await run(ingestInbox(url));
    cleanMs = Date.now() - started;
    sequential = await snapshot(url);
  }, 180_000);

  afterAll(async () => {
    for (const database of databases) await database.drop();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  test('the sequential run applied 38 distinct files (the two copies skipped by their content)', () => {
    expect(sequential.files).toBe(FILES - 2);
    expect(sequential.statements.length).toBeGreaterThanOrEqual(4);
  });

  test('four concurrent ingest --inbox processes over 40 files give exactly the statements and totals of one sequential run', async () => {
    const url = await freshDatabase('concurrent');
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map(() => run(ingestInbox(url))));
    const elapsed = Date.now() - started;
    expect(await snapshot(url)).toEqual(sequential);
    expect(elapsed).toBeGreaterThan(0);
  }, 180_000);

  test("a worker killed with SIGKILL mid-run, then a re-run, gives the clean run's statements", async () => {
    const killedMidRun: number[] = [];
    for (const fraction of [0.3, 0.6]) {
      const url = await freshDatabase('killed');
      const child = ingestInbox(url);
      await new Promise((wait) => setTimeout(wait, Math.floor(cleanMs * fraction)));
      child.kill('SIGKILL');
      await exitOf(child);
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const tables = (await client.query("SELECT to_regclass('files') IS NOT NULL AS present")).rows[0]
          .present as boolean;
        killedMidRun.push(
          tables ? ((await client.query('SELECT count(*)::int AS n FROM files')).rows[0].n as number) : 0,
        );
      } finally {
        await client.end();
      }
      await run(ingestInbox(url));
      expect(await snapshot(url)).toEqual(sequential);
    }
    expect(killedMidRun.some((committed) => committed < FILES - 2)).toBe(true);
  }, 240_000);
});
