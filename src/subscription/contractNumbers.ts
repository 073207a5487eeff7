import { japanDateStartMs } from '../time/japanTime';

/** A 050 number of a contract and the Japan-time dates it was active (`activeTo` inclusive; null while active): a customers-file line. */
export interface ContractNumberLine {
  contractId: string;
  number: string;
  activeFrom: string;
  activeTo: string | null;
}

const DAY_MS = 86_400_000;

/**
 * Which 050 numbers belong to which contract on which day, from the customers file the bill
 * uses (`meisai customers import`): answers "is this peer a number of the caller's own contract
 * at the call's start" without a store query per call.
 */
export class ContractNumbers {
  /** By number, then the contracts and instants it was active: no key string is built per lookup. */
  private readonly byNumber = new Map<string, { contractId: string; fromMs: number; toMs: number }[]>();

  constructor(
    /** The lines it was built from (an ingest worker builds the same map from them). */
    readonly lines: readonly ContractNumberLine[] = [],
  ) {
    for (const line of lines) {
      const periods = this.byNumber.get(line.number) ?? [];
      // Active from 00:00 of activeFrom until 00:00 after activeTo, Japan time (no DST in Japan: a day is 24 h).
      periods.push({
        contractId: line.contractId,
        fromMs: japanDateStartMs(line.activeFrom),
        toMs: line.activeTo === null ? Number.POSITIVE_INFINITY : japanDateStartMs(line.activeTo) + DAY_MS,
      });
      this.byNumber.set(line.number, periods);
    }
  }

  /** Whether `number` is a number of `contractId` on the Japan-time day of `atMs`. */
  isActive(contractId: string, number: string, atMs: number): boolean {
    const periods = this.byNumber.get(number);
    if (periods === undefined) return false;
    return periods.some((period) => period.contractId === contractId && period.fromMs <= atMs && atMs < period.toMs);
  }
}
