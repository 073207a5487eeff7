/**
 * The throughput bench of issues 4 and 11: `npm run bench -- --cdrs 1000000`, and the whole run
 * of issue 11's targets: `npm run bench -- --targets`.
 *
 * Ratio runs (each size of `--cdrs N[,N…]`, each kind of `--ids sequential|uuid|both`):
 * 1. Generates the CDR file once (src/bench/generateCdrs.ts) into a work folder, or reuses the
 *    file made earlier for the same size, seed, ids and month.
 * 2. Times, each on a fresh store: (a) `node bin/meisai ingest FILE --db FRESH --json` as a child
 *    process, wall time and the child's peak RSS; (b) the same rating in DuckDB SQL
 *    (src/bench/duckdbRating.ts, 2 threads, in this process), wall time including opening and
 *    closing its file.
 * 3. Cross-checks: meisai's control totals against the generator's; meisai's number_type_totals
 *    and chakuwari_totals against DuckDB's, row by row; the calls by direction and type (count,
 *    units, charge, duration, lines). Any difference is printed and the bench exits 1.
 * 4. Prints a table, then exactly one JSON line: for one run
 *    {"cdrs":N,"ids":…,"meisaiSeconds":…,"duckdbSeconds":…,"ratio":meisai/duckdb,"cdrsPerSecond":…,"peakRssMb":…},
 *    for several {"runs":[…]}.
 *
 * With `--targets` (defaults: `--cdrs 2000000,10000000 --ids both --growth-base 10000000
 * --month-cdrs 1000000`), the ratio runs are followed by the store part
 * (src/bench/storeTargets.ts: a fresh month into a grown store, contract-month reads on a
 * one-month and on the grown store, month-wide rerate/reconcile/close), and every figure is
 * judged against its target (src/bench/targets.ts): a table of figure, target, met / NOT MET,
 * then one JSON line with everything. Unmet targets are reported, not an exit code; a failed
 * cross-check exits 1.
 *
 * Progress goes to stderr; the tables and the JSON line to stdout. Never part of `npm test`.
 *
 * With `--profile NAME` (`canonical` or `jp-fixed-128-cp932`) the bench measures what an input
 * profile costs instead: the same records as a canonical CSV and in the profile's layout
 * (src/bench/profileLayouts.ts), each ingested on a fresh store `--runs` times (default 2, the
 * fastest run counts), the profile's run with `--profile NAME`; both stores must hold identical
 * totals and control totals. One JSON line:
 *    {"cdrs":N,"profile":…,"canonicalSeconds":…,"profileSeconds":…,"profileCostPercent":…,…}
 *
 * With `--db postgres` (a throwaway cluster with PostgreSQL's default durability, started from
 * the Debian binaries) or `--db postgres://…` (a server of yours; each run creates and drops a
 * database on it), meisai is also timed on PostgreSQL with 1, 2 and 4 `ingest --inbox` worker
 * processes over the same CDRs split into POSTGRES_PARTS files (a file is one transaction, so
 * workers share a delivery only as several files), each run cross-checked against DuckDB too.
 *
 * See src/bench/benchOptions.ts for every option (`USAGE`).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

import { createInterface } from 'node:readline';
import { findPostgresBinaries, startTestCluster, TestCluster, withDatabase } from '../test-support/postgres';
import { BenchOptions, HelpRequested, parseBenchArguments, USAGE, UsageError } from './benchOptions';
import { cdrFile, progress } from './cdrFiles';
import { ControlTotals, rateWithDuckDb } from './duckdbRating';
import {
  decimalText,
  megabytesText,
  millisecondsSince,
  quotientText,
  secondsText,
  sizeLabel,
  tableText,
} from './figures';
import { RecordIds } from './generateCdrs';
import { lastJsonLine, runMeisaiProcess } from './meisaiProcess';
import { writeFixedWidthCopies } from './profileLayouts';
import { clusterCpuMicroseconds } from './serverCpu';
import { benchStoreTargets, ingestDifferences, StoreTargetsResult } from './storeTargets';
import { evaluateTargets, perSecondText, verdictRows } from './targets';

const DIFFERENCES_SHOWN = 10;

interface MeisaiRun {
  milliseconds: bigint;
  peakRssKilobytes: bigint;
  /** User + system CPU of the meisai process (its worker threads included). */
  cpuMicroseconds: bigint;
  summary: ControlTotals;
}

