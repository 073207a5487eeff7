import { RoundingRule } from '../money/scaledYen';
import { CallType } from '../numbering/callType';
import { ChakuwariFile, RateFile, StepFile, TARIFF_FORMAT, TariffFile } from './tariffFile';

/** A rate of the first tariff format: a per-call fee, an optional initial block, then one unit. */
export interface RateFileV1 {
  id: string;
  type: CallType;
  prefixes?: string[];
  perCallFee?: string;
  initialSeconds?: number;
  initialPrice?: string;
  unitSeconds: number;
  unitPrice: string;
  note?: string;
}

/** A tariff version of the first format (no `format` field). */
export interface TariffFileV1 {
  $schema?: string;
  id: string;
  plan: string;
  name?: string;
  currency: 'JPY';
  taxIncluded: false;
  effectiveFrom: string;
  effectiveTo?: string;
  rounding: { call: RoundingRule; statementRow: RoundingRule };
  rates: RateFileV1[];
  chakuwari: ChakuwariFile;
}

/**
 * Format 1 → format 2, charge for charge: the per-call fee becomes the connect fee; an initial
 * block of S seconds for P yen becomes a first step of P per S s charged per S s; the unit
 * becomes a step (the first, or the one after the block) charged per its own unit.
 */
export function migrateTariffFileV1(old: TariffFileV1): TariffFile & { $schema?: string } {
  const { $schema, rates, chakuwari, ...rest } = old;
  return {
    ...($schema === undefined ? {} : { $schema }),
    format: TARIFF_FORMAT,
    ...rest,
    rates: rates.map(migrateRateV1),
    chakuwari,
  };
}

export function migrateRateV1(old: RateFileV1): RateFile {
  if ((old.initialSeconds === undefined) !== (old.initialPrice === undefined)) {
    throw new RangeError(`rate ${old.id} needs both initialSeconds and initialPrice, or neither`);
  }
  const steps: StepFile[] = [];
  if (old.initialSeconds !== undefined) {
    steps.push({
      fromSeconds: 0,
      price: old.initialPrice!,
      rateUnitSeconds: old.initialSeconds,
      incrementSeconds: old.initialSeconds,
    });
  }
  steps.push({
    fromSeconds: old.initialSeconds ?? 0,
    price: old.unitPrice,
    rateUnitSeconds: old.unitSeconds,
    incrementSeconds: old.unitSeconds,
  });
  return {
    id: old.id,
    type: old.type,
    ...(old.prefixes === undefined ? {} : { prefixes: old.prefixes }),
    ...(old.perCallFee === undefined ? {} : { connectFee: old.perCallFee }),
    steps,
    ...(old.note === undefined ? {} : { note: old.note }),
  };
}

/** Format 1 files have no `format` field. */
export function isTariffFileV1(document: unknown): document is TariffFileV1 {
  return (
    typeof document === 'object' &&
    document !== null &&
    !('format' in document) &&
    Array.isArray((document as { rates?: unknown }).rates)
  );
}
