import { Subscription, SubscriptionBook } from '../../subscription/subscriptions';
import { StoredSubscription, SubscriptionsImported } from '../types';
import { Db } from './connection';

interface SubscriptionRow {
  contractId: string;
  number: string;
  effectiveFrom: string;
  plan: string;
  importedFrom: string;
  importedAt: string;
}

/**
 * Stores subscriptions, inside the caller's transaction: a line for a (contract, number, date)
 * already stored replaces its plan. Returns how many were new and how many replaced a stored one.
 */
export function importSubscriptions(
  db: Db,
  subscriptions: readonly Subscription[],
  importedFrom: string,
  importedAt: string,
): SubscriptionsImported {
  const find = db.prepare('SELECT plan FROM subscriptions WHERE contract_id = ? AND number = ? AND effective_from = ?');
  const upsert = db.prepare(`
    INSERT INTO subscriptions (contract_id, number, effective_from, plan, imported_from, imported_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (contract_id, number, effective_from) DO UPDATE SET
      plan = excluded.plan, imported_from = excluded.imported_from, imported_at = excluded.imported_at`);
  let added = 0;
  let replaced = 0;
  for (const subscription of subscriptions) {
    const number = subscription.number ?? '';
    const stored = find.get(subscription.contractId, number, subscription.effectiveFrom) as
      { plan: string } | undefined;
    if (stored === undefined) added += 1;
    else if (stored.plan !== subscription.plan) replaced += 1;
    upsert.run(
      subscription.contractId,
      number,
      subscription.effectiveFrom,
      subscription.plan,
      importedFrom,
      importedAt,
    );
  }
  return { added, replaced };
}

/** A contract's subscriptions (its own and its numbers'), by number then date. */
export function readContractSubscriptions(db: Db, contractId: string): StoredSubscription[] {
  const rows = db
    .prepare(
      `SELECT contract_id AS contractId, number, effective_from AS effectiveFrom, plan, imported_from AS importedFrom, imported_at AS importedAt
         FROM subscriptions WHERE contract_id = ? ORDER BY number, effective_from`,
    )
    .all(contractId) as SubscriptionRow[];
  return rows.map(fromRow);
}

/** Every stored subscription, as the book rating reads. */
export function readSubscriptionBook(db: Db): SubscriptionBook {
  const rows = db
    .prepare(
      `SELECT contract_id AS contractId, number, effective_from AS effectiveFrom, plan, imported_from AS importedFrom, imported_at AS importedAt
         FROM subscriptions`,
    )
    .all() as SubscriptionRow[];
  return new SubscriptionBook(rows.map(fromRow));
}

function fromRow(row: SubscriptionRow): StoredSubscription {
  return { ...row, number: row.number === '' ? null : row.number };
}