/** `node bin/meisai ingest FILE --db DB --json` in a child process: its wall time, peak RSS and summary. */
async function runMeisai(
  csvPath: string,
  databasePath: string,
  runDirectory: string,
  extraArguments: string[] = [],
): Promise<MeisaiRun> {
  const run = await runMeisaiProcess(
    ['ingest', csvPath, '--db', databasePath, '--json', ...extraArguments],
    runDirectory,
  );
  return {
    milliseconds: run.milliseconds,
    peakRssKilobytes: run.peakRssKilobytes,
    cpuMicroseconds: run.cpuMicroseconds,
    summary: lastJsonLine<ControlTotals>(run),
  };
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
  const comparison: TableComparison = {
    name,
    meisaiRows: meisai.size,
    duckdbRows: duckdb.size,
    differences: [],
    differenceCount: 0,
  };
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
    const key = row
      .slice(0, keyColumns)
      .map((value) => String(value))
      .join(' | ');
    figures.set(
      key,
      row.slice(keyColumns).map((value) => (value === null ? 0n : BigInt(value as bigint | number))),
    );
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
        compareFigures(
          query.name,
          [...query.figureColumns],
          figuresFromRows(meisaiRows, query.keyColumns),
          figuresFromRows(duckdbRows, query.keyColumns),
        ),
      );
    }
    return comparisons;
  } finally {
    meisai.close();
    duckdb.closeSync();
    duckdbInstance.closeSync();
  }
}

function printTable(rows: string[][], leftAligned?: number[]): void {
  process.stdout.write(`${tableText(rows, leftAligned)}\n`);
}

/** Other work on this 2-core machine slows both runs unevenly: say so, so that noisy figures are read as such. */
function noteMachineLoad(when: string): string {
  const [lastMinute] = loadavg();
  const busy = lastMinute !== undefined && lastMinute >= 0.5 ? ' (the machine is busy: figures will be noisy)' : '';
  progress(`load average ${when}: ${lastMinute?.toFixed(2) ?? '?'}${busy}`);
  return lastMinute?.toFixed(2) ?? '?';
}

interface RatioRun {
  cdrs: number;
  ids: RecordIds;
  meisai: MeisaiRun;
  duckdbMilliseconds: bigint;
  postgresRuns: PostgresRun[];
  comparisons: TableComparison[];
  failures: string[];
}

/** One size with one kind of ids: meisai and DuckDB each on a fresh store, cross-checked; the stores go unless --keep. */
async function ratioRun(options: BenchOptions, cdrs: number, ids: RecordIds, runDirectory: string): Promise<RatioRun> {
  const file = cdrFile(options.workDirectory, { cdrs, seed: options.seed, ids });
  const directory = join(runDirectory, `ratio-${cdrs}-${ids}`);
  mkdirSync(directory, { recursive: true });
  const meisaiPath = join(directory, 'meisai.sqlite');
  const duckdbPath = join(directory, 'rating.duckdb');

  progress(`meisai ingest ${sizeLabel(cdrs)} ${ids} → ${meisaiPath}`);
  const meisai = await runMeisai(file.path, meisaiPath, directory);
  progress(`meisai: ${secondsText(meisai.milliseconds)} s, peak RSS ${megabytesText(meisai.peakRssKilobytes)} MB`);

  progress(`DuckDB rating → ${duckdbPath}`);
  const duckdbStartedAt = process.hrtime.bigint();
  const duckdbTotals = await rateWithDuckDb({ csvPath: file.path, databasePath: duckdbPath, threads: 2 });
  const duckdbMilliseconds = millisecondsSince(duckdbStartedAt);
  progress(`DuckDB: ${secondsText(duckdbMilliseconds)} s`);

  const postgresRuns = options.db === 'sqlite' ? [] : await benchPostgres(options, file.path, directory, duckdbPath);
  progress(`cross-checking ${sizeLabel(cdrs)} ${ids}`);
  const failures = [
    ...ingestDifferences('meisai', meisai.summary, file.expected),
    ...ingestDifferences('DuckDB', duckdbTotals, file.expected),
    ...postgresRuns.flatMap((run) => [
      ...ingestDifferences(`meisai on PostgreSQL, ${run.workers} workers`, run.summary, file.expected),
      ...run.failures,
    ]),
  ];
  const comparisons = await crossCheckStores(meisaiPath, duckdbPath);
  for (const comparison of comparisons) {
    for (const difference of comparison.differences)
      failures.push(`${sizeLabel(cdrs)} ${ids}, ${comparison.name}: ${difference}`);
    if (comparison.differenceCount > comparison.differences.length) {
      failures.push(
        `${sizeLabel(cdrs)} ${ids}, ${comparison.name}: … and ${comparison.differenceCount - comparison.differences.length} more`,
      );
    }
  }
  if (failures.length === 0 && !options.keep) rmSync(directory, { recursive: true, force: true });
  return { cdrs, ids, meisai, duckdbMilliseconds, postgresRuns, comparisons, failures };
}

