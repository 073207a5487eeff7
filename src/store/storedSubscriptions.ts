import { ReferenceData } from '../reference/referenceData';
import { StoreReader } from './types';

/** The reference data with the store's subscriptions, for a command that rates or builds statements. */
export async function withStoredSubscriptions(store: StoreReader, reference: ReferenceData): Promise<ReferenceData> {
  return { ...reference, subscriptions: await store.subscriptionBook() };
}
