import { RoundingRule } from '../money/scaledYen';
import { CallType } from '../rate/callType';

/** A tariff version as written in `data/tariffs/*.json` (amounts are decimal strings). */
export interface TariffFile {
  id: string;
  plan: string;
  name?: string;
  currency: 'JPY';
  taxIncluded: false;
  effectiveFrom: string;
  effectiveTo?: string;
  rounding: { call: RoundingRule; statementRow: RoundingRule };
  rates: RateFile[];
  chakuwari: ChakuwariFile;
}

export interface RateFile {
  id: string;
  type: CallType;
  /** Peer prefixes (or same-length ranges `0503300-0503450`) this rate overrides; absent: the type's default. */
  prefixes?: string[];
  perCallFee?: string;
  initialSeconds?: number;
  initialPrice?: string;
  unitSeconds: number;
  unitPrice: string;
  note?: string;
}

export interface ChakuwariFile {
  eligibleCallerTypes: CallType[];
  unitSeconds: number;
  discountPerUnit: string;
  rounding: RoundingRule;
  cap: 'outbound-call-charges';
}
