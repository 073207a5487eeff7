import {
  greatestCommonDivisor,
  parseYenAmount,
  RoundingRule,
  roundingRuleProblem,
  shownDecimals,
} from '../money/scaledYen';
import { CALL_TYPES, CallType } from '../numbering/callType';
import { japanDateStartMs } from '../time/japanTime';
import { HolidayCalendar } from './holidayCalendar';
import { AllowanceFile, CallRoundingRule, RateFile, StepFile, TariffFile, TimeBandsFile } from './tariffFile';
import { TimeBands } from './timeBands';

/**
 * Exact charges are integer counts of parts: 3600 parts make one scaled yen (1/10,000 yen).
 * A step whose increment costs a whole number of parts (any rate unit dividing 3600 s charged
 * per whole seconds, most others too) is summed in parts; one that does not (16 yen per 7 s
 * charged per 1 s: 16/7 yen a second) is summed as an exact fraction of parts and must be
 * rounded per call.
 */
export const EXACT_PARTS_PER_SCALED_YEN = 3600;

/** One elapsed-time step of a rate, ready for arithmetic. */
export interface RateStep {
  fromMs: number;
  /** Where the next step starts (Infinity for the last). */
  toMs: number;
  priceScaled: number;
  /** For display: the rate unit and increment in seconds (fractions for millisecond units). */
  rateUnitSeconds: number;
  incrementSeconds: number;
  rateUnitMs: number;
  incrementMs: number;
  /** The parts one increment costs (incrementMs × price × 3600 / rateUnitMs), or null when that is not a whole number. */
  partsPerIncrement: number | null;
  /** The same as a reduced fraction, always. */
  partsPerIncrementNumerator: bigint;
  partsPerIncrementDenominator: bigint;
  /** A flat amount charged when the call enters this step (scaled yen; 0 for none). */
  flatFee: number;
}

/** `graduated`: each step prices the time inside it; `volume`: the whole call at the step its duration reaches. */
export type RatePricing = 'graduated' | 'volume';

/** A rate ready for arithmetic: amounts in scaled yen, times in milliseconds. */
export interface Rate {
  id: string;
  type: CallType;
  /** The prefix that selected this rate (for traceability), or null for the type's default. */
  prefix: string | null;
  band: string | null;
  connectFee: number;
  minimumCharge: number | null;
  maximumCharge: number | null;
  pricing: RatePricing;
  steps: RateStep[];
  /** The rate's own time bands (a destination's night or New Year price), or null. */
  ownBands: RateBands | null;
}

/** A rate's own time bands and the variant of the rate in each. */
export interface RateBands {
  timeBands: TimeBands;
  variants: ReadonlyMap<string, Rate>;
}

export interface Chakuwari {
  eligibleCallerTypes: ReadonlySet<CallType>;
  unitMs: number;
  discountPerUnit: number;
  rounding: RoundingRule;
}

/** A monthly allowance (無料通話分) ready for arithmetic: an amount of scaled yen or of milliseconds. */
export interface Allowance {
  id: string;
  per: 'contract' | 'number';
  unit: 'yen' | 'minutes';
  /** Scaled yen (unit yen) or milliseconds (unit minutes) each month. */
  amount: number;
  callTypes: ReadonlySet<CallType>;
  /** Peer prefixes it is limited to, or null for every peer of its types. */
  prefixes: readonly string[] | null;
  /** next-month: what is left of its own amount is carried into the next month (used first there, then lapses); null: none. */
  carryOver: 'next-month' | null;
}

interface RateTable {
  defaultRate: Rate;
  byPrefix: Map<string, Rate>;
  longestPrefix: number;
}

/** Rates without a band, keyed here by the empty string. */
const ANY_BAND = '';

/** One tariff version, compiled for rating. */
export class Tariff {
  readonly id: string;
  readonly plan: string;
  readonly fromMs: number;
  toMs: number;
  readonly callRounding: CallRoundingRule;
  readonly statementRounding: RoundingRule;
  readonly chakuwari: Chakuwari;
  /** 無料通話分, in the file's order (the order a call uses them in); empty when the plan has none. */
  readonly allowances: readonly Allowance[];
  /** Null when the version has no time bands. */
  readonly timeBands: TimeBands | null;
  /** The rate of calls between numbers of one contract, or null (rated as any other call). */
  readonly sameContractRate: Rate | null;
  private readonly tables = new Map<string, Map<CallType, RateTable>>();

