/**
 * The store part of issue 11's bench (targets 2 to 5), every step `node bin/meisai …` as a child
 * process timed as a whole, with its peak RSS:
 *
 * 1. The one-month store: month 0 (April 2011, `monthCdrs` CDRs) ingested into an empty store.
 *    On it, one contract-month's `statement`, `calls`, `reconcile --contract` and
 *    `rerate --contract`, each `readRuns` times (the fastest counts); the contract is the
 *    busiest of the month (the generator says which, and how many calls). Then the month-wide
 *    `rerate --month`, `reconcile --month` and `close --month` of that month, in that order.
 * 2. The grown store: months 0, 1, … (`growthBase / monthCdrs` of them, the same calls each month,
 *    starts and record ids of their own) ingested one file at a time, rebuilt on every run (its
 *    build time is reported). On it, the same reads of the same contract-month (the same calls,
 *    so the same output is required), then the fresh month (the next one) is ingested into it.
 * 3. The same fresh-month file into an empty store: the growth target compares the two.
 *
 * Checks (a failure fails the bench): every ingest's control totals are the generator's;
 * `calls` lists the contract's calls; `statement` and `calls` print the same bytes on both
 * stores; reconcile exits 0 (all agree); the fresh month's statement of the contract is the
 * same in the grown store as in the empty one.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchOptions } from './benchOptions';
import { CdrFile, cdrFile, progress } from './cdrFiles';
import type { ControlTotals } from './duckdbRating';
import { megabytesText, millisecondsSince, secondsText, sizeLabel } from './figures';
import { busiestContract, ExpectedCounts, RecordIds } from './generateCdrs';
import { lastJsonLine, MeisaiProcessRun, runMeisaiProcess } from './meisaiProcess';
import {
  GrowthMeasure,
  MonthWideCommand,
  MonthWideMeasure,
  ProcessMeasure,
  READ_COMMANDS,
  ReadCommand,
  ReadMeasure,
} from './targets';

export interface StoreTargetsResult {
  growth: GrowthMeasure;
  reads: ReadMeasure[];
  monthWide: MonthWideMeasure[];
  smallStoreCdrs: number;
  grownStoreCdrs: number;
  /** Calls the grown store held before the fresh month. */
  grownStoreCalls: number;
  contract: { contractId: string; month: string; calls: number };
  /** Building the grown store: its months' ingests, one process each. */
  baseBuild: { months: number; milliseconds: bigint; monthSeconds: string[]; peakRssKilobytes: bigint };
  failures: string[];
}

/** Differences between an ingest's control totals and the generator's counts of its file. */
export function ingestDifferences(who: string, totals: ControlTotals, expected: ExpectedCounts): string[] {
  const differences: string[] = [];
  const rejectedCount = Object.values(totals.rejected).reduce((sum, count) => sum + count, 0);
  if (totals.read !== totals.accepted + rejectedCount + totals.duplicates) {
    differences.push(
      `${who}: read ${totals.read} ≠ accepted ${totals.accepted} + rejected ${rejectedCount} + duplicates ${totals.duplicates}`,
    );
  }
  for (const field of ['read', 'accepted', 'duplicates'] as const) {
    if (totals[field] !== expected[field])
      differences.push(`${who}: ${field} ${totals[field]}, the generator made ${expected[field]}`);
  }
  const codes = [...new Set([...Object.keys(totals.rejected), ...Object.keys(expected.rejected)])].sort();
  for (const code of codes) {
    const found = totals.rejected[code] ?? 0;
    const made = expected.rejected[code] ?? 0;
    if (found !== made) differences.push(`${who}: rejected ${code} ${found}, the generator made ${made}`);
  }
  return differences;
}

function measureOf(run: MeisaiProcessRun): ProcessMeasure {
  return { milliseconds: run.milliseconds, peakRssKilobytes: run.peakRssKilobytes };
}

function describe(run: MeisaiProcessRun): string {
  return `${secondsText(run.milliseconds)} s, peak RSS ${megabytesText(run.peakRssKilobytes)} MB`;
}

/** The number of calls a `calls` CSV lists: its lines after the header (a BOM may lead). */
function csvCallCount(output: Buffer): number {
  const lines = output
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return Math.max(0, lines.length - 1);
}

interface StoreRun {
  scratch: string;
  failures: string[];
}

