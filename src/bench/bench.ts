/**
 * The throughput bench of issue 4: `npm run bench -- --cdrs 1000000`.
 *
 * 1. Generates the CDR file once (src/bench/generateCdrs.ts) into a work folder, or reuses the
 *    file made earlier for the same size and seed.
 * 2. Times, each on a fresh store: (a) `node bin/meisai ingest FILE --db FRESH --json` as a child
 *    process, wall time and the child's peak RSS; (b) the same rating in DuckDB SQL
 *    (src/bench/duckdbRating.ts, 2 threads), wall time including opening and closing its file.
 * 3. Cross-checks: meisai's control totals against the generator's; meisai's number_type_totals
 *    and chakuwari_totals against DuckDB's, row by row; the calls by direction and type (count,
 *    units, charge, duration, lines). Any difference is printed and the bench exits 1.
 * 4. Prints a table, then exactly one JSON line:
 *    {"cdrs":N,"meisaiSeconds":…,"duckdbSeconds":…,"ratio":meisai/duckdb,"cdrsPerSecond":…,"peakRssMb":…}
 *
 * Progress goes to stderr; the table and the JSON line to stdout. Never part of `npm test`.
 *
 * With `--profile NAME` (`canonical` or `jp-fixed-128-cp932`) the bench measures what an input
 * profile costs instead: the same records as a canonical CSV and in the profile's layout
 * (src/bench/profileLayouts.ts), each ingested on a fresh store `--runs` times (default 2, the
 * fastest run counts), the profile's run with `--profile NAME`; both stores must hold identical
 * totals and control totals. One JSON line:
 *    {"cdrs":N,"profile":…,"canonicalSeconds":…,"profileSeconds":…,"profileCostPercent":…,…}
 *

 *
 * With `--db postgres` (a throwaway cluster with PostgreSQL's default durability, started from
 * the Debian binaries) or `--db postgres://…` (a server of yours; each run creates and drops a
 * database on it), meisai is also timed on PostgreSQL with 1, 2 and 4 `ingest --inbox` worker
 * processes over the same CDRs split into POSTGRES_PARTS files (a file is one transaction, so
 * workers share a delivery only as several files), each run cross-checked against DuckDB too.
 *
 *   npm run bench -- --cdrs 1000000 [--seed 1] [--work-dir DIR] [--keep] [--db sqlite|postgres|postgres://…]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

import { createInterface } from 'node:readline';
import { findPostgresBinaries, startTestCluster, TestCluster, withDatabase } from '../test-support/postgres';
import { ControlTotals, rateWithDuckDb } from './duckdbRating';
import { countsPath, ExpectedCounts, generateCdrs, RecordIds, recordIdsOption, wholeNumber } from './generateCdrs';
import { writeFixedWidthCopies } from './profileLayouts';

const PROJECT_ROOT = join(__dirname, '..', '..');
const MEISAI_BIN = join(PROJECT_ROOT, 'bin', 'meisai');
const PEAK_RSS_REPORTER = join(__dirname, 'reportPeakRss.js');
const DIFFERENCES_SHOWN = 10;

interface BenchOptions {
  cdrs: number;
  seed: number;
  workDirectory: string;
  keep: boolean;
  /** sqlite (only), postgres (a throwaway cluster) or a postgres:// server URL. */
  db: string;
  profile: string | null;
  runs: number;
  ids: RecordIds;
}

function parseArguments(argv: string[]): BenchOptions {
  const options: BenchOptions = { cdrs: 100_000, seed: 1, workDirectory: join(tmpdir(), 'meisai-bench'), keep: false, db: 'sqlite', profile: null, runs: 2, ids: 'sequential' };
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index]!;
    if (name === '--keep') {
      options.keep = true;
      continue;
    }
    const value = argv[index + 1];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    index += 1;
    if (name === '--cdrs') options.cdrs = wholeNumber(name, value);
    else if (name === '--seed') options.seed = wholeNumber(name, value);
    else if (name === '--work-dir') options.workDirectory = value;
    else if (name === '--ids') options.ids = recordIdsOption(value);
    else if (name === '--profile') {
      if (!BENCH_PROFILES.includes(value)) throw new UsageError(`--profile: the bench writes its records in the layouts of ${BENCH_PROFILES.join(' and ')} only`);
      options.profile = value;
    } else if (name === '--runs') options.runs = wholeNumber(name, value);
    else if (name === '--db') {
      if (value !== 'sqlite' && value !== 'postgres' && !/^postgres(ql)?:\/\//.test(value)) throw new UsageError('--db is sqlite, postgres or a postgres://… URL');
      options.db = value;
    }
    else throw new UsageError(`unknown option ${name}`);
  }
  if (options.cdrs < 1) throw new UsageError('--cdrs must be at least 1');
  return options;
}