/** The figures of a ratio run, as the JSON line has them since issue 4 (numbers). */
function ratioFigures(run: RatioRun): Record<string, number | string> {
  const figures: Record<string, number | string> = {
    cdrs: run.cdrs,
    ids: run.ids,
    meisaiSeconds: Number(secondsText(run.meisai.milliseconds)),
    duckdbSeconds: Number(secondsText(run.duckdbMilliseconds)),
    ratio: Number(quotientText(run.meisai.milliseconds, run.duckdbMilliseconds, 3)),
    cdrsPerSecond: Number(perSecondText(run.cdrs, run.meisai.milliseconds)),
    peakRssMb: Number(megabytesText(run.meisai.peakRssKilobytes)),
  };
  if (run.postgresRuns.length > 0)
    figures.cpuSecondsPer1M = Number(cpuPerMillionText(run.meisai.cpuMicroseconds, run.cdrs));
  for (const postgres of run.postgresRuns) {
    figures[`postgresCdrsPerSecond${postgres.workers}`] = Number(perSecondText(run.cdrs, postgres.milliseconds));
    figures[`postgresPercentOfSqlite${postgres.workers}`] = Number(
      quotientText(run.meisai.milliseconds * 100n, postgres.milliseconds, 1),
    );
    figures[`postgresMeisaiCpuSecondsPer1M${postgres.workers}`] = Number(
      cpuPerMillionText(postgres.cpuMicroseconds, run.cdrs),
    );
    if (postgres.serverCpuMicroseconds !== null) {
      figures[`postgresServerCpuSecondsPer1M${postgres.workers}`] = Number(
        cpuPerMillionText(postgres.serverCpuMicroseconds, run.cdrs),
      );
    }
  }
  return figures;
}

function printRatioRuns(runs: RatioRun[]): void {
  printTable([
    ['cdrs', 'ids', 'meisai s', 'duckdb s', 'ratio', 'CDRs/s', 'peak RSS MB'],
    ...runs.map((run) => {
      const ratio = quotientText(run.meisai.milliseconds, run.duckdbMilliseconds, 3);
      return [
        String(run.cdrs),
        run.ids,
        secondsText(run.meisai.milliseconds),
        secondsText(run.duckdbMilliseconds),
        ratio,
        perSecondText(run.cdrs, run.meisai.milliseconds),
        megabytesText(run.meisai.peakRssKilobytes),
      ];
    }),
  ]);
  for (const run of runs.filter((candidate) => candidate.postgresRuns.length > 0)) {
    process.stdout.write(`${sizeLabel(run.cdrs)} ${run.ids}:\n`);
    printTable([
      ['engine', 'workers', 'files', 'seconds', 'CDRs/s', '% of sqlite', 'meisai CPU s/1M', 'server CPU s/1M'],
      [
        'sqlite',
        '1',
        '1',
        secondsText(run.meisai.milliseconds),
        perSecondText(run.cdrs, run.meisai.milliseconds),
        '100.0',
        cpuPerMillionText(run.meisai.cpuMicroseconds, run.cdrs),
        '-',
      ],
      ...run.postgresRuns.map((postgres) => [
        'postgres',
        String(postgres.workers),
        String(POSTGRES_PARTS),
        secondsText(postgres.milliseconds),
        perSecondText(run.cdrs, postgres.milliseconds),
        quotientText(run.meisai.milliseconds * 100n, postgres.milliseconds, 1),
        cpuPerMillionText(postgres.cpuMicroseconds, run.cdrs),
        postgres.serverCpuMicroseconds === null ? 'n/a' : cpuPerMillionText(postgres.serverCpuMicroseconds, run.cdrs),
      ]),
      [
        'duckdb',
        '2 threads',
        '1',
        secondsText(run.duckdbMilliseconds),
        perSecondText(run.cdrs, run.duckdbMilliseconds),
        '',
        '',
        '',
      ],
    ]);
    process.stdout.write(
      'CPU s/1M: user + system seconds per million CDRs, of the meisai processes (worker threads included) and of the PostgreSQL server ' +
        '(its processes, from /proc; n/a for a server of yours)\n',
    );
    for (const postgres of run.postgresRuns) {
      process.stdout.write(
        `cross-check PostgreSQL (${postgres.workers} workers) against DuckDB: ${postgres.failures.length === 0 ? 'identical' : `${postgres.failures.length} differences`}\n`,
      );
    }
  }
  for (const run of runs) {
    for (const comparison of run.comparisons) {
      const verdict = comparison.differenceCount === 0 ? 'identical' : `${comparison.differenceCount} rows differ`;
      process.stdout.write(
        `cross-check ${sizeLabel(run.cdrs)} ${run.ids}, ${comparison.name}: meisai ${comparison.meisaiRows} rows, DuckDB ${comparison.duckdbRows} rows, ${verdict}\n`,
      );
    }
    const { read, accepted, duplicates } = run.meisai.summary;
    process.stdout.write(
      `control totals ${sizeLabel(run.cdrs)} ${run.ids}: read ${read} = accepted ${accepted} + rejected ${read - accepted - duplicates} + duplicates ${duplicates}, as generated\n`,
    );
  }
}