async function ingest(run: StoreRun, file: CdrFile, store: string, who: string): Promise<MeisaiProcessRun> {
  const result = await runMeisaiProcess(['ingest', file.path, '--db', store, '--json'], run.scratch);
  run.failures.push(...ingestDifferences(who, lastJsonLine<ControlTotals>(result), file.expected));
  return result;
}

function readArguments(command: ReadCommand, store: string, contractId: string, month: string): string[] {
  const common = ['--contract', contractId, '--month', month, '--db', store];
  if (command === 'statement') return ['statement', ...common];
  if (command === 'calls') return ['calls', ...common];
  if (command === 'reconcile --contract') return ['reconcile', ...common];
  return ['rerate', ...common];
}

/** Each read `runs` times on the store: the fastest run of each, and its output. */
async function timeReads(
  run: StoreRun,
  store: string,
  storeName: string,
  contractId: string,
  month: string,
  runs: number,
): Promise<Map<ReadCommand, MeisaiProcessRun>> {
  const fastest = new Map<ReadCommand, MeisaiProcessRun>();
  for (let attempt = 1; attempt <= runs; attempt += 1) {
    for (const command of READ_COMMANDS) {
      // reconcile exits 1 when something disagrees: a finding, not a crash
      const result = await runMeisaiProcess(
        readArguments(command, store, contractId, month),
        run.scratch,
        command.startsWith('reconcile') ? [0, 1] : [0],
      );
      if (result.exitCode !== 0)
        run.failures.push(
          `${command} on the ${storeName} store exited ${result.exitCode}:\n${result.stdout.toString('utf8').slice(0, 2000)}`,
        );
      const best = fastest.get(command);
      if (best === undefined || result.milliseconds < best.milliseconds) fastest.set(command, result);
    }
  }
  for (const [command, result] of fastest)
    progress(`${command} on the ${storeName} store: ${describe(result)} (fastest of ${runs})`);
  return fastest;
}

const MONTH_WIDE_ARGUMENTS: Record<MonthWideCommand, (month: string, store: string) => string[]> = {
  'rerate --month': (month, store) => ['rerate', '--month', month, '--db', store, '--json'],
  'reconcile --month': (month, store) => ['reconcile', '--month', month, '--db', store],
  'close --month': (month, store) => ['close', '--month', month, '--db', store],
};

