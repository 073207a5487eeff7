/**
 * The options of `npm run bench` (src/bench/bench.ts), parsed without side effects so that they
 * can be tested. `--targets` is the whole run of issue 11; without it the bench is the quick
 * ratio run of issue 4 (or the `--profile` run).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MONTH_OFFSET, RecordIds, recordIdsOption, wholeNumber } from './generateCdrs';

export interface BenchOptions {
  /** Sizes of the ratio runs (meisai ingest against DuckDB), each on a fresh store. */
  cdrs: number[];
  seed: number;
  workDirectory: string;
  keep: boolean;
  /** sqlite (only), postgres (a throwaway cluster) or a postgres:// server URL. */
  db: string;
  profile: string | null;
  runs: number;
  /** Record ids of the ratio runs: each size is run with every one of these. */
  ids: RecordIds[];
  /** The issue-11 run: ratio runs, store growth, reads and month-wide runs, each against its target. */
  targets: boolean;
  /** Calls the grown store holds before the fresh month comes in (a whole number of months). */
  growthBase: number;
  /** CDRs of one month: the small store of the reads, the month-wide runs, each month of the grown store, the fresh month. */
  monthCdrs: number;
  /** Times each read is run on each store; the fastest counts. */
  readRuns: number;
}

export const BENCH_PROFILES = ['canonical', 'jp-fixed-128-cp932'];

export const USAGE = [
  'usage: npm run bench -- [--cdrs N[,N…]] [--ids sequential|uuid|both] [--seed S] [--work-dir DIR] [--keep] [--db sqlite|postgres|postgres://…]',
  '       npm run bench -- --targets [--cdrs 2000000,10000000] [--ids both] [--growth-base 10000000] [--month-cdrs 1000000] [--read-runs 3]',
  '       npm run bench -- --profile canonical|jp-fixed-128-cp932 [--cdrs N] [--runs N]',
].join('\n');

export class UsageError extends Error {}

/** `--help` or `-h`: the usage is the answer (on stdout, exit 0), not an error. */
export class HelpRequested extends UsageError {
  constructor() {
    super('help');
  }
}

/** Issue 11's sizes: the ratio at 2M and 10M CDRs, a store of 10M calls, months of 1M. */
export const TARGET_DEFAULTS = {
  cdrs: [2_000_000, 10_000_000],
  ids: ['sequential', 'uuid'] as RecordIds[],
  growthBase: 10_000_000,
  monthCdrs: 1_000_000,
};

function sizeList(name: string, value: string): number[] {
  const sizes = value.split(',').map((part) => wholeNumber(name, part.trim()));
  if (sizes.some((size) => size < 1)) throw new UsageError(`${name}: every size is at least 1`);
  return [...new Set(sizes)];
}

function idsList(value: string): RecordIds[] {
  if (value === 'both') return ['sequential', 'uuid'];
  return [recordIdsOption(value)];
}

export function parseBenchArguments(argv: string[]): BenchOptions {
  const given: Partial<BenchOptions> = {};
  const options: BenchOptions = {
    cdrs: [100_000],
    seed: 1,
    workDirectory: join(tmpdir(), 'meisai-bench'),
    keep: false,
    db: 'sqlite',
    profile: null,
    runs: 2,
    ids: ['sequential'],
    targets: false,
    growthBase: TARGET_DEFAULTS.growthBase,
    monthCdrs: TARGET_DEFAULTS.monthCdrs,
    readRuns: 3,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index]!;
    if (name === '--help' || name === '-h') throw new HelpRequested();
    if (name === '--keep' || name === '--targets') {
      options[name === '--keep' ? 'keep' : 'targets'] = true;
      continue;
    }
    const value = argv[index + 1];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    index += 1;
    try {
      if (name === '--cdrs') given.cdrs = sizeList(name, value);
      else if (name === '--seed') options.seed = wholeNumber(name, value);
      else if (name === '--work-dir') options.workDirectory = value;
      else if (name === '--ids') given.ids = idsList(value);
      else if (name === '--profile') {
        if (!BENCH_PROFILES.includes(value))
          throw new UsageError(
            `--profile: the bench writes its records in the layouts of ${BENCH_PROFILES.join(' and ')} only`,
          );
        options.profile = value;
      } else if (name === '--runs') options.runs = wholeNumber(name, value);
      else if (name === '--db') {
        if (value !== 'sqlite' && value !== 'postgres' && !/^postgres(ql)?:\/\//.test(value))
          throw new UsageError('--db is sqlite, postgres or a postgres://… URL');
        options.db = value;
      } else if (name === '--growth-base') given.growthBase = wholeNumber(name, value);
      else if (name === '--month-cdrs') given.monthCdrs = wholeNumber(name, value);
      else if (name === '--read-runs') options.readRuns = wholeNumber(name, value);
      else throw new UsageError(`unknown option ${name}`);
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError((error as Error).message);
    }
  }
  options.cdrs = given.cdrs ?? (options.targets ? TARGET_DEFAULTS.cdrs : options.cdrs);
  options.ids = given.ids ?? (options.targets ? TARGET_DEFAULTS.ids : options.ids);
  options.growthBase = given.growthBase ?? options.growthBase;
  options.monthCdrs = given.monthCdrs ?? options.monthCdrs;
  if (!options.targets && (given.growthBase !== undefined || given.monthCdrs !== undefined))
    throw new UsageError('--growth-base and --month-cdrs belong to --targets');
  if (options.targets && options.profile !== null) throw new UsageError('--targets and --profile are separate runs');
  if (options.profile !== null && (options.cdrs.length > 1 || options.ids.length > 1))
    throw new UsageError('--profile runs one size with one kind of record ids');
  if (options.runs < 1 || options.readRuns < 1) throw new UsageError('--runs and --read-runs are at least 1');
  if (options.targets) {
    if (options.monthCdrs < 1) throw new UsageError('--month-cdrs must be at least 1');
    if (options.growthBase < options.monthCdrs || options.growthBase % options.monthCdrs !== 0) {
      throw new UsageError(
        `--growth-base is a whole number of months of --month-cdrs ${options.monthCdrs} calls, not ${options.growthBase}`,
      );
    }
    // the fresh month comes after the base months; a later month's file holds fewer than 10^8 rows
    if (options.growthBase / options.monthCdrs > MAX_MONTH_OFFSET)
      throw new UsageError(`--growth-base holds at most ${MAX_MONTH_OFFSET} months of --month-cdrs`);
    if (options.monthCdrs >= 100_000_000) throw new UsageError('--month-cdrs is below 100000000');
  }
  return options;
}