function printStoreTargets(store: StoreTargetsResult): void {
  const { contract, baseBuild, growth } = store;
  process.stdout.write(
    `store part: reads of contract ${contract.contractId} ${contract.month} (${contract.calls} calls, the busiest), fastest of the read runs; ` +
      `grown store: ${baseBuild.months} months, ${store.grownStoreCalls} calls, built in ${secondsText(baseBuild.milliseconds)} s ` +
      `(months ${baseBuild.monthSeconds.join(', ')} s); fresh month ${secondsText(growth.intoEmpty.milliseconds)} s into an empty store, ` +
      `${secondsText(growth.intoGrown.milliseconds)} s into the grown one\n`,
  );
}

async function bench(options: BenchOptions): Promise<number> {
  const startedAt = process.hrtime.bigint();
  mkdirSync(options.workDirectory, { recursive: true });
  const loadBefore = noteMachineLoad('before the runs');
  const runDirectory = mkdtempSync(join(options.workDirectory, 'run-'));
  let failed = false;
  try {
    const runs: RatioRun[] = [];
    for (const cdrs of options.cdrs)
      for (const ids of options.ids) runs.push(await ratioRun(options, cdrs, ids, runDirectory));
    const store = options.targets ? await benchStoreTargets(options, runDirectory, 'sequential') : null;
    const loadAfter = noteMachineLoad('after the runs');

    printRatioRuns(runs);
    const failures = [...runs.flatMap((run) => run.failures), ...(store?.failures ?? [])];
    if (failures.length > 0) {
      process.stdout.write(
        `CROSS-CHECK FAILED (stores kept in ${runDirectory}):\n${failures.map((line) => `  ${line}`).join('\n')}\n`,
      );
      failed = true;
      return 1;
    }
    if (store === null) {
      const figures = runs.map(ratioFigures);
      process.stdout.write(`${JSON.stringify(figures.length === 1 ? figures[0] : { runs: figures })}\n`);
      return 0;
    }
    printStoreTargets(store);
    const verdicts = evaluateTargets({
      ratioRuns: runs.map((run) => ({
        cdrs: run.cdrs,
        ids: run.ids,
        meisai: run.meisai,
        duckdbMilliseconds: run.duckdbMilliseconds,
      })),
      ...store,
    });
    printTable(verdictRows(verdicts), [1, 2, 3, 4]);
    const metCount = verdicts.filter((verdict) => verdict.met).length;
    const benchMilliseconds = millisecondsSince(startedAt);
    process.stdout.write(
      `targets met: ${metCount} of ${verdicts.length}; cross-checks passed; the run took ${secondsText(benchMilliseconds)} s (load ${loadBefore} before, ${loadAfter} after)\n`,
    );
    const process_ = (measure: { milliseconds: bigint; peakRssKilobytes: bigint }) => ({
      seconds: Number(secondsText(measure.milliseconds)),
      peakRssMb: Number(megabytesText(measure.peakRssKilobytes)),
    });
    process.stdout.write(
      `${JSON.stringify({
        targetsMet: metCount,
        targets: verdicts.length,
        allMet: metCount === verdicts.length,
        verdicts,
        ratioRuns: runs.map(ratioFigures),
        growth: {
          cdrs: store.growth.cdrs,
          ids: store.growth.ids,
          baseCdrs: store.growth.baseCdrs,
          baseCalls: store.growth.baseCalls,
          intoEmpty: {
            ...process_(store.growth.intoEmpty),
            cdrsPerSecond: Number(perSecondText(store.growth.cdrs, store.growth.intoEmpty.milliseconds)),
          },
          intoGrown: {
            ...process_(store.growth.intoGrown),
            cdrsPerSecond: Number(perSecondText(store.growth.cdrs, store.growth.intoGrown.milliseconds)),
          },
          percentOfEmpty: Number(
            quotientText(store.growth.intoEmpty.milliseconds * 100n, store.growth.intoGrown.milliseconds, 1),
          ),
          baseBuildSeconds: Number(secondsText(store.baseBuild.milliseconds)),
          baseBuildMonthSeconds: store.baseBuild.monthSeconds.map(Number),
          baseBuildPeakRssMb: Number(megabytesText(store.baseBuild.peakRssKilobytes)),
        },
        contract: store.contract,
        readRuns: options.readRuns,
        reads: store.reads.map((read) => ({
          command: read.command,
          smallStore: process_(read.small),
          grownStore: process_(read.grown),
        })),
        smallStoreCdrs: store.smallStoreCdrs,
        grownStoreCdrs: store.grownStoreCdrs,
        monthWide: store.monthWide.map((run) => ({
          command: run.command,
          cdrs: run.cdrs,
          calls: run.calls,
          ...process_(run.run),
          callsPerSecond: Number(perSecondText(run.calls, run.run.milliseconds)),
        })),
        benchSeconds: Number(secondsText(benchMilliseconds)),
        loadBefore: Number(loadBefore),
        loadAfter: Number(loadAfter),
      })}\n`,
    );
    return 0;
  } finally {
    if (options.keep || failed) progress(`stores kept in ${runDirectory}`);
    else rmSync(runDirectory, { recursive: true, force: true });
  }
}

