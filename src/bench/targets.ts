/**
 * Issue 11's targets, judged from the bench's measurements: a pure function of exact integers
 * (milliseconds, kilobytes, counts), so that "met" never depends on a rounded or float figure.
 *
 *   1. meisai/DuckDB ≤ 1.0 for every ratio run (each size, each kind of record ids);
 *   2. a fresh month into the grown store at ≥ 90% of the CDRs/s into an empty store (same file);
 *   3. each contract-month read ≤ 0.5 s on the grown store, and ≤ 120% of its time on the one-month store;
 *   4. month-wide rerate, reconcile and close at ≥ 200,000 calls/s;
 *   5. peak RSS ≤ 256 MB for every process measured above.
 */
import { megabytesText, quotientText, secondsText, sizeLabel } from './figures';
import type { RecordIds } from './generateCdrs';

export interface ProcessMeasure {
  milliseconds: bigint;
  peakRssKilobytes: bigint;
}

export interface RatioMeasure {
  cdrs: number;
  ids: RecordIds;
  meisai: ProcessMeasure;
  duckdbMilliseconds: bigint;
}

export interface GrowthMeasure {
  /** Rows of the fresh month's file. */
  cdrs: number;
  /** CDRs ingested into the grown store before the fresh month, and the calls it held then. */
  baseCdrs: number;
  baseCalls: number;
  ids: RecordIds;
  intoEmpty: ProcessMeasure;
  intoGrown: ProcessMeasure;
}

export const READ_COMMANDS = ['statement', 'calls', 'reconcile --contract', 'rerate --contract'] as const;
export type ReadCommand = (typeof READ_COMMANDS)[number];

export interface ReadMeasure {
  command: ReadCommand;
  /** On the store of one month (issue 11's 1M-call store). */
  small: ProcessMeasure;
  /** On the grown store (issue 11's 10M-call store), before the fresh month. */
  grown: ProcessMeasure;
}

export const MONTH_WIDE_COMMANDS = ['rerate --month', 'reconcile --month', 'close --month'] as const;
export type MonthWideCommand = (typeof MONTH_WIDE_COMMANDS)[number];

export interface MonthWideMeasure {
  command: MonthWideCommand;
  /** CDRs of the month's file, and the calls of the month they made. */
  cdrs: number;
  calls: number;
  run: ProcessMeasure;
}

export interface TargetMeasures {
  ratioRuns: RatioMeasure[];
  /** Absent when the run had no store part (a quick run). */
  growth?: GrowthMeasure;
  reads: ReadMeasure[];
  /** CDRs ingested into the one-month store and into the grown store (before the fresh month), for the labels. */
  smallStoreCdrs: number;
  grownStoreCdrs: number;
  monthWide: MonthWideMeasure[];
}

export interface TargetVerdict {
  target: number;
  measure: string;
  figure: string;
  goal: string;
  met: boolean;
}

export const RSS_LIMIT_KILOBYTES = 256n * 1024n;
export const READ_LIMIT_MILLISECONDS = 500n;
export const MONTH_WIDE_CALLS_PER_SECOND = 200_000n;

/** CDRs (or calls) per second, whole. */
export function perSecondText(count: number, milliseconds: bigint): string {
  return quotientText(BigInt(count) * 1000n, milliseconds, 0);
}

/** `a / b - 1` in percent, one decimal, signed. */
function changePercentText(after: bigint, before: bigint): string {
  const divisor = before > 0n ? before : 1n;
  const slower = after >= divisor;
  const magnitude = quotientText((slower ? after - divisor : divisor - after) * 100n, divisor, 1);
  return `${slower ? '+' : '-'}${magnitude}%`;
}

