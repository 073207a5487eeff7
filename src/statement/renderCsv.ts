import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../export/csvOutput';
import { CARRIED_IN_LABEL, formatCarriedSeconds } from './carriedIn';
import { ALLOWANCE_LABEL, CHAKUWARI_LABEL, SECTION_LABELS } from './renderText';
import { Statement, StatementTable } from './statement';

/**
 * The statement as CSV, one line per printed row: the all-number table (scope `all`, number
 * empty), then each number's table (scope `number`). Figures are the statement's own strings
 * and integers, unformatted, so a spreadsheet can add them up. CRLF line endings, no BOM (the
 * CLI adds one, or encodes CP932: see export/csvOutput). Cells a spreadsheet would run as a
 * formula get a leading `'`; numbers such as the discount `-1174` stay as they are.
 */

export const CSV_COLUMNS = [
  'contract',
  'month',
  'revision',
  'scope',
  'number',
  'section',
  'type',
  'label',
  'count',
  'duration_tenths',
  'duration',
  'amount',
] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];
type CsvRecord = Record<CsvColumn, string>;

/** The columns that change from row to row within one table. */
type TableRowFields = Pick<
  CsvRecord,
  'section' | 'type' | 'label' | 'count' | 'duration_tenths' | 'duration' | 'amount'
>;

export function renderCsv(statement: Statement): string {
  const records: CsvRecord[] = [];
  const statementFields = {
    contract: statement.contract,
    month: statement.month,
    revision: String(statement.revision),
  };
  for (const row of tableRowFields(statement.allNumbers)) {
    records.push({ ...statementFields, scope: 'all', number: '', ...row });
  }
  for (const numberTable of statement.numbers) {
    for (const row of tableRowFields(numberTable)) {
      records.push({ ...statementFields, scope: 'number', number: numberTable.number, ...row });
    }
  }
  return stringify(records, {
    header: true,
    columns: [...CSV_COLUMNS],
    record_delimiter: 'windows',
    cast: { string: neutraliseFormula },
  });
}

function tableRowFields(table: StatementTable): TableRowFields[] {
  const callRows: TableRowFields[] = table.calls.map((call) => ({
    section: 'call',
    type: call.type,
    label: call.label,
    count: String(call.count),
    duration_tenths: String(call.durationTenths),
    duration: call.duration,
    amount: call.charge,
  }));
  const totalRow: TableRowFields = {
    section: 'total',
    type: '',
    label: SECTION_LABELS.total,
    count: String(table.total.count),
    duration_tenths: String(table.total.durationTenths),
    duration: table.total.duration,
    amount: table.total.charge,
  };
  const chakuwariRow: TableRowFields = {
    section: 'chakuwari',
    type: '',
    label: CHAKUWARI_LABEL,
    count: String(table.chakuwari.count),
    duration_tenths: String(table.chakuwari.durationTenths),
    duration: table.chakuwari.duration,
    amount: table.chakuwari.discount,
  };
  if (table.allowance === undefined) return [...callRows, totalRow, chakuwariRow];
  const allowanceRow: TableRowFields = {
    section: 'allowance',
    type: '',
    label: ALLOWANCE_LABEL,
    count: String(table.allowance.count),
    duration_tenths: String(table.allowance.durationTenths),
    duration: table.allowance.duration,
    amount: table.allowance.discount,
  };
  return [...callRows, totalRow, allowanceRow, ...carriedRows(table), chakuwariRow];
}

/**
 * A plan with an allowance that carries over: one `carried` row per such allowance after the
 * 無料通話分 row, type the allowance id, amount the yen carried in (a yen allowance) or duration
 * the time carried in, exact to the millisecond (a minutes allowance). Reconcile skips them.
 */
function carriedRows(table: StatementTable): TableRowFields[] {
  return (table.allowance?.carriedIn ?? []).map((carried) => {
    const time = 'seconds' in carried;
    return {
      section: 'carried',
      type: carried.allowance,
      label: CARRIED_IN_LABEL,
      count: '',
      duration_tenths: '',
      duration: time ? formatCarriedSeconds(carried.seconds) : '',
      amount: time ? '' : carried.yen,
    };
  });
}
