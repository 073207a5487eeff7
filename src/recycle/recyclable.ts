import { RejectCode } from '../input/rejection';

/** Reject codes whose cause is data (a tariff, a subscription, the numbering plan), not the record: `recycle` may accept them later. */
export const RECYCLABLE_CODES: ReadonlySet<RejectCode> = new Set<RejectCode>(['NO_TARIFF', 'NOT_CALLABLE', 'BAD_PEER']);