class UsageError extends Error {}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Wall time in whole milliseconds, from a monotonic clock. */
function millisecondsSince(startedAt: bigint): bigint {
  return (process.hrtime.bigint() - startedAt) / 1_000_000n;
}

/** `value / 10^decimals` written as a decimal (for display and the JSON line). */
function decimalText(value: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = value / scale;
  const fraction = (value % scale).toString().padStart(decimals, '0');
  return decimals === 0 ? whole.toString() : `${whole}.${fraction}`;
}

/** numerator / denominator to `decimals` places, rounded half up (both positive). */
function quotientText(numerator: bigint, denominator: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  return decimalText((numerator * scale * 2n + denominator) / (denominator * 2n), decimals);
}

/** The file for this size and seed: made once, reused while it and its counts exist. */
function cdrFile(options: BenchOptions): { path: string; expected: ExpectedCounts } {
  mkdirSync(options.workDirectory, { recursive: true });
  const path = join(options.workDirectory, `cdrs-${options.cdrs}-seed-${options.seed}${options.ids === 'uuid' ? '-uuid' : ''}.csv`);
  if (existsSync(path) && existsSync(countsPath(path))) {
    progress(`reusing ${path}`);
    return { path, expected: JSON.parse(readFileSync(countsPath(path), 'utf8')) as ExpectedCounts };
  }
  progress(`generating ${options.cdrs} CDRs (seed ${options.seed}) into ${path}`);
  const startedAt = process.hrtime.bigint();
  const expected = generateCdrs({ cdrs: options.cdrs, seed: options.seed, ids: options.ids, out: path });
  progress(`generated in ${decimalText(millisecondsSince(startedAt), 3)} s`);
  return { path, expected };
}

interface MeisaiRun {
  milliseconds: bigint;
  peakRssKilobytes: bigint;
  summary: ControlTotals;
}

/** `node bin/meisai ingest FILE --db DB --json` in a child process: its wall time and peak RSS. */
async function runMeisai(csvPath: string, databasePath: string, runDirectory: string, extraArguments: string[] = []): Promise<MeisaiRun> {
  const peakRssFile = join(runDirectory, 'meisai-peak-rss.txt');
  const startedAt = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', PEAK_RSS_REPORTER, MEISAI_BIN, 'ingest', csvPath, '--db', databasePath, '--json', ...extraArguments], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, MEISAI_BENCH_PEAK_RSS_FILE: peakRssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const milliseconds = millisecondsSince(startedAt);
  if (exitCode !== 0) {
    throw new Error(`meisai ingest exited ${exitCode}:\n${Buffer.concat(stderr).toString('utf8').slice(-4000)}`);
  }
  const output = Buffer.concat(stdout).toString('utf8').trim().split('\n').at(-1) ?? '';
  const summary = JSON.parse(output) as ControlTotals;
  const peakRssKilobytes = BigInt(readFileSync(peakRssFile, 'utf8').trim());
  return { milliseconds, peakRssKilobytes, summary };
}

/** Rows keyed by their identifying columns, with their exact integer figures. */
type FiguresByKey = Map<string, bigint[]>;

interface TableComparison {
  name: string;
  meisaiRows: number;
  duckdbRows: number;
  differences: string[];
  differenceCount: number;
}

