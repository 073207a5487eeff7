import { parse } from 'csv-parse/sync';
import { normaliseSubscriberNumber } from '../numbering/peer';
import { quoteInput } from '../text/quoteInput';
import { japanDateStartMs } from '../time/japanTime';
import { Subscription } from './subscriptions';

export type SubscriptionsRead = { ok: true; subscriptions: Subscription[] } | { ok: false; problems: string[] };

const CONTRACT = /^N\d{9}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COLUMNS = ['contract_id', 'plan', 'effective_from', 'number'] as const;

/**
 * Reads a CRM's subscriptions export, `contract_id,plan,effective_from[,number]` (a header row,
 * any column order, UTF-8 with or without BOM). The file is read whole: every bad line is
 * named, and one bad line makes the whole file refused.
 */
export function readSubscriptionsCsv(text: string, knownPlans: ReadonlySet<string>): SubscriptionsRead {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    return { ok: false, problems: [`not a readable CSV: ${(error as Error).message}`] };
  }
  if (rows.length === 0)
    return { ok: false, problems: ['the file is empty: a header contract_id,plan,effective_from[,number] is needed'] };
  const header = rows[0]!.map((name) => name.toLowerCase());
  const position = new Map(COLUMNS.map((column) => [column, header.indexOf(column)]));
  const missing = COLUMNS.slice(0, 3).filter((column) => position.get(column)! < 0);
  if (missing.length > 0)
    return {
      ok: false,
      problems: [`line 1: the header lacks ${missing.join(', ')} (expected contract_id,plan,effective_from[,number])`],
    };
  const problems: string[] = [];
  const subscriptions: Subscription[] = [];
  const seen = new Map<string, { line: number; plan: string }>();
  rows.slice(1).forEach((row, index) => {
    const line = index + 2;
    const field = (column: (typeof COLUMNS)[number]): string => {
      const at = position.get(column)!;
      return at < 0 ? '' : (row[at] ?? '');
    };
    if (row.length !== header.length) {
      problems.push(`line ${line}: ${row.length} fields, the header has ${header.length}`);
      return;
    }
    const contractId = field('contract_id');
    const plan = field('plan');
    const effectiveFrom = field('effective_from');
    const rawNumber = field('number');
    const lineProblems: string[] = [];
    if (!CONTRACT.test(contractId)) lineProblems.push(`contract_id ${quoteInput(contractId)} is not N and 9 digits`);
    if (!knownPlans.has(plan))
      lineProblems.push(`plan ${quoteInput(plan)} has no tariff version (plans: ${[...knownPlans].sort().join(', ')})`);
    if (!DATE.test(effectiveFrom) || !isRealDate(effectiveFrom))
      lineProblems.push(`effective_from ${quoteInput(effectiveFrom)} is not a date YYYY-MM-DD`);
    let number: string | null = null;
    if (rawNumber !== '') {
      number = normaliseSubscriberNumber(rawNumber);
      if (number === null) lineProblems.push(`number ${quoteInput(rawNumber)} is not an 11-digit 050 number`);
    }
    if (lineProblems.length > 0) {
      problems.push(`line ${line}: ${lineProblems.join('; ')}`);
      return;
    }
    const key = `${contractId} ${number ?? ''} ${effectiveFrom}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      if (earlier.plan !== plan)
        problems.push(
          `line ${line}: ${contractId}${number === null ? '' : ` ${number}`} from ${effectiveFrom} is ${plan} here and ${earlier.plan} on line ${earlier.line}`,
        );
      return;
    }
    seen.set(key, { line, plan });
    subscriptions.push({ contractId, number, plan, effectiveFrom });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, subscriptions };
}

function isRealDate(date: string): boolean {
  try {
    japanDateStartMs(date);
    return true;
  } catch {
    return false;
  }
}