  constructor(
    readonly file: TariffFile,
    calendars: ReadonlyMap<string, HolidayCalendar> = new Map(),
  ) {
    this.id = file.id;
    this.plan = file.plan;
    this.fromMs = japanDateStartMs(file.effectiveFrom);
    this.toMs = file.effectiveTo === undefined ? Number.POSITIVE_INFINITY : japanDateStartMs(file.effectiveTo);
    if (this.toMs <= this.fromMs) throw new RangeError(`tariff ${file.id}: effectiveTo is not after effectiveFrom`);
    const roundings: [string, RoundingRule | { mode: 'none' }][] = [
      ['rounding.call', file.rounding.call],
      ['rounding.statementRow', file.rounding.statementRow],
      ['chakuwari.rounding', file.chakuwari.rounding],
    ];
    for (const [where, rule] of roundings) {
      const problem = rule.mode === 'none' ? null : roundingRuleProblem(rule);
      if (problem !== null) throw new RangeError(`tariff ${file.id}: ${where}: ${problem}`);
    }
    if (shownDecimals(file.chakuwari.rounding) > shownDecimals(file.rounding.statementRow)) {
      throw new RangeError(`tariff ${file.id}: 着割 is rounded to more decimals than the statement rows show`);
    }
    this.callRounding = file.rounding.call;
    this.statementRounding = file.rounding.statementRow;
    this.chakuwari = {
      eligibleCallerTypes: new Set(file.chakuwari.eligibleCallerTypes),
      unitMs: file.chakuwari.unitSeconds * 1000,
      discountPerUnit: parseYenAmount(file.chakuwari.discountPerUnit),
      rounding: file.chakuwari.rounding,
    };
    this.allowances = compileAllowances(file);
    this.timeBands =
      file.timeBands === undefined ? null : compileTimeBands(`tariff ${file.id}`, file.timeBands, calendars);
    this.compileRates(file.rates, calendars);
    const sameContract =
      file.sameContract === undefined ? undefined : ({ ...file.sameContract, type: 'ip' } satisfies RateFile);
    if (sameContract !== undefined && file.rates.some((rate) => rate.id === sameContract.id))
      throw new RangeError(`tariff ${this.id}: rate id ${sameContract.id} is used twice`);
    this.sameContractRate = sameContract === undefined ? null : compileRate(file, sameContract, null, calendars);
    if (file.rounding.call.mode === 'none') {
      const fractional = (rate: Rate): boolean =>
        rate.steps.some((step) => step.partsPerIncrement === null) ||
        [...(rate.ownBands?.variants.values() ?? [])].some(fractional);
      const inexact = [...file.rates, ...(sameContract === undefined ? [] : [sameContract])].find((rate) =>
        fractional(compileRate(file, rate, null, calendars)),
      );
      if (inexact !== undefined) {
        throw new RangeError(
          `tariff ${file.id}: rate ${inexact.id} has a step whose increment costs a fraction of a part (1/36,000,000 yen); call rounding none cannot keep it, give the call a rounding rule`,
        );
      }
    }
  }

  /**
   * The rate for a peer of this type in a band: the longest matching prefix override, else the
   * default. At each prefix a rate of the band comes before a rate without one.
   */
  rateFor(type: CallType, digits: string, band: string | null = null): Rate {
    const table = (band === null ? undefined : this.tables.get(band)) ?? this.tables.get(ANY_BAND)!;
    const rates = table.get(type)!;
    for (let length = Math.min(rates.longestPrefix, digits.length); length > 0; length -= 1) {
      const rate = rates.byPrefix.get(digits.slice(0, length));
      if (rate !== undefined) return rate;
    }
    return rates.defaultRate;
  }

  /** Whether some rate of the type (in any band) is chosen by a prefix of these digits. */
  pricesPrefix(type: CallType, digits: string): boolean {
    for (const table of this.tables.values()) {
      const byPrefix = table.get(type)!.byPrefix;
      for (let length = 1; length <= digits.length; length += 1) if (byPrefix.has(digits.slice(0, length))) return true;
    }
    return false;
  }

