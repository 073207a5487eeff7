import { CALL_TYPE_LABELS } from '../numbering/callType';
import { ALLOWANCE_LABEL, formatMoney } from './renderText';
import { Statement, StatementTable } from './statement';

/** One statement row whose figures differ between two revisions. */
export interface RowChange {
  /** `all` for the all-number table, else the 050 number. */
  scope: string;
  /** A call type, `total`, `allowance` (a plan with allowances) or `chakuwari`. */
  row: string;
  label: string;
  count: [number, number];
  duration: [string, string];
  /** Charge (or, for 着割 and 無料通話分, the discount) as decimal strings. */
  amount: [string, string];
}

const EMPTY_TABLE_ROW = { count: 0, duration: '0:00:00.0', amount: '0' };

/** Rows that changed from `before` to `after`, all-number table first, then numbers in order. */
export function diffStatements(before: Statement | undefined, after: Statement | undefined): RowChange[] {
  const changes: RowChange[] = [];
  const scopes = new Map<string, { before?: StatementTable; after?: StatementTable }>();
  const put = (statement: Statement | undefined, side: 'before' | 'after'): void => {
    if (statement === undefined) return;
    scopes.set('all', { ...scopes.get('all'), [side]: statement.allNumbers });
    for (const number of statement.numbers) scopes.set(number.number, { ...scopes.get(number.number), [side]: number });
  };
  put(before, 'before');
  put(after, 'after');
  const ordered = [...scopes.keys()].sort((left, right) =>
    left === 'all' ? -1 : right === 'all' ? 1 : left < right ? -1 : 1,
  );
  for (const scope of ordered) {
    const { before: old, after: now } = scopes.get(scope)!;
    for (const row of tableRows(old, now)) {
      if (row.count[0] !== row.count[1] || row.duration[0] !== row.duration[1] || row.amount[0] !== row.amount[1]) {
        changes.push({ scope, ...row });
      }
    }
  }
  return changes;
}

function tableRows(before: StatementTable | undefined, after: StatementTable | undefined): Omit<RowChange, 'scope'>[] {
  const pick = (
    table: StatementTable | undefined,
    row: string,
  ): { count: number; duration: string; amount: string } => {
    if (table === undefined) return EMPTY_TABLE_ROW;
    if (row === 'total')
      return { count: table.total.count, duration: table.total.duration, amount: table.total.charge };
    if (row === 'chakuwari')
      return { count: table.chakuwari.count, duration: table.chakuwari.duration, amount: table.chakuwari.discount };
    if (row === 'allowance') {
      const allowance = table.allowance;
      return allowance === undefined
        ? EMPTY_TABLE_ROW
        : { count: allowance.count, duration: allowance.duration, amount: allowance.discount };
    }
    const call = table.calls.find((candidate) => candidate.type === row)!;
    return { count: call.count, duration: call.duration, amount: call.charge };
  };
  // The 無料通話分 row of a plan with allowances: a re-rate that changes only it (a carry) is a change too.
  const withAllowance = before?.allowance !== undefined || after?.allowance !== undefined;
  const rows: [string, string][] = [
    ...Object.entries(CALL_TYPE_LABELS),
    ['total', '合計'],
    ...(withAllowance ? [['allowance', ALLOWANCE_LABEL] as [string, string]] : []),
    ['chakuwari', '着割対象通話'],
  ];
  return rows.map(([row, label]) => {
    const old = pick(before, row);
    const now = pick(after, row);
    return {
      row,
      label,
      count: [old.count, now.count],
      duration: [old.duration, now.duration],
      amount: [old.amount, now.amount],
    };
  });
}

/** `  05012345678  一般通話  count 383 → 383, duration 11:02:25.4 → 11:02:25.4, charge 3,776 → 3,800` */
export function formatRowChange(change: RowChange): string {
  const scope = change.scope === 'all' ? 'all numbers' : change.scope;
  const amountName = change.row === 'chakuwari' || change.row === 'allowance' ? 'discount' : 'charge';
  return (
    `  ${scope.padEnd(11)}  ${change.label}  count ${change.count[0]} → ${change.count[1]}, ` +
    `duration ${change.duration[0]} → ${change.duration[1]}, ${amountName} ${formatMoney(change.amount[0])} → ${formatMoney(change.amount[1])}`
  );
}
