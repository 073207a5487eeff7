import { ReferenceData } from '../reference/referenceData';
import { StoreReader } from './types';
import { ContractNumbers } from '../subscription/contractNumbers';

/**
 * The reference data with the store's subscriptions and customer lines (the numbers of each
 * contract, for same-contract rates), read once for a command that rates or builds statements.
 */
export async function withStoredSubscriptions(store: StoreReader, reference: ReferenceData): Promise<ReferenceData> {
  const lines = (await store.customers(null)).map(({ contractId, number, activeFrom, activeTo }) => ({
    contractId,
    number,
    activeFrom,
    activeTo,
  }));
  return { ...reference, subscriptions: await store.subscriptionBook(), contractNumbers: new ContractNumbers(lines) };
}