  private compileRates(rateFiles: RateFile[], calendars: ReadonlyMap<string, HolidayCalendar>): void {
    const seenIds = new Set<string>();
    const defaults = new Map<string, Map<CallType, Rate>>();
    const overrides = new Map<string, Map<CallType, Map<string, Rate>>>();
    for (const rateFile of rateFiles) {
      if (seenIds.has(rateFile.id)) throw new RangeError(`tariff ${this.id}: rate id ${rateFile.id} is used twice`);
      seenIds.add(rateFile.id);
      const band = rateFile.band ?? ANY_BAND;
      if (band !== ANY_BAND && !(this.timeBands?.ids.has(band) ?? false)) {
        throw new RangeError(
          `tariff ${this.id}: rate ${rateFile.id} names band ${band}, which timeBands does not declare`,
        );
      }
      const compiled = (prefix: string | null): Rate => compileRate(this.file, rateFile, prefix, calendars);
      if (rateFile.prefixes === undefined) {
        const bandDefaults = defaults.get(band) ?? new Map<CallType, Rate>();
        if (bandDefaults.has(rateFile.type))
          throw new RangeError(
            `tariff ${this.id}: two default rates for ${rateFile.type}${band === ANY_BAND ? '' : ` in band ${band}`}`,
          );
        bandDefaults.set(rateFile.type, compiled(null));
        defaults.set(band, bandDefaults);
        continue;
      }
      const bandOverrides = overrides.get(band) ?? new Map<CallType, Map<string, Rate>>();
      const byPrefix = bandOverrides.get(rateFile.type) ?? new Map<string, Rate>();
      for (const prefix of rateFile.prefixes.flatMap(expandPrefixRange)) {
        if (byPrefix.has(prefix))
          throw new RangeError(
            `tariff ${this.id}: prefix ${prefix} of ${rateFile.type} is priced twice${band === ANY_BAND ? '' : ` in band ${band}`}`,
          );
        byPrefix.set(prefix, compiled(prefix));
      }
      bandOverrides.set(rateFile.type, byPrefix);
      overrides.set(band, bandOverrides);
    }
    const bands = [ANY_BAND, ...(this.timeBands?.ids ?? [])];
    for (const band of bands) {
      const table = new Map<CallType, RateTable>();
      for (const type of CALL_TYPES) {
        const defaultRate = defaults.get(band)?.get(type) ?? defaults.get(ANY_BAND)?.get(type);
        if (defaultRate === undefined) {
          throw new RangeError(
            `tariff ${this.id}: no default rate for ${type} calls${band === ANY_BAND ? '' : ` in band ${band}`}`,
          );
        }
        const byPrefix = new Map<string, Rate>(overrides.get(ANY_BAND)?.get(type) ?? []);
        if (band !== ANY_BAND)
          for (const [prefix, rate] of overrides.get(band)?.get(type) ?? []) byPrefix.set(prefix, rate);
        const longestPrefix = Math.max(0, ...Array.from(byPrefix.keys(), (prefix) => prefix.length));
        table.set(type, { defaultRate, byPrefix, longestPrefix });
      }
      this.tables.set(band, table);
    }
  }
}

/**
 * Allowances cover calls' charges as rounded per call: a plan with call rounding `none` (charges
 * kept to a fraction of a part) cannot have one, and an id names one allowance only.
 */
function compileAllowances(file: TariffFile): Allowance[] {
  const allowances = file.allowances ?? [];
  if (allowances.length > 0 && file.rounding.call.mode === 'none') {
    throw new RangeError(
      `tariff ${file.id}: allowances cover charges rounded per call; call rounding none cannot have them`,
    );
  }
  const seen = new Set<string>();
  return allowances.map((allowance: AllowanceFile) => {
    const where = `tariff ${file.id}: allowance ${allowance.id}`;
    if (seen.has(allowance.id)) throw new RangeError(`${where} is declared twice`);
    seen.add(allowance.id);
    if ((allowance.yen === undefined) === (allowance.minutes === undefined))
      throw new RangeError(`${where}: give exactly one of yen and minutes`);
    if ((allowance.callTypes as string[]).includes('international'))
      throw new RangeError(`${where}: covers domestic call types only (international calls are tax-exempt)`);
    return {
      id: allowance.id,
      per: allowance.per,
      unit: allowance.yen === undefined ? 'minutes' : 'yen',
      amount: allowance.yen === undefined ? allowance.minutes! * 60_000 : parseYenAmount(allowance.yen),
      callTypes: new Set(allowance.callTypes),
      prefixes: allowance.prefixes ?? null,
      carryOver: allowance.carryOver ?? null,
    };
  });
}