/** CPU seconds per million CDRs, two decimals. */
function cpuPerMillionText(cpuMicroseconds: bigint, cdrs: number): string {
  return quotientText(cpuMicroseconds, BigInt(cdrs), 2);
}

/** Files the CDRs are split into for the PostgreSQL runs. */
const POSTGRES_PARTS = 16;
const POSTGRES_WORKERS = [1, 2, 4];

interface PostgresRun {
  workers: number;
  milliseconds: bigint;
  /** The meisai processes' CPU, summed. */
  cpuMicroseconds: bigint;
  /** The server's CPU over the run: the bench's own cluster only (null for a server given by URL). */
  serverCpuMicroseconds: bigint | null;
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
    writeFileSync(
      join(inbox, `part-${String(part).padStart(2, '0')}.csv`),
      `${[header, ...body.slice(part * per, (part + 1) * per)].join('\n')}\n`,
    );
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
async function runPostgresWorkers(
  inbox: string,
  url: string,
  workers: number,
): Promise<{ milliseconds: bigint; cpuMicroseconds: bigint; summary: ControlTotals }> {
  const startedAt = process.hrtime.bigint();
  const runs = await Promise.all(
    Array.from({ length: workers }, () =>
      runMeisaiProcess(['ingest', '--inbox', inbox, '--db', url, '--json'], dirname(inbox)),
    ),
  );
  const milliseconds = millisecondsSince(startedAt);
  const cpuMicroseconds = runs.reduce((sum, run) => sum + run.cpuMicroseconds, 0n);
  const outputs = runs.map((run) => lastJsonLine<ControlTotals>(run));
  const summary: ControlTotals = { read: 0, accepted: 0, duplicates: 0, rejected: {} } as ControlTotals;
  for (const output of outputs) {
    summary.read += output.read;
    summary.accepted += output.accepted;
    summary.duplicates += output.duplicates;
    for (const [code, count] of Object.entries(output.rejected))
      summary.rejected[code] = (summary.rejected[code] ?? 0) + count;
  }
  return { milliseconds, cpuMicroseconds, summary };
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
      const comparison = compareFigures(
        query.name,
        [...figureColumns],
        figuresFromRows(postgresRows, query.keyColumns),
        figuresFromRows(duckdbRows, query.keyColumns),
      );
      failures.push(...comparison.differences.map((difference) => `PostgreSQL ${query.name}: ${difference}`));
    }
    return failures;
  } finally {
    await client.end();
    duckdb.closeSync();
    duckdbInstance.closeSync();
  }
}

