import { Subscription, SubscriptionBook } from '../../subscription/subscriptions';
import { StoredSubscription, SubscriptionsImported } from '../types';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgSession';

/** A subscriptions row: a contract-level line has number '' (as on SQLite, so both list it first). */
function fromRow(row: Record<string, unknown>): StoredSubscription {
  return {
    contractId: row.contractId as string,
    number: row.number === '' ? null : (row.number as string),
    plan: row.plan as string,
    effectiveFrom: row.effectiveFrom as string,
    importedFrom: row.importedFrom as string,
    importedAt: row.importedAt as string,
  };
}

/** Every stored subscription, as the book rating reads. */
export async function readSubscriptionBook(store: PgStore, client: Queryable): Promise<SubscriptionBook> {
  return new SubscriptionBook((await store.run(client, 'subscriptionBook')).rows.map(fromRow));
}

/** A contract's subscriptions (its own and its numbers'), by number then date. */
export async function readContractSubscriptions(
  store: PgStore,
  client: Queryable,
  contractId: string,
): Promise<StoredSubscription[]> {
  return (await store.run(client, 'contractSubscriptions', [contractId])).rows.map(fromRow);
}

/** Stores subscriptions, inside the caller's transaction: a line for a (contract, number, date) already stored replaces its plan. */
export async function importSubscriptions(
  store: PgStore,
  client: Queryable,
  subscriptions: readonly Subscription[],
  importedFrom: string,
  importedAt: string,
): Promise<SubscriptionsImported> {
  const key = (contractId: string, number: string, effectiveFrom: string): string =>
    `${contractId}\u0000${number}\u0000${effectiveFrom}`;
  const contracts = subscriptions.map((subscription) => subscription.contractId);
  const numbers = subscriptions.map((subscription) => subscription.number ?? '');
  const dates = subscriptions.map((subscription) => subscription.effectiveFrom);
  const stored = new Map(
    (await store.run(client, 'storedPlans', [contracts, numbers, dates])).rows.map((row) => [
      key(row.contractId, row.number, row.effectiveFrom),
      row.plan as string,
    ]),
  );
  let added = 0;
  let replaced = 0;
  subscriptions.forEach((subscription, index) => {
    const plan = stored.get(key(contracts[index]!, numbers[index]!, dates[index]!));
    if (plan === undefined) added += 1;
    else if (plan !== subscription.plan) replaced += 1;
  });
  if (subscriptions.length > 0) {
    await store.run(client, 'upsertSubscriptions', [
      contracts,
      numbers,
      dates,
      subscriptions.map((subscription) => subscription.plan),
      importedFrom,
      importedAt,
    ]);
  }
  return { added, replaced };
}