function compileTimeBands(
  where: string,
  bands: TimeBandsFile,
  calendars: ReadonlyMap<string, HolidayCalendar>,
): TimeBands {
  let calendar: HolidayCalendar | undefined;
  if (bands.holidayCalendar !== undefined) {
    calendar = calendars.get(bands.holidayCalendar.id);
    if (calendar === undefined)
      throw new RangeError(`${where}: holiday calendar ${bands.holidayCalendar.id} is not in data/holidays`);
    if (calendar.sha256 !== bands.holidayCalendar.sha256) {
      throw new RangeError(
        `${where}: holiday calendar ${calendar.id} has sha256 ${calendar.sha256}, the tariff pins ${bands.holidayCalendar.sha256} (a changed table must be a new calendar file)`,
      );
    }
  }
  try {
    return new TimeBands(bands, calendar);
  } catch (error) {
    throw new RangeError(`${where}: ${(error as Error).message}`);
  }
}

/**
 * A rate's own time bands: each band a variant of the rate (its own steps; the rate's fee,
 * limits and pricing), id `RATE.BAND`. The tariff's holiday calendar serves when the rate names none.
 */
function compileOwnBands(
  tariff: TariffFile,
  rateFile: RateFile,
  prefix: string | null,
  calendars: ReadonlyMap<string, HolidayCalendar>,
): RateBands | null {
  const own = rateFile.timeBands;
  if (own === undefined) return null;
  const where = `tariff ${tariff.id}: rate ${rateFile.id}`;
  const holidayCalendar = own.holidayCalendar ?? tariff.timeBands?.holidayCalendar;
  const timeBands = compileTimeBands(
    where,
    { boundary: own.boundary, ...(holidayCalendar === undefined ? {} : { holidayCalendar }), bands: own.bands },
    calendars,
  );
  const variants = new Map<string, Rate>();
  for (const band of own.bands) {
    const variant = compileRate(
      tariff,
      { ...rateFile, id: `${rateFile.id}.${band.id}`, steps: band.steps, timeBands: undefined },
      prefix,
      calendars,
    );
    variants.set(band.id, { ...variant, band: band.id });
  }
  return { timeBands, variants };
}

function compileRate(
  tariff: TariffFile,
  rateFile: RateFile,
  prefix: string | null,
  calendars: ReadonlyMap<string, HolidayCalendar>,
): Rate {
  const tariffId = tariff.id;
  const where = `tariff ${tariffId}: rate ${rateFile.id}`;
  const steps = rateFile.steps.map((step, index) => compileStep(where, step, rateFile.steps[index + 1]));
  if (steps[0]!.fromMs !== 0) throw new RangeError(`${where}: the first step must start at 0 s`);
  const minimumCharge = rateFile.minimumCharge === undefined ? null : parseYenAmount(rateFile.minimumCharge);
  const maximumCharge = rateFile.maximumCharge === undefined ? null : parseYenAmount(rateFile.maximumCharge);
  if (minimumCharge !== null && maximumCharge !== null && minimumCharge > maximumCharge) {
    throw new RangeError(`${where}: minimumCharge is above maximumCharge`);
  }
  return {
    id: rateFile.id,
    type: rateFile.type,
    prefix,
    band: rateFile.band ?? null,
    connectFee: parseYenAmount(rateFile.connectFee ?? '0'),
    minimumCharge,
    maximumCharge,
    pricing: rateFile.pricing ?? 'graduated',
    steps,
    ownBands: compileOwnBands(tariff, rateFile, prefix, calendars),
  };
}

function compileStep(where: string, step: StepFile, next: StepFile | undefined): RateStep {
  if (next !== undefined && next.fromSeconds <= step.fromSeconds)
    throw new RangeError(`${where}: steps must start at increasing offsets`);
  const rateUnitMs = millisecondsOf(where, 'rateUnit', step.rateUnitSeconds, step.rateUnitMilliseconds);
  const incrementMs = millisecondsOf(where, 'increment', step.incrementSeconds, step.incrementMilliseconds);
  const priceScaled = parseYenAmount(step.price);
  // One increment costs incrementMs × price × 3600 / rateUnitMs parts, kept as a reduced fraction.
  const numerator = BigInt(incrementMs) * BigInt(priceScaled) * BigInt(EXACT_PARTS_PER_SCALED_YEN);
  const divisor = greatestCommonDivisor(numerator, BigInt(rateUnitMs)) || 1n;
  const partsPerIncrementNumerator = numerator / divisor;
  const partsPerIncrementDenominator = BigInt(rateUnitMs) / divisor;
  return {
    fromMs: step.fromSeconds * 1000,
    toMs: next === undefined ? Number.POSITIVE_INFINITY : next.fromSeconds * 1000,
    priceScaled,
    rateUnitSeconds: rateUnitMs / 1000,
    incrementSeconds: incrementMs / 1000,
    rateUnitMs,
    incrementMs,
    partsPerIncrement: partsPerIncrementDenominator === 1n ? Number(partsPerIncrementNumerator) : null,
    partsPerIncrementNumerator,
    partsPerIncrementDenominator,
    flatFee: parseYenAmount(step.flatFee ?? '0'),
  };
}

