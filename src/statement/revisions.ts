import { createHash } from 'node:crypto';
import { RunFailedError } from '../errors';
import { Db } from '../store/store';
import { Statement } from './statement';

export interface StoredRevision {
  contractId: string;
  month: string;
  revision: number;
  createdAt: string;
  reason: string;
  statement: Statement;
}

/** The canonical JSON of a statement: what `statement --format json` prints and what is stored. */
export function statementJson(statement: Statement): string {
  return `${JSON.stringify(statement, null, 2)}\n`;
}

interface RevisionRow {
  contractId: string;
  month: string;
  revision: number;
  createdAt: string;
  reason: string;
  statementJson: string;
  sha256: string;
}

const SELECT_REVISION = `SELECT contract_id AS contractId, month, revision, created_at AS createdAt, reason, statement_json AS statementJson, sha256
                           FROM statements`;

/** An issued revision is read only if it is byte for byte what was issued (its sha256 matches). */
function fromRow(row: RevisionRow): StoredRevision {
  if (sha256(row.statementJson) !== row.sha256) {
    throw new RunFailedError(
      `revision ${row.revision} of the statement of ${row.contractId} ${row.month} was altered after it was issued (sha256 mismatch); run meisai reconcile`,
    );
  }
  const { sha256: _checked, statementJson: json, ...rest } = row;
  return { ...rest, statement: JSON.parse(json) as Statement };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function latestRevision(db: Db, contractId: string, month: string): StoredRevision | undefined {
  const row = db
    .prepare(`${SELECT_REVISION} WHERE contract_id = ? AND month = ? ORDER BY revision DESC LIMIT 1`)
    .get(contractId, month) as RevisionRow | undefined;
  return row === undefined ? undefined : fromRow(row);
}

export function readRevision(db: Db, contractId: string, month: string, revision: number): StoredRevision {
  const row = db
    .prepare(`${SELECT_REVISION} WHERE contract_id = ? AND month = ? AND revision = ?`)
    .get(contractId, month, revision) as RevisionRow | undefined;
  if (row === undefined) {
    const latest = latestRevision(db, contractId, month);
    const known = latest === undefined ? 'none has been issued' : `revisions 1 to ${latest.revision} exist`;
    throw new RunFailedError(`no revision ${revision} of the statement of ${contractId} ${month} (${known})`);
  }
  return fromRow(row);
}

export function readRevisions(db: Db, contractId: string, month: string): StoredRevision[] {
  return (db.prepare(`${SELECT_REVISION} WHERE contract_id = ? AND month = ? ORDER BY revision`).all(contractId, month) as RevisionRow[]).map(
    fromRow,
  );
}

/** Same figures, whatever revision number each carries. */
export function sameFigures(left: Statement, right: Statement): boolean {
  return statementJson({ ...left, revision: 1 }) === statementJson({ ...right, revision: 1 });
}

/**
 * The revision number a freshly built statement carries: the latest issued revision when its
 * figures are those, else the next one (figures not issued yet).
 */
export function numberRevision(db: Db, statement: Statement): Statement {
  const latest = latestRevision(db, statement.contract, statement.month);
  if (latest === undefined) return { ...statement, revision: 1 };
  return { ...statement, revision: sameFigures(latest.statement, statement) ? latest.revision : latest.revision + 1 };
}

/**
 * Issues the statement as a stored revision unless the latest revision already has these
 * figures. Returns the revision that now stands and whether it is new.
 */
export function issueRevision(db: Db, statement: Statement, reason: string): { revision: number; issued: boolean } {
  const numbered = numberRevision(db, statement);
  const latest = latestRevision(db, statement.contract, statement.month);
  if (latest !== undefined && latest.revision === numbered.revision) return { revision: latest.revision, issued: false };
  const json = statementJson(numbered);
  db.prepare(
    'INSERT INTO statements (contract_id, month, revision, created_at, reason, statement_json, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(numbered.contract, numbered.month, numbered.revision, new Date().toISOString(), reason, json, sha256(json));
  return { revision: numbered.revision, issued: true };
}

export function isMonthClosed(db: Db, month: string): boolean {
  return db.prepare('SELECT 1 FROM closed_months WHERE month = ?').get(month) !== undefined;
}

export function closedMonths(db: Db): Set<string> {
  return new Set((db.prepare('SELECT month FROM closed_months').all() as { month: string }[]).map((row) => row.month));
}
