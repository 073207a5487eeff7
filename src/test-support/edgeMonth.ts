import { join } from 'node:path';
import { PROJECT_ROOT } from '../reference/referenceData';
import { runCli } from './runCli';

const BILLING = join(PROJECT_ROOT, 'fixtures', 'billing');

/**
 * The edge month of fixtures/billing into the store at `db`: subscriptions, customers, the calls,
 * close and bill (issued 2011-05-10), then N000000014's plan corrected (BUSINESS → REFERENCE) and
 * the month re-rated with --force. The next `bill` issues its credit note (-1,243 yen).
 */
export async function billEdgeMonthThenRerate(db: string): Promise<void> {
  const steps = [
    ['subscriptions', 'import', join(BILLING, 'edge-subscriptions.csv')],
    ['customers', 'import', join(BILLING, 'edge-customers.csv')],
    ['ingest', join(BILLING, 'edge-2011-04.csv')],
    ['close', '--month', '2011-04'],
    ['bill', '--month', '2011-04', '--issued-on', '2011-05-10'],
    ['subscriptions', 'import', join(BILLING, 'edge-subscriptions-corrected.csv')],
    ['rerate', '--month', '2011-04', '--contract', 'N000000014', '--force'],
  ];
  for (const args of steps) {
    const result = await runCli([...args, '--db', db]);
    if (result.code !== 0) throw new Error(`meisai ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
}