async function benchPostgres(
  options: BenchOptions,
  csvPath: string,
  runDirectory: string,
  duckdbPath: string,
): Promise<PostgresRun[]> {
  let cluster: TestCluster | undefined;
  let serverUrl = options.db;
  if (options.db === 'postgres') {
    const bin = findPostgresBinaries();
    if (bin === undefined)
      throw new Error(
        '--db postgres needs the PostgreSQL binaries (apt-get install -y postgresql), or give --db postgres://… of a server',
      );
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
      await adminQuery(
        serverUrl,
        `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
      );
      try {
        const url = withDatabase(serverUrl, name);
        progress(`meisai on PostgreSQL, ${workers} ingest --inbox workers over ${POSTGRES_PARTS} files`);
        const serverBefore = cluster === undefined ? null : clusterCpuMicroseconds(cluster.dataDirectory);
        const run = await runPostgresWorkers(inbox, url, workers);
        // The workers' backends end as their connections close: the postmaster reaps them (and counts their CPU) just after.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const serverAfter = cluster === undefined ? null : clusterCpuMicroseconds(cluster.dataDirectory);
        const serverCpuMicroseconds = serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore;
        progress(
          `PostgreSQL ${workers} workers: ${decimalText(run.milliseconds, 3)} s, meisai CPU ${decimalText(run.cpuMicroseconds, 6)} s, ` +
            `server CPU ${serverCpuMicroseconds === null ? 'n/a' : `${decimalText(serverCpuMicroseconds, 6)} s`}`,
        );
        runs.push({ workers, ...run, serverCpuMicroseconds, failures: await crossCheckPostgres(url, duckdbPath) });
      } finally {
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
    return runs;
  } finally {
    cluster?.stop();
  }
}

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
  const cdrCount = options.cdrs[0]!;
  const file = cdrFile(options.workDirectory, { cdrs: cdrCount, seed: options.seed, ids: options.ids[0]! });
  const copies =
    profile === 'canonical'
      ? { canonicalPath: file.path, profilePath: file.path }
      : (() => {
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
        const result = await runMeisai(
          kind === 'canonical' ? copies.canonicalPath : copies.profilePath,
          store,
          runDirectory,
          kind === 'profile' ? ['--profile', profile] : [],
        );
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
      failures.push(
        `control totals: canonical ${summaryFigures(canonical.summary)}; profile ${summaryFigures(mapped.summary)}`,
      );
    }
    for (const query of CROSS_CHECK_QUERIES.slice(0, 2)) {
      const comparison = compareFigures(
        query.name,
        [...query.figureColumns],
        storeFigures(stores.canonical, query),
        storeFigures(stores.profile, query),
      );
      process.stdout.write(
        `cross-check ${query.name}: canonical ${comparison.meisaiRows} rows, profile ${comparison.duckdbRows} rows, ${comparison.differenceCount === 0 ? 'identical' : `${comparison.differenceCount} rows differ`}\n`,
      );
      failures.push(...comparison.differences.map((difference) => `${query.name}: ${difference}`));
    }
    if (failures.length > 0) {
      process.stdout.write(
        `CROSS-CHECK FAILED (stores kept in ${runDirectory}):\n${failures.map((line) => `  ${line}`).join('\n')}\n`,
      );
      options.keep = true;
      return 1;
    }
    const cdrs = BigInt(cdrCount);
    const canonicalMs = canonical.milliseconds > 0n ? canonical.milliseconds : 1n;
    const profileMs = mapped.milliseconds > 0n ? mapped.milliseconds : 1n;
    // (profile - canonical) / canonical in percent, one decimal, rounded half up on its magnitude
    const slower = profileMs >= canonicalMs;
    const costTenthsOfPercent =
      ((slower ? profileMs - canonicalMs : canonicalMs - profileMs) * 2000n + canonicalMs) / (canonicalMs * 2n);
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
      [
        String(cdrCount),
        profile,
        figures.canonicalSeconds,
        figures.profileSeconds,
        figures.profileCostPercent,
        figures.canonicalCdrsPerSecond,
        figures.profileCdrsPerSecond,
      ],
    ]);
    process.stdout.write(`control totals of both: ${summaryFigures(mapped.summary)}\n`);
    process.stdout.write(
      `${JSON.stringify({ cdrs: cdrCount, profile, runs: options.runs, ...Object.fromEntries(Object.entries(figures).map(([name, text]) => [name, Number(text)])) })}\n`,
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
    options = parseBenchArguments(process.argv.slice(2));
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
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