/** A step's rate unit or increment, given in whole seconds or in milliseconds (exactly one of them). */
function millisecondsOf(
  where: string,
  name: string,
  seconds: number | undefined,
  milliseconds: number | undefined,
): number {
  if ((seconds === undefined) === (milliseconds === undefined))
    throw new RangeError(`${where}: give a step's ${name} in ${name}Seconds or ${name}Milliseconds, exactly one`);
  const value = seconds === undefined ? milliseconds! : seconds * 1000;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${where}: a step's ${name} must be a positive whole number of seconds or milliseconds`);
  return value;
}

/** `0503300-0503450` stands for every same-length prefix from the first to the last. */
export function expandPrefixRange(prefixOrRange: string): string[] {
  const dash = prefixOrRange.indexOf('-');
  if (dash < 0) return [prefixOrRange];
  const first = prefixOrRange.slice(0, dash);
  const last = prefixOrRange.slice(dash + 1);
  if (first.length !== last.length || first > last) {
    throw new RangeError(`prefix range ${prefixOrRange} must run upward between prefixes of the same length`);
  }
  const expanded: string[] = [];
  for (let value = BigInt(first); value <= BigInt(last); value += 1n) {
    expanded.push(value.toString().padStart(first.length, '0'));
  }
  return expanded;
}

/** The versions of one plan, in effective order; answers "which version of this plan rates this call". */
export class PlanVersions {
  readonly versions: Tariff[];

  constructor(
    readonly plan: string,
    versions: Tariff[],
  ) {
    this.versions = [...versions].sort((left, right) => left.fromMs - right.fromMs);
    for (let index = 0; index < this.versions.length; index += 1) {
      const version = this.versions[index]!;
      const next = this.versions[index + 1];
      if (next === undefined) continue;
      if (next.fromMs === version.fromMs)
        throw new RangeError(`tariffs ${version.id} and ${next.id} start on the same day`);
      // A version without an end runs until the next one starts.
      if (version.toMs === Number.POSITIVE_INFINITY) version.toMs = next.fromMs;
      if (version.toMs > next.fromMs) throw new RangeError(`tariffs ${version.id} and ${next.id} overlap`);
    }
  }

  at(atMs: number): Tariff | undefined {
    let low = 0;
    let high = this.versions.length - 1;
    let found: Tariff | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const version = this.versions[middle]!;
      if (version.fromMs <= atMs) {
        found = version;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found !== undefined && atMs < found.toMs ? found : undefined;
  }
}

/**
 * Every tariff version of every plan, and the default plan (the one a contract without a
 * subscription is rated by; null: such calls have no tariff).
 */
export class TariffBook {
  readonly versions: Tariff[];
  readonly plans: ReadonlyMap<string, PlanVersions>;
  readonly defaultPlan: string | null;

  constructor(versions: Tariff[], defaultPlan?: string | null) {
    this.versions = [...versions].sort((left, right) => left.fromMs - right.fromMs || left.id.localeCompare(right.id));
    const seenIds = new Set<string>();
    const byPlan = new Map<string, Tariff[]>();
    for (const version of this.versions) {
      if (seenIds.has(version.id)) throw new RangeError(`tariff id ${version.id} is used by two versions`);
      seenIds.add(version.id);
      byPlan.set(version.plan, [...(byPlan.get(version.plan) ?? []), version]);
    }
    this.plans = new Map([...byPlan].map(([plan, planVersions]) => [plan, new PlanVersions(plan, planVersions)]));
    // Without a word on it, a book of one plan defaults to that plan (as before plans existed).
    this.defaultPlan =
      defaultPlan === undefined ? (this.plans.size === 1 ? [...this.plans.keys()][0]! : null) : defaultPlan;
    if (this.defaultPlan !== null && !this.plans.has(this.defaultPlan))
      throw new RangeError(`the default plan ${this.defaultPlan} has no tariff version`);
  }

  /** The version of a plan (default: the default plan) in effect at an instant. */
  at(atMs: number, plan: string | null = this.defaultPlan): Tariff | undefined {
    if (plan === null) return undefined;
    return this.plans.get(plan)?.at(atMs);
  }

  byId(id: string): Tariff | undefined {
    return this.versions.find((version) => version.id === id);
  }
}