function compareFigures(name: string, columns: string[], meisai: FiguresByKey, duckdb: FiguresByKey): TableComparison {
  const comparison: TableComparison = { name, meisaiRows: meisai.size, duckdbRows: duckdb.size, differences: [], differenceCount: 0 };
  const note = (text: string): void => {
    comparison.differenceCount += 1;
    if (comparison.differences.length < DIFFERENCES_SHOWN) comparison.differences.push(text);
  };
  const show = (figures: bigint[] | undefined): string =>
    figures === undefined ? 'missing' : columns.map((column, index) => `${column}=${figures[index]}`).join(' ');
  const keys = [...new Set([...meisai.keys(), ...duckdb.keys()])].sort();
  for (const key of keys) {
    const left = meisai.get(key);
    const right = duckdb.get(key);
    if (left !== undefined && right !== undefined && left.every((value, index) => value === right[index])) continue;
    note(`${key}: meisai ${show(left)} | duckdb ${show(right)}`);
  }
  return comparison;
}

/** The first `keyColumns` values of each row make its key; the rest are its figures, exact integers as bigint. */
function figuresFromRows(rows: unknown[][], keyColumns: number): FiguresByKey {
  const figures: FiguresByKey = new Map();
  for (const row of rows) {
    const key = row.slice(0, keyColumns).map((value) => String(value)).join(' | ');
    figures.set(key, row.slice(keyColumns).map((value) => (value === null ? 0n : BigInt(value as bigint | number))));
  }
  return figures;
}

const CROSS_CHECK_QUERIES = [
  {
    name: 'number_type_totals',
    keyColumns: 4,
    figureColumns: ['calls', 'duration_tenths', 'charge_scaled'],
    sql: 'SELECT contract_id, month, number, call_type, calls, duration_tenths, charge_scaled FROM number_type_totals',
  },
  {
    name: 'chakuwari_totals',
    keyColumns: 3,
    figureColumns: ['calls', 'duration_tenths', 'duration_ms'],
    sql: 'SELECT contract_id, month, number, calls, duration_tenths, duration_ms FROM chakuwari_totals',
  },
  {
    name: 'calls by direction and type',
    keyColumns: 2,
    figureColumns: ['calls', 'units', 'charge_scaled', 'duration_ms', 'sum_of_lines'],
    sql: `SELECT direction, peer_class, count(*), sum(units), sum(charge_scaled), sum(duration_ms), sum(line)
            FROM calls GROUP BY direction, peer_class`,
  },
] as const;

async function crossCheckStores(meisaiPath: string, duckdbPath: string): Promise<TableComparison[]> {
  const meisai = new Database(meisaiPath, { readonly: true });
  const duckdbInstance = await DuckDBInstance.create(duckdbPath, { access_mode: 'READ_ONLY', threads: '2' });
  const duckdb = await duckdbInstance.connect();
  try {
    const comparisons: TableComparison[] = [];
    for (const query of CROSS_CHECK_QUERIES) {
      const meisaiRows = meisai.prepare(query.sql).raw(true).safeIntegers(true).all() as unknown[][];
      const duckdbRows = (await duckdb.runAndReadAll(query.sql)).getRows() as unknown[][];
      comparisons.push(
        compareFigures(query.name, [...query.figureColumns], figuresFromRows(meisaiRows, query.keyColumns), figuresFromRows(duckdbRows, query.keyColumns)),
      );
    }
    return comparisons;
  } finally {
    meisai.close();
    duckdb.closeSync();
    duckdbInstance.closeSync();
  }
}

