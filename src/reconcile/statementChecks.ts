import { createHash } from 'node:crypto';
import { IssuedRevision } from '../store/types';
import { sameFigures } from '../statement/revisions';
import { Statement } from '../statement/statement';
import { compareStatementFigures } from './compareStatements';
import { footingProblems } from './footing';
import { readStatementDocument } from './readStatementFile';
import { Detail, difference, information } from './report';
import { fieldName, rowName, StatementFigures, tableName } from './statementFigures';

/**
 * The statements of one contract and month: the one built now from the stored totals and every
 * issued revision must foot; an issued revision must still be what was issued (its recorded
 * sha256). In a closed month the latest revision must have the figures of the statement built
 * now; in an open month a difference is only figures not yet issued.
 */
export type { IssuedRevision } from '../store/types';

export interface ContractStatements {
  contract: string;
  month: string;
  /** Built now from the stored totals; undefined when the store holds no totals for it. */
  current: Statement | undefined;
  /** Issued revisions, oldest first. */
  revisions: IssuedRevision[];
  closed: boolean;
}

/** Schema errors of a statement document as one text, or null when it is valid. */
export type StatementValidator = (document: unknown) => string | null;

export function checkContractStatements(input: ContractStatements, validate: StatementValidator): Detail[] {
  const details: Detail[] = [];
  const prefix = `${input.contract} ${input.month}`;
  const built =
    input.current === undefined ? undefined : { statement: input.current, figures: figuresOf(input.current) };
  if (built !== undefined)
    details.push(...footingDetails(`${prefix}, statement built now from the stored totals`, built.figures));

  let latest: { revision: number; statement: Statement; figures: StatementFigures } | undefined;
  for (const issued of input.revisions) {
    const label = `${prefix}, issued revision ${issued.revision}`;
    const read = readIssuedRevision(input, issued, validate);
    details.push(...read.problems.map((problem) => difference(`${label}: ${problem}`)));
    if (read.figures !== undefined) details.push(...footingDetails(label, read.figures));
    latest =
      read.figures === undefined
        ? undefined
        : { revision: issued.revision, statement: read.statement!, figures: read.figures };
  }

  const lastIssued = input.revisions[input.revisions.length - 1];
  const closedOrOpen = input.closed ? 'closed month' : 'open month';
  if (lastIssued === undefined) {
    const said = `${closedOrOpen}, no revision issued yet: nothing issued to compare`;
    details.push(information(`${prefix}: ${said}`, said));
  } else if (built === undefined && latest !== undefined && latest.statement.numbers.length === 0) {
    // files remove --force took every call of the contract-month back: the revision it issued is empty, as the store is.
    const said = `${closedOrOpen}, revision ${latest.revision} is empty (its calls were removed), as the store holds no totals for it`;
    details.push(information(`${prefix}: ${said}`, said));
  } else if (built === undefined) {
    const message = `${prefix}: revision ${lastIssued.revision} was issued, but the store now holds no totals for it`;
    details.push(
      input.closed
        ? difference(`${closedOrOpen}: ${message}`)
        : information(message, 'a revision was issued, but the store now holds no totals for it'),
    );
  } else if (latest === undefined) {
    details.push(
      difference(
        `${prefix}: the latest revision ${lastIssued.revision} cannot be read, so the statement built now cannot be compared with it`,
      ),
    );
  } else if (!sameFigures(latest.statement, built.statement)) {
    const side = `revision ${latest.revision}`;
    const changes = compareStatementFigures(
      { name: side, figures: latest.figures, footing: footingProblems(latest.figures, { strictDurationText: true }) },
      { name: 'now', figures: built.figures, footing: footingProblems(built.figures, { strictDurationText: true }) },
      { unattachedFooting: false },
    ).filter((detail) => detail.kind === 'difference');
    const messages =
      changes.length > 0
        ? changes.map((change) => change.message)
        : ['the same figures, but not the same statement text'];
    if (input.closed) {
      details.push(
        ...messages.map((message) =>
          difference(
            `${prefix}: closed month, the statement built now differs from issued ${side} (changed since the month was invoiced): ${message}`,
          ),
        ),
      );
    } else {
      const count = changes.length;
      details.push(
        information(
          `${prefix}: figures not yet issued: the statement built now differs from ${side} in ${count} figure${count === 1 ? '' : 's'} (first: ${messages[0]!})`,
          'figures not yet issued: the statement built now differs from the latest revision (--verbose tells each)',
        ),
      );
    }
  } else {
    details.push(
      information(
        `${prefix}: ${closedOrOpen}, revision ${latest.revision} has the figures of the statement built now`,
        `${closedOrOpen}, the latest revision has the figures of the statement built now`,
      ),
    );
  }
  return details;
}

function readIssuedRevision(
  input: ContractStatements,
  issued: IssuedRevision,
  validate: StatementValidator,
): { problems: string[]; statement?: Statement; figures?: StatementFigures } {
  const problems: string[] = [];
  const hash = createHash('sha256').update(issued.statementJson).digest('hex');
  if (hash !== issued.sha256)
    problems.push('its JSON no longer has the sha256 recorded when it was issued (edited since)');
  let document: unknown;
  try {
    document = JSON.parse(issued.statementJson);
  } catch (error) {
    return { problems: [...problems, `its JSON cannot be read: ${(error as Error).message}`] };
  }
  const schemaErrors = validate(document);
  if (schemaErrors !== null) problems.push(`it does not match the statement schema: ${schemaErrors}`);
  const read = readStatementDocument(document);
  if (!read.ok) return { problems: [...problems, `its figures cannot be read: ${read.message}`] };
  const figures = read.figures;
  if (figures.contract !== input.contract || figures.month !== input.month || figures.revision !== issued.revision) {
    problems.push(`its JSON says ${figures.contract} ${figures.month} revision ${figures.revision ?? '(none)'}`);
  }
  return { problems, statement: document as Statement, figures };
}

/** meisai's own statement (built or issued) as figures; it always has the shape. */
export function figuresOf(statement: Statement): StatementFigures {
  const read = readStatementDocument(statement);
  if (!read.ok) throw new Error(`a statement meisai built cannot be read back: ${read.message}`);
  return read.figures;
}

function footingDetails(label: string, figures: StatementFigures): Detail[] {
  return footingProblems(figures, { strictDurationText: true }).map((problem) =>
    difference(
      `${label} does not foot: ${tableName(problem.table)}, ${rowName(problem.row)} ${fieldName(problem.field, problem.row)}: ${problem.message}`,
    ),
  );
}
