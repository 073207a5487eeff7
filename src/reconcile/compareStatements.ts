import { CALL_TYPES } from '../numbering/callType';
import { FootingProblem } from './footing';
import { Detail, difference, information } from './report';
import {
  describeRow,
  displayFigure,
  FIGURE_FIELDS,
  FigureField,
  fieldName,
  fieldValue,
  ROW_KEYS,
  RowKey,
  rowName,
  StatementFigures,
  TableFigures,
  TableName,
  tableName,
} from './statementFigures';

/**
 * Two statements of the same contract and month, row by row. Each differing figure names both
 * values and, for each side, whether its table foots there ("theirs does not foot: its call rows
 * add up to 109:54:23.5, its total row says 119:54:23.5; ours foots"). A row or table on one side
 * only is a difference too. When one side has no per-number tables at all (a printed 全番号合計
 * page, or a JSON with `numbers: []`), the all-number tables alone are compared; when one side has
 * no all-number table, the per-number tables alone.
 */
export interface ComparedSide {
  /** How the report names this side: "theirs", "ours", "issued revision 2". */
  name: string;
  figures: StatementFigures;
  /** This side's footing problems (footingProblems). */
  footing: FootingProblem[];
}

export interface ComparisonOptions {
  /**
   * Report footing problems that no differing figure points at as differences of their own
   * (default). Off when the caller reports each side's footing already.
   */
  unattachedFooting?: boolean;
}

export function compareStatementFigures(
  left: ComparedSide,
  right: ComparedSide,
  options: ComparisonOptions = {},
): Detail[] {
  const details: Detail[] = [];
  const used = new Set<FootingProblem>();

  const compareTable = (
    table: TableName,
    leftTable: TableFigures | undefined,
    rightTable: TableFigures | undefined,
  ): void => {
    if (leftTable === undefined || rightTable === undefined) {
      const [present, side] = leftTable === undefined ? [rightTable!, right] : [leftTable, left];
      details.push(
        difference(
          `${tableName(table)}: only ${side.name} has this table${present.total ? ` (total ${describeRow(present.total)})` : ''}`,
        ),
      );
      return;
    }
    for (const row of ROW_KEYS) {
      const leftRow = leftTable[row];
      const rightRow = rightTable[row];
      if (leftRow === undefined && rightRow === undefined) continue;
      if (leftRow === undefined || rightRow === undefined) {
        const [present, side] = leftRow === undefined ? [rightRow!, right] : [leftRow, left];
        details.push(
          difference(`${tableName(table)}, ${rowName(row)}: only ${side.name} has this row (${describeRow(present)})`),
        );
        continue;
      }
      for (const field of FIGURE_FIELDS) {
        const leftValue = fieldValue(leftRow, field);
        const rightValue = fieldValue(rightRow, field);
        if (leftValue === rightValue) continue;
        const notes = [left, right].map((side) => {
          const problems = side.footing.filter((problem) => concerns(problem, table, row, field));
          problems.forEach((problem) => used.add(problem));
          return problems.length === 0
            ? `${side.name} foots`
            : `${side.name} does not foot: ${problems.map((problem) => problem.message).join('; and ')}`;
        });
        details.push(
          difference(
            `${tableName(table)}, ${rowName(row)} ${fieldName(field, row)}: ` +
              `${left.name} ${displayFigure(field, leftValue)}, ${right.name} ${displayFigure(field, rightValue)}; ${notes.join('; ')}`,
          ),
        );
      }
    }
  };

  const withoutAllNumbers = [left, right].filter((side) => side.figures.allNumbers === undefined);
  if (withoutAllNumbers.length === 1) {
    details.push(
      information(`${withoutAllNumbers[0]!.name} gives no all-number table: the per-number tables alone are compared`),
    );
  } else if (withoutAllNumbers.length === 0) {
    compareTable(null, left.figures.allNumbers, right.figures.allNumbers);
  }
  const withoutNumbers = [left, right].filter((side) => side.figures.numbers.size === 0);
  if (withoutNumbers.length === 1) {
    details.push(
      information(`${withoutNumbers[0]!.name} gives no per-number tables: the all-number tables alone are compared`),
    );
  } else {
    const numbers = [...new Set([...left.figures.numbers.keys(), ...right.figures.numbers.keys()])].sort();
    for (const number of numbers)
      compareTable(number, left.figures.numbers.get(number), right.figures.numbers.get(number));
  }

  // A side that does not foot somewhere no differing figure points at is a difference of its own.
  if (options.unattachedFooting === false) return details;
  for (const side of [left, right]) {
    for (const problem of side.footing) {
      if (used.has(problem)) continue;
      if (withoutNumbers.length === 1 && problem.table !== null) continue;
      if (withoutAllNumbers.length === 1 && problem.table === null) continue;
      details.push(
        difference(
          `${side.name} does not foot: ${tableName(problem.table)}, ${rowName(problem.row)} ${fieldName(problem.field, problem.row)}: ${problem.message}`,
        ),
      );
    }
  }
  return details;
}

/** Whether a footing problem bears on one figure: the rows it adds up, or the row that states the sum. */
export function concerns(problem: FootingProblem, table: TableName, row: RowKey, field: FigureField): boolean {
  if (problem.field !== field) return false;
  switch (problem.kind) {
    case 'down':
      return problem.table === table && (row === 'total' || (CALL_TYPES as readonly string[]).includes(row));
    case 'across':
      return problem.row === row;
    case 'duration-text':
      return problem.table === table && problem.row === row;
    case 'discount':
      return problem.table === table && (row === problem.row || row === 'total');
    default: {
      const unknown: never = problem.kind;
      throw new Error(`unknown footing problem ${String(unknown)}`);
    }
  }
}
