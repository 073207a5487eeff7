import { parseYenAmount, RoundingRule } from '../money/scaledYen';
import { CALL_TYPES, CallType } from '../rate/callType';
import { japanDateStartMs } from '../time/japanTime';
import { RateFile, TariffFile } from './tariffFile';

/** A rate ready for arithmetic: amounts in scaled yen, times in milliseconds. */
export interface Rate {
  id: string;
  type: CallType;
  /** The prefix that selected this rate (for traceability), or null for the type's default. */
  prefix: string | null;
  perCallFee: number;
  initialMs: number;
  initialPrice: number;
  unitMs: number;
  unitPrice: number;
}

export interface Chakuwari {
  eligibleCallerTypes: ReadonlySet<CallType>;
  unitMs: number;
  discountPerUnit: number;
  rounding: RoundingRule;
}

interface RateTable {
  defaultRate: Rate;
  byPrefix: Map<string, Rate>;
  longestPrefix: number;
}

/** One tariff version, compiled for rating. */
export class Tariff {
  readonly id: string;
  readonly plan: string;
  readonly fromMs: number;
  toMs: number;
  readonly callRounding: RoundingRule;
  readonly statementRounding: RoundingRule;
  readonly chakuwari: Chakuwari;
  private readonly tables = new Map<CallType, RateTable>();

  constructor(readonly file: TariffFile) {
    this.id = file.id;
    this.plan = file.plan;
    this.fromMs = japanDateStartMs(file.effectiveFrom);
    this.toMs = file.effectiveTo === undefined ? Number.POSITIVE_INFINITY : japanDateStartMs(file.effectiveTo);
    if (this.toMs <= this.fromMs) throw new RangeError(`tariff ${file.id}: effectiveTo is not after effectiveFrom`);
    if (file.chakuwari.rounding.decimals > file.rounding.statementRow.decimals) {
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
    this.compileRates(file.rates);
  }

  /** The rate for a peer of this type: the longest matching prefix override, else the default. */
  rateFor(type: CallType, digits: string): Rate {
    const table = this.tables.get(type)!;
    for (let length = Math.min(table.longestPrefix, digits.length); length > 0; length -= 1) {
      const rate = table.byPrefix.get(digits.slice(0, length));
      if (rate !== undefined) return rate;
    }
    return table.defaultRate;
  }

  private compileRates(rateFiles: RateFile[]): void {
    const seenIds = new Set<string>();
    const defaults = new Map<CallType, Rate>();
    const overrides = new Map<CallType, Map<string, Rate>>();
    for (const rateFile of rateFiles) {
      if (seenIds.has(rateFile.id)) throw new RangeError(`tariff ${this.id}: rate id ${rateFile.id} is used twice`);
      seenIds.add(rateFile.id);
      if ((rateFile.initialSeconds === undefined) !== (rateFile.initialPrice === undefined)) {
        throw new RangeError(`tariff ${this.id}: rate ${rateFile.id} needs both initialSeconds and initialPrice, or neither`);
      }
      if (rateFile.prefixes === undefined) {
        if (defaults.has(rateFile.type)) throw new RangeError(`tariff ${this.id}: two default rates for ${rateFile.type}`);
        defaults.set(rateFile.type, compileRate(rateFile, null));
        continue;
      }
      const byPrefix = overrides.get(rateFile.type) ?? new Map<string, Rate>();
      for (const prefix of rateFile.prefixes.flatMap(expandPrefixRange)) {
        if (byPrefix.has(prefix)) throw new RangeError(`tariff ${this.id}: prefix ${prefix} of ${rateFile.type} is priced twice`);
        byPrefix.set(prefix, compileRate(rateFile, prefix));
      }
      overrides.set(rateFile.type, byPrefix);
    }
    for (const type of CALL_TYPES) {
      const defaultRate = defaults.get(type);
      if (defaultRate === undefined) throw new RangeError(`tariff ${this.id}: no default rate for ${type} calls`);
      const byPrefix = overrides.get(type) ?? new Map<string, Rate>();
      const longestPrefix = Math.max(0, ...Array.from(byPrefix.keys(), (prefix) => prefix.length));
      this.tables.set(type, { defaultRate, byPrefix, longestPrefix });
    }
  }
}

function compileRate(rateFile: RateFile, prefix: string | null): Rate {
  return {
    id: rateFile.id,
    type: rateFile.type,
    prefix,
    perCallFee: parseYenAmount(rateFile.perCallFee ?? '0'),
    initialMs: (rateFile.initialSeconds ?? 0) * 1000,
    initialPrice: parseYenAmount(rateFile.initialPrice ?? '0'),
    unitMs: rateFile.unitSeconds * 1000,
    unitPrice: parseYenAmount(rateFile.unitPrice),
  };
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

/** All tariff versions of the store, in effective order; answers "which version rates this call". */
export class TariffBook {
  readonly versions: Tariff[];

  constructor(versions: Tariff[]) {
    this.versions = [...versions].sort((left, right) => left.fromMs - right.fromMs);
    for (let index = 0; index < this.versions.length; index += 1) {
      const version = this.versions[index]!;
      const next = this.versions[index + 1];
      if (next === undefined) continue;
      if (next.fromMs === version.fromMs) throw new RangeError(`tariffs ${version.id} and ${next.id} start on the same day`);
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

  byId(id: string): Tariff | undefined {
    return this.versions.find((version) => version.id === id);
  }
}