/** Differences between a run's control totals and the generator's, as readable lines. */
function controlTotalDifferences(who: string, totals: ControlTotals, expected: ExpectedCounts): string[] {
  const differences: string[] = [];
  const rejectedCount = Object.values(totals.rejected).reduce((sum, count) => sum + count, 0);
  if (totals.read !== totals.accepted + rejectedCount + totals.duplicates) {
    differences.push(`${who}: read ${totals.read} ≠ accepted ${totals.accepted} + rejected ${rejectedCount} + duplicates ${totals.duplicates}`);
  }
  for (const field of ['read', 'accepted', 'duplicates'] as const) {
    if (totals[field] !== expected[field]) differences.push(`${who}: ${field} ${totals[field]}, the generator made ${expected[field]}`);
  }
  const codes = [...new Set([...Object.keys(totals.rejected), ...Object.keys(expected.rejected)])].sort();
  for (const code of codes) {
    const found = totals.rejected[code] ?? 0;
    const made = expected.rejected[code] ?? 0;
    if (found !== made) differences.push(`${who}: rejected ${code} ${found}, the generator made ${made}`);
  }
  return differences;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padStart(widths[column]!)).join('  ')}\n`);
}

/** Other work on this 2-core machine slows both runs unevenly: say so, so that noisy figures are read as such. */
function noteMachineLoad(when: string): void {
  const [lastMinute] = loadavg();
  const busy = lastMinute !== undefined && lastMinute >= 0.5 ? ' (the machine is busy: figures will be noisy)' : '';
  progress(`load average ${when}: ${lastMinute?.toFixed(2) ?? '?'}${busy}`);
}

async function bench(options: BenchOptions): Promise<number> {
  const file = cdrFile(options);
  noteMachineLoad('before the runs');
  const runDirectory = mkdtempSync(join(options.workDirectory, 'run-'));
  try {
    const meisaiPath = join(runDirectory, 'meisai.sqlite');
    const duckdbPath = join(runDirectory, 'rating.duckdb');

    progress(`meisai ingest → ${meisaiPath}`);
    const meisai = await runMeisai(file.path, meisaiPath, runDirectory);
    progress(`meisai: ${decimalText(meisai.milliseconds, 3)} s, peak RSS ${quotientText(meisai.peakRssKilobytes, 1024n, 1)} MB`);

    progress(`DuckDB rating → ${duckdbPath}`);
    const duckdbStartedAt = process.hrtime.bigint();
    const duckdbTotals = await rateWithDuckDb({ csvPath: file.path, databasePath: duckdbPath, threads: 2 });
    const duckdbMilliseconds = millisecondsSince(duckdbStartedAt);
    progress(`DuckDB: ${decimalText(duckdbMilliseconds, 3)} s`);

    const postgresRuns = options.db === 'sqlite' ? [] : await benchPostgres(options, file.path, runDirectory, duckdbPath);

    noteMachineLoad('after the runs');
    progress('cross-checking');
    const failures = [
      ...controlTotalDifferences('meisai', meisai.summary, file.expected),
      ...controlTotalDifferences('DuckDB', duckdbTotals, file.expected),
      ...postgresRuns.flatMap((run) => [...controlTotalDifferences(`meisai on PostgreSQL, ${run.workers} workers`, run.summary, file.expected), ...run.failures]),
    ];
    const comparisons = await crossCheckStores(meisaiPath, duckdbPath);

    const cdrs = BigInt(options.cdrs);
    const meisaiMilliseconds = meisai.milliseconds > 0n ? meisai.milliseconds : 1n;
    const duckdbDivisor = duckdbMilliseconds > 0n ? duckdbMilliseconds : 1n;
    const figures = {
      meisaiSeconds: decimalText(meisai.milliseconds, 3),
      duckdbSeconds: decimalText(duckdbMilliseconds, 3),
      ratio: quotientText(meisaiMilliseconds, duckdbDivisor, 3),
      cdrsPerSecond: quotientText(cdrs * 1000n, meisaiMilliseconds, 0),
      peakRssMb: quotientText(meisai.peakRssKilobytes, 1024n, 1),
    };
    printTable([
      ['cdrs', 'meisai s', 'duckdb s', 'ratio', 'CDRs/s', 'peak RSS MB'],
      [String(options.cdrs), figures.meisaiSeconds, figures.duckdbSeconds, figures.ratio, figures.cdrsPerSecond, figures.peakRssMb],
    ]);
    if (postgresRuns.length > 0) {
      printTable([
        ['engine', 'workers', 'files', 'seconds', 'CDRs/s'],
        ['sqlite', '1', '1', figures.meisaiSeconds, figures.cdrsPerSecond],
        ...postgresRuns.map((run) => [
          'postgres',
          String(run.workers),
          String(POSTGRES_PARTS),
          decimalText(run.milliseconds, 3),
          quotientText(cdrs * 1000n, run.milliseconds > 0n ? run.milliseconds : 1n, 0),
        ]),
        ['duckdb', '2 threads', '1', figures.duckdbSeconds, quotientText(cdrs * 1000n, duckdbDivisor, 0)],
      ]);
      for (const run of postgresRuns) {
        process.stdout.write(`cross-check PostgreSQL (${run.workers} workers) against DuckDB: ${run.failures.length === 0 ? 'identical' : `${run.failures.length} differences`}\n`);
      }
    }
    for (const comparison of comparisons) {
      const verdict = comparison.differenceCount === 0 ? 'identical' : `${comparison.differenceCount} rows differ`;
      process.stdout.write(`cross-check ${comparison.name}: meisai ${comparison.meisaiRows} rows, DuckDB ${comparison.duckdbRows} rows, ${verdict}\n`);
      for (const difference of comparison.differences) failures.push(`${comparison.name}: ${difference}`);
      if (comparison.differenceCount > comparison.differences.length) {
        failures.push(`${comparison.name}: … and ${comparison.differenceCount - comparison.differences.length} more`);
      }
    }
    if (failures.length > 0) {
      process.stdout.write(`CROSS-CHECK FAILED (stores kept in ${runDirectory}):\n${failures.map((line) => `  ${line}`).join('\n')}\n`);
      options.keep = true;
      return 1;
    }
    process.stdout.write(
      `control totals: read ${meisai.summary.read} = accepted ${meisai.summary.accepted} + rejected ${
        meisai.summary.read - meisai.summary.accepted - meisai.summary.duplicates
      } + duplicates ${meisai.summary.duplicates}, as generated\n`,
    );
    const postgresFigures = Object.fromEntries(
      postgresRuns.map((run) => [`postgresCdrsPerSecond${run.workers}`, Number(quotientText(cdrs * 1000n, run.milliseconds > 0n ? run.milliseconds : 1n, 0))]),
    );
    process.stdout.write(
      `${JSON.stringify({ cdrs: options.cdrs, ...Object.fromEntries(Object.entries(figures).map(([name, text]) => [name, Number(text)])), ...postgresFigures })}\n`,
    );
    return 0;
  } finally {
    if (options.keep) progress(`stores kept in ${runDirectory}`);
    else rmSync(runDirectory, { recursive: true, force: true });
  }
}

/** Files the CDRs are split into for the PostgreSQL runs. */
const POSTGRES_PARTS = 16;
const POSTGRES_WORKERS = [1, 2, 4];

interface PostgresRun {
  workers: number;
  milliseconds: bigint;
  summary: ControlTotals;
  failures: string[];
}

/** The CDR file as POSTGRES_PARTS files of consecutive lines, each with the header, in an inbox. */
async function splitIntoInbox(csvPath: string, inbox: string): Promise<void> {
  mkdirSync(inbox, { recursive: true });
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(csvPath), crlfDelay: Infinity })) lines.push(line);
  const [header, ...rows] = lines;
  const body = rows.filter((row) => row !== '');
  const per = Math.ceil(body.length / POSTGRES_PARTS);
  for (let part = 0; part < POSTGRES_PARTS; part += 1) {
    writeFileSync(join(inbox, `part-${String(part).padStart(2, '0')}.csv`), `${[header, ...body.slice(part * per, (part + 1) * per)].join('\n')}\n`);
  }
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** `meisai ingest --inbox INBOX --db URL --json` in N processes at once: the wall time of all, their summed control totals. */
async function runPostgresWorkers(inbox: string, url: string, workers: number): Promise<{ milliseconds: bigint; summary: ControlTotals }> {
  const startedAt = process.hrtime.bigint();
  const outputs = await Promise.all(
    Array.from({ length: workers }, async () => {
      const child = spawn(process.execPath, [MEISAI_BIN, 'ingest', '--inbox', inbox, '--db', url, '--json'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, MEISAI_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      const exitCode = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', resolve);
      });
      if (exitCode !== 0) throw new Error(`meisai ingest (PostgreSQL) exited ${exitCode}:\n${Buffer.concat(stderr).toString('utf8').slice(-4000)}`);
      return JSON.parse(Buffer.concat(stdout).toString('utf8').trim().split('\n').at(-1) ?? '') as ControlTotals;
    }),
  );
  const milliseconds = millisecondsSince(startedAt);
  const summary: ControlTotals = { read: 0, accepted: 0, duplicates: 0, rejected: {} } as ControlTotals;
  for (const output of outputs) {
    summary.read += output.read;
    summary.accepted += output.accepted;
    summary.duplicates += output.duplicates;
    for (const [code, count] of Object.entries(output.rejected)) summary.rejected[code] = (summary.rejected[code] ?? 0) + count;
  }
  return { milliseconds, summary };
}

/** The PostgreSQL store's totals against DuckDB's, row by row (calls by type without the line sums: the parts renumber lines). */
async function crossCheckPostgres(url: string, duckdbPath: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const duckdbInstance = await DuckDBInstance.create(duckdbPath, { access_mode: 'READ_ONLY', threads: '2' });
  const duckdb = await duckdbInstance.connect();
  try {
    const failures: string[] = [];
    for (const query of CROSS_CHECK_QUERIES) {
      const figureColumns = query.figureColumns.filter((column) => column !== 'sum_of_lines');
      const sql = query.sql.replace(', sum(line)', '');
      const postgresRows = (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
      const duckdbRows = (await duckdb.runAndReadAll(sql)).getRows() as unknown[][];
      const comparison = compareFigures(query.name, [...figureColumns], figuresFromRows(postgresRows, query.keyColumns), figuresFromRows(duckdbRows, query.keyColumns));
      failures.push(...comparison.differences.map((difference) => `PostgreSQL ${query.name}: ${difference}`));
    }
    return failures;
  } finally {
    await client.end();
    duckdb.closeSync();
    duckdbInstance.closeSync();
  }
}

async function benchPostgres(options: BenchOptions, csvPath: string, runDirectory: string, duckdbPath: string): Promise<PostgresRun[]> {
  let cluster: TestCluster | undefined;
  let serverUrl = options.db;
  if (options.db === 'postgres') {
    const bin = findPostgresBinaries();
    if (bin === undefined) throw new Error('--db postgres needs the PostgreSQL binaries (apt-get install -y postgresql), or give --db postgres://… of a server');
    progress('starting a throwaway PostgreSQL (default durability: fsync and synchronous commit on)');
    cluster = await startTestCluster(bin, { durable: true });
    serverUrl = cluster.url;
  }
  try {
    const inbox = join(runDirectory, 'inbox');
    await splitIntoInbox(csvPath, inbox);
    const runs: PostgresRun[] = [];
    for (const workers of POSTGRES_WORKERS) {
      const name = `meisai_bench_${process.pid}_${workers}`;
      await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
      try {
        const url = withDatabase(serverUrl, name);
        progress(`meisai on PostgreSQL, ${workers} ingest --inbox workers over ${POSTGRES_PARTS} files`);
        const run = await runPostgresWorkers(inbox, url, workers);
        progress(`PostgreSQL ${workers} workers: ${decimalText(run.milliseconds, 3)} s`);
        runs.push({ workers, ...run, failures: await crossCheckPostgres(url, duckdbPath) });
      } finally {
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
    return runs;
  } finally {
    cluster?.stop();
  }
}

const BENCH_PROFILES = ['canonical', 'jp-fixed-128-cp932'];

/** The summary's figures a profile run must share with the canonical run of the same records. */
function summaryFigures(summary: ControlTotals): string {
  const rejected = Object.values(summary.rejected).reduce((sum, count) => sum + count, 0);
  return `read ${summary.read}, accepted ${summary.accepted}, rejected ${rejected}, duplicates ${summary.duplicates}`;
}

/** Totals rows of a meisai store, by key, for comparing two stores. */
function storeFigures(path: string, query: (typeof CROSS_CHECK_QUERIES)[number]): FiguresByKey {
  const db = new Database(path, { readonly: true });
  try {
    return figuresFromRows(db.prepare(query.sql).raw(true).safeIntegers(true).all() as unknown[][], query.keyColumns);
  } finally {
    db.close();
  }
}

/** `--profile`: canonical ingest against profile ingest of the same records, fastest of `runs` each. */
async function benchProfile(options: BenchOptions, profile: string): Promise<number> {
  const file = cdrFile(options);
  const copies = profile === 'canonical' ? { canonicalPath: file.path, profilePath: file.path } : (() => {
    progress(`writing the records in the layout of ${profile}`);
    const written = writeFixedWidthCopies(file.path);
    return { canonicalPath: written.canonicalPath, profilePath: written.fixedPath };
  })();
  noteMachineLoad('before the runs');
  const runDirectory = mkdtempSync(join(options.workDirectory, 'run-'));
  try {
    const fastest: Record<'canonical' | 'profile', MeisaiRun | null> = { canonical: null, profile: null };
    const stores = { canonical: '', profile: '' };
    for (let run = 1; run <= options.runs; run += 1) {
      for (const kind of ['canonical', 'profile'] as const) {
        const store = join(runDirectory, `${kind}-${run}.sqlite`);
        const result = await runMeisai(kind === 'canonical' ? copies.canonicalPath : copies.profilePath, store, runDirectory, kind === 'profile' ? ['--profile', profile] : []);
        progress(`run ${run}, ${kind}: ${decimalText(result.milliseconds, 3)} s`);
        if (fastest[kind] === null || result.milliseconds < fastest[kind]!.milliseconds) fastest[kind] = result;
        stores[kind] = store;
      }
    }
    noteMachineLoad('after the runs');
    const canonical = fastest.canonical!;
    const mapped = fastest.profile!;
    const failures: string[] = [];
    if (summaryFigures(canonical.summary) !== summaryFigures(mapped.summary)) {
      failures.push(`control totals: canonical ${summaryFigures(canonical.summary)}; profile ${summaryFigures(mapped.summary)}`);
    }
    for (const query of CROSS_CHECK_QUERIES.slice(0, 2)) {
      const comparison = compareFigures(query.name, [...query.figureColumns], storeFigures(stores.canonical, query), storeFigures(stores.profile, query));
      process.stdout.write(`cross-check ${query.name}: canonical ${comparison.meisaiRows} rows, profile ${comparison.duckdbRows} rows, ${comparison.differenceCount === 0 ? 'identical' : `${comparison.differenceCount} rows differ`}\n`);
      failures.push(...comparison.differences.map((difference) => `${query.name}: ${difference}`));
    }
    if (failures.length > 0) {
      process.stdout.write(`CROSS-CHECK FAILED (stores kept in ${runDirectory}):\n${failures.map((line) => `  ${line}`).join('\n')}\n`);
      options.keep = true;
      return 1;
    }
    const cdrs = BigInt(options.cdrs);
    const canonicalMs = canonical.milliseconds > 0n ? canonical.milliseconds : 1n;
    const profileMs = mapped.milliseconds > 0n ? mapped.milliseconds : 1n;
    // (profile - canonical) / canonical in percent, one decimal, rounded half up on its magnitude
    const slower = profileMs >= canonicalMs;
    const costTenthsOfPercent = ((slower ? profileMs - canonicalMs : canonicalMs - profileMs) * 2000n + canonicalMs) / (canonicalMs * 2n);
    const figures = {
      canonicalSeconds: decimalText(canonical.milliseconds, 3),
      profileSeconds: decimalText(mapped.milliseconds, 3),
      profileCostPercent: `${slower || costTenthsOfPercent === 0n ? '' : '-'}${decimalText(costTenthsOfPercent, 1)}`,
      canonicalCdrsPerSecond: quotientText(cdrs * 1000n, canonicalMs, 0),
      profileCdrsPerSecond: quotientText(cdrs * 1000n, profileMs, 0),
      profilePeakRssMb: quotientText(mapped.peakRssKilobytes, 1024n, 1),
    };
    printTable([
      ['cdrs', 'profile', 'canonical s', 'profile s', 'cost %', 'canonical CDRs/s', 'profile CDRs/s'],
      [String(options.cdrs), profile, figures.canonicalSeconds, figures.profileSeconds, figures.profileCostPercent, figures.canonicalCdrsPerSecond, figures.profileCdrsPerSecond],
    ]);
    process.stdout.write(`control totals of both: ${summaryFigures(mapped.summary)}\n`);
    process.stdout.write(
      `${JSON.stringify({ cdrs: options.cdrs, profile, runs: options.runs, ...Object.fromEntries(Object.entries(figures).map(([name, text]) => [name, Number(text)])) })}\n`,
    );
    return 0;
  } finally {
    if (options.keep) progress(`stores kept in ${runDirectory}`);
    else rmSync(runDirectory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\nusage: npm run bench -- --cdrs N [--seed S] [--work-dir DIR] [--keep] [--ids sequential|uuid] [--db sqlite|postgres|postgres://…] [--profile canonical|jp-fixed-128-cp932 [--runs N]]\n`);
    process.exit(2);
  }
  (options.profile === null ? bench(options) : benchProfile(options, options.profile)).then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