export function evaluateTargets(measures: TargetMeasures): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const processes: [string, ProcessMeasure][] = [];
  for (const run of measures.ratioRuns) {
    const measure = `meisai/DuckDB, ${sizeLabel(run.cdrs)} CDRs, ${run.ids} ids`;
    verdicts.push({
      target: 1,
      measure,
      figure: `${quotientText(run.meisai.milliseconds, run.duckdbMilliseconds, 2)} (${secondsText(run.meisai.milliseconds)} s / ${secondsText(run.duckdbMilliseconds)} s)`,
      goal: '≤ 1.00',
      met: run.meisai.milliseconds <= run.duckdbMilliseconds,
    });
    processes.push([`ingest ${sizeLabel(run.cdrs)} ${run.ids}`, run.meisai]);
  }
  const growth = measures.growth;
  if (growth !== undefined) {
    // (cdrs / grown) / (cdrs / empty) = empty / grown ≥ 9/10
    verdicts.push({
      target: 2,
      measure: `fresh ${sizeLabel(growth.cdrs)} month (${growth.ids} ids) into a ${sizeLabel(growth.baseCdrs)}-CDR store`,
      figure: `${quotientText(growth.intoEmpty.milliseconds * 100n, growth.intoGrown.milliseconds, 1)}% (${perSecondText(growth.cdrs, growth.intoGrown.milliseconds)} vs ${perSecondText(growth.cdrs, growth.intoEmpty.milliseconds)} CDRs/s)`,
      goal: '≥ 90% of empty',
      met: growth.intoEmpty.milliseconds * 10n >= growth.intoGrown.milliseconds * 9n,
    });
    processes.push(
      [`fresh month into an empty store`, growth.intoEmpty],
      [`fresh month into the ${sizeLabel(growth.baseCdrs)} store`, growth.intoGrown],
    );
  }
  const [small, grown] = [sizeLabel(measures.smallStoreCdrs), sizeLabel(measures.grownStoreCdrs)];
  for (const read of measures.reads) {
    verdicts.push({
      target: 3,
      measure: `${read.command}, ${grown}-CDR store`,
      figure: `${secondsText(read.grown.milliseconds)} s`,
      goal: '≤ 0.500 s',
      met: read.grown.milliseconds <= READ_LIMIT_MILLISECONDS,
    });
    // grown ≤ 1.2 × small, i.e. 5 × grown ≤ 6 × small
    verdicts.push({
      target: 3,
      measure: `${read.command}, ${grown} vs ${small} store`,
      figure: `${changePercentText(read.grown.milliseconds, read.small.milliseconds)} (${secondsText(read.small.milliseconds)} s on ${small})`,
      goal: '≤ +20%',
      met: read.grown.milliseconds * 5n <= read.small.milliseconds * 6n,
    });
    processes.push([`${read.command} on ${small}`, read.small], [`${read.command} on ${grown}`, read.grown]);
  }
  for (const run of measures.monthWide) {
    verdicts.push({
      target: 4,
      measure: `${run.command}, ${sizeLabel(run.cdrs)}-CDR month (${run.calls} calls)`,
      figure: `${perSecondText(run.calls, run.run.milliseconds)} calls/s (${secondsText(run.run.milliseconds)} s)`,
      goal: '≥ 200000 calls/s',
      met: BigInt(run.calls) * 1000n >= MONTH_WIDE_CALLS_PER_SECOND * run.run.milliseconds,
    });
    processes.push([run.command, run.run]);
  }
  for (const [name, run] of processes) {
    verdicts.push({
      target: 5,
      measure: `peak RSS, ${name}`,
      figure: `${megabytesText(run.peakRssKilobytes)} MB`,
      goal: '≤ 256 MB',
      met: run.peakRssKilobytes <= RSS_LIMIT_KILOBYTES,
    });
  }
  return verdicts;
}

/** The verdicts as table rows, a header first. */
export function verdictRows(verdicts: TargetVerdict[]): string[][] {
  return [
    ['#', 'measure', 'figure', 'target', 'verdict'],
    ...verdicts.map((verdict) => [
      String(verdict.target),
      verdict.measure,
      verdict.figure,
      verdict.goal,
      verdict.met ? 'met' : 'NOT MET',
    ]),
  ];
}
