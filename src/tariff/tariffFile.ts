import { RoundingRule } from '../money/scaledYen';
import { CallType } from '../numbering/callType';

/** The tariff file format this code reads; older files are migrated by `meisai tariffs migrate`. */
export const TARIFF_FORMAT = 2;

/** Per-call rounding: a rule, or `none` (keep the exact charge; only the statement row is rounded). */
export type CallRoundingRule = RoundingRule | { mode: 'none' };

/** A tariff version as written in `data/tariffs/*.json` (format 2; amounts are decimal strings). */
export interface TariffFile {
  format: typeof TARIFF_FORMAT;
  id: string;
  plan: string;
  name?: string;
  currency: 'JPY';
  taxIncluded: false;
  effectiveFrom: string;
  effectiveTo?: string;
  rounding: { call: CallRoundingRule; statementRow: RoundingRule };
  timeBands?: TimeBandsFile;
  rates: RateFile[];
  /**
   * Calls between numbers of one contract (内線通話 / family calls): the rate of an outbound call
   * whose peer is another 050 number of the caller's own contract on the day of the call (the
   * customers file). Absent: such calls are rated as any other IP call.
   */
  sameContract?: SameContractRateFile;
  chakuwari: ChakuwariFile;
  /** 無料通話分: monthly allowances covering outbound charges before 着割; absent: none. */
  allowances?: AllowanceFile[];
}

/** A rate without a type, prefixes or band of its own: it prices every same-contract call (IP calls), at any hour unless it has `timeBands`. */
export type SameContractRateFile = Omit<RateFile, 'type' | 'prefixes' | 'band'>;

/**
 * Time bands choose a rate by when a call is made (Japan time). The first band that matches a
 * moment is its band. `boundary` says how a call that crosses into another band is rated:
 * `start-band` wholly by the band it started in, `split` each part by its own band.
 */
export interface TimeBandsFile {
  boundary: 'start-band' | 'split';
  /** The national-holiday table the `holiday` day type reads, named by id and pinned by hash. */
  holidayCalendar?: { id: string; sha256: string };
  bands: TimeBandFile[];
}

export interface TimeBandFile {
  id: string;
  /**
   * Day types: `weekday` (Monday to Friday, national holidays excluded), `saturday`, `sunday`,
   * `holiday` (a national holiday of the calendar), a date `MM-DD` or a range `12-31..01-03`.
   * Absent: every day.
   */
  days?: string[];
  /** Time of day `HH:MM`, from inclusive to exclusive; `23:00`–`08:00` runs over midnight. Absent: the whole day. */
  from?: string;
  to?: string;
  note?: string;
}

export interface RateFile {
  id: string;
  type: CallType;
  /** Peer prefixes (or same-length ranges `0503300-0503450`) this rate overrides; absent: the type's default. */
  prefixes?: string[];
  /** The time band this rate applies in; absent: every band without a rate of its own. */
  band?: string;
  /** Charged once per call of non-zero duration (connect fee). */
  connectFee?: string;
  /** The least and the most a call costs (fee included), before per-call rounding. */
  minimumCharge?: string;
  maximumCharge?: string;
  /**
   * `graduated` (the default): each step prices the elapsed time inside it; `volume`: the whole
   * call is priced by the step its duration reaches (a call over 60 s wholly at the second price).
   */
  pricing?: 'graduated' | 'volume';
  /** Elapsed-time steps, the first from 0 s, each with its own price, rate unit and increment. */
  steps: StepFile[];
  /**
   * The rate's own time bands: in a band, the band's steps replace the rate's (fee, limits and
   * pricing stay the rate's). A moment in none of them keeps the rate's steps. Holidays are read
   * from the rate's calendar, else the tariff's.
   */
  timeBands?: RateTimeBandsFile;
  note?: string;
}

export interface RateTimeBandsFile {
  boundary: 'start-band' | 'split';
  holidayCalendar?: { id: string; sha256: string };
  bands: (TimeBandFile & { steps: StepFile[] })[];
}

/**
 * `price` per rate unit, charged per started increment, from `fromSeconds` of elapsed time. The
 * rate unit and the increment are each given in whole seconds or in milliseconds (a tenth of a
 * second is `incrementMilliseconds: 100`); any length, not only divisors of an hour.
 */
export interface StepFile {
  fromSeconds: number;
  price: string;
  rateUnitSeconds?: number;
  rateUnitMilliseconds?: number;
  incrementSeconds?: number;
  incrementMilliseconds?: number;
  /** A flat amount charged when the call enters this step. */
  flatFee?: string;
}

export interface ChakuwariFile {
  eligibleCallerTypes: CallType[];
  unitSeconds: number;
  discountPerUnit: string;
  rounding: RoundingRule;
  cap: 'outbound-call-charges';
}

/**
 * A monthly allowance (無料通話分): `yen` of charges or `minutes` of call time (exactly one), for
 * the outbound calls of `callTypes` (and, when given, to peers starting with one of `prefixes`),
 * shared by the contract's numbers or one for each number. Unused allowance lapses at the month's
 * end unless `carryOver` is `next-month` (carried into the next month only, used there first).
 */
export interface AllowanceFile {
  id: string;
  per: 'contract' | 'number';
  yen?: string;
  minutes?: number;
  callTypes: Exclude<CallType, 'international'>[];
  prefixes?: string[];
  carryOver?: 'next-month';
  note?: string;
}