export async function benchStoreTargets(
  options: BenchOptions,
  runDirectory: string,
  ids: RecordIds,
): Promise<StoreTargetsResult> {
  const run: StoreRun = { scratch: runDirectory, failures: [] };
  const months = options.growthBase / options.monthCdrs;
  const monthFile = (monthOffset: number): CdrFile =>
    cdrFile(options.workDirectory, { cdrs: options.monthCdrs, seed: options.seed, ids, monthOffset });
  const firstMonth = monthFile(0);
  const freshMonth = monthFile(months);
  const month = firstMonth.expected.month;
  const busiest = busiestContract({ cdrs: options.monthCdrs, seed: options.seed, ids, monthOffset: 0 });
  const contract = { ...busiest, month };
  progress(`reads of contract ${busiest.contractId}, ${month}: ${busiest.calls} calls (the busiest of the month)`);

  // 1. the one-month store: reads, then the month-wide runs
  const smallStore = join(runDirectory, 'one-month.sqlite');
  progress(`one-month store: ingest ${firstMonth.path}`);
  const smallIngest = await ingest(run, firstMonth, smallStore, 'one-month store ingest');
  progress(`one-month store: ${describe(smallIngest)}`);
  const smallReads = await timeReads(
    run,
    smallStore,
    `${sizeLabel(options.monthCdrs)}-CDR`,
    busiest.contractId,
    month,
    options.readRuns,
  );
  const listed = csvCallCount(smallReads.get('calls')!.stdout);
  if (listed !== busiest.calls)
    run.failures.push(
      `calls of ${busiest.contractId} ${month}: the export lists ${listed}, the generator made ${busiest.calls}`,
    );
  const monthWide: MonthWideMeasure[] = [];
  for (const [command, argumentsOf] of Object.entries(MONTH_WIDE_ARGUMENTS) as [
    MonthWideCommand,
    (typeof MONTH_WIDE_ARGUMENTS)[MonthWideCommand],
  ][]) {
    const result = await runMeisaiProcess(
      argumentsOf(month, smallStore),
      run.scratch,
      command.startsWith('reconcile') ? [0, 1] : [0],
    );
    if (result.exitCode !== 0)
      run.failures.push(
        `${command} ${month} exited ${result.exitCode}:\n${result.stdout.toString('utf8').slice(0, 2000)}`,
      );
    if (command === 'rerate --month') {
      const rerated = lastJsonLine<{ calls: number }>(result).calls;
      if (rerated !== firstMonth.expected.accepted)
        run.failures.push(`rerate --month ${month}: ${rerated} calls, the month holds ${firstMonth.expected.accepted}`);
    }
    progress(`${command} ${month}: ${describe(result)}`);
    monthWide.push({ command, cdrs: options.monthCdrs, calls: firstMonth.expected.accepted, run: measureOf(result) });
  }
  if (!options.keep) for (const suffix of ['', '-wal', '-shm']) rmSync(`${smallStore}${suffix}`, { force: true });

  // 2. the grown store, rebuilt month by month; the same reads on it
  const grownStore = join(runDirectory, 'grown.sqlite');
  const buildStartedAt = process.hrtime.bigint();
  const monthSeconds: string[] = [];
  let grownStoreCalls = 0;
  let buildPeakRss = 0n;
  for (let offset = 0; offset < months; offset += 1) {
    const file = offset === 0 ? firstMonth : monthFile(offset);
    const result = await ingest(run, file, grownStore, `grown store, month ${file.expected.month}`);
    grownStoreCalls += file.expected.accepted;
    monthSeconds.push(secondsText(result.milliseconds));
    if (result.peakRssKilobytes > buildPeakRss) buildPeakRss = result.peakRssKilobytes;
    progress(`grown store: month ${file.expected.month} in ${describe(result)}, ${grownStoreCalls} calls stored`);
  }
  const baseBuild = {
    months,
    milliseconds: millisecondsSince(buildStartedAt),
    monthSeconds,
    peakRssKilobytes: buildPeakRss,
  };
  progress(`grown store of ${grownStoreCalls} calls built in ${secondsText(baseBuild.milliseconds)} s`);
  const grownReads = await timeReads(
    run,
    grownStore,
    `${sizeLabel(options.growthBase)}-CDR`,
    busiest.contractId,
    month,
    options.readRuns,
  );
  for (const command of ['statement', 'calls'] as const) {
    if (!smallReads.get(command)!.stdout.equals(grownReads.get(command)!.stdout)) {
      run.failures.push(
        `${command} --contract ${busiest.contractId} --month ${month}: the grown store prints other bytes than the one-month store`,
      );
    }
  }

  // 3. the fresh month: into an empty store, then into the grown store (the same file)
  const emptyStore = join(runDirectory, 'fresh-month.sqlite');
  const intoEmpty = await ingest(run, freshMonth, emptyStore, 'fresh month into an empty store');
  progress(`fresh month ${freshMonth.expected.month} into an empty store: ${describe(intoEmpty)}`);
  const intoGrown = await ingest(
    run,
    freshMonth,
    grownStore,
    `fresh month into the ${sizeLabel(grownStoreCalls)}-call store`,
  );
  progress(`fresh month ${freshMonth.expected.month} into the ${grownStoreCalls}-call store: ${describe(intoGrown)}`);
  const statementOf = async (store: string) =>
    (
      await runMeisaiProcess(
        ['statement', '--contract', busiest.contractId, '--month', freshMonth.expected.month, '--db', store],
        run.scratch,
      )
    ).stdout;
  if (!(await statementOf(emptyStore)).equals(await statementOf(grownStore))) {
    run.failures.push(
      `statement of ${busiest.contractId} ${freshMonth.expected.month}: the grown store and the empty one differ`,
    );
  }
  return {
    growth: {
      cdrs: options.monthCdrs,
      baseCdrs: options.growthBase,
      baseCalls: grownStoreCalls,
      ids,
      intoEmpty: measureOf(intoEmpty),
      intoGrown: measureOf(intoGrown),
    },
    reads: READ_COMMANDS.map((command) => ({
      command,
      small: measureOf(smallReads.get(command)!),
      grown: measureOf(grownReads.get(command)!),
    })),
    monthWide,
    smallStoreCdrs: options.monthCdrs,
    grownStoreCdrs: options.growthBase,
    grownStoreCalls,
    contract,
    baseBuild,
    failures: run.failures,
  };
}
