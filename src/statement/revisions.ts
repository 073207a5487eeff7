import { createHash } from 'node:crypto';
import { RunFailedError } from '../errors';
import { RevisionRow, StoreReader, StoreWriter } from '../store/types';
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

/**
 * The JSON `statement --format json` and the view's API print: an issued revision as it was
 * stored, byte for byte; figures never issued (an open month) say so, `"revision": null,
 * "issued": false`, instead of a revision number nothing was issued as.
 */
export function shownStatementJson(statement: Statement, issued: boolean): string {
  if (issued) return statementJson(statement);
  const { revision: _notIssued, allNumbers, numbers, ...head } = statement;
  return `${JSON.stringify({ ...head, revision: null, issued: false, allNumbers, numbers }, null, 2)}\n`;
}

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

export async function latestRevision(
  store: StoreReader,
  contractId: string,
  month: string,
): Promise<StoredRevision | undefined> {
  const row = await store.latestRevision(contractId, month);
  return row === undefined ? undefined : fromRow(row);
}

export async function readRevision(
  store: StoreReader,
  contractId: string,
  month: string,
  revision: number,
): Promise<StoredRevision> {
  const row = await store.revision(contractId, month, revision);
  if (row === undefined) {
    const latest = await latestRevision(store, contractId, month);
    const known = latest === undefined ? 'none has been issued' : `revisions 1 to ${latest.revision} exist`;
    throw new RunFailedError(`no revision ${revision} of the statement of ${contractId} ${month} (${known})`);
  }
  return fromRow(row);
}

/** Same figures, whatever revision number each carries. */
export function sameFigures(left: Statement, right: Statement): boolean {
  return statementJson({ ...left, revision: 1 }) === statementJson({ ...right, revision: 1 });
}

/**
 * The revision number a freshly built statement carries: the latest issued revision when its
 * figures are those, else the next one (figures not issued yet).
 */
export function numberAgainst(latest: StoredRevision | undefined, statement: Statement): Statement {
  if (latest === undefined) return { ...statement, revision: 1 };
  return { ...statement, revision: sameFigures(latest.statement, statement) ? latest.revision : latest.revision + 1 };
}

export async function numberRevision(store: StoreReader, statement: Statement): Promise<Statement> {
  return numberAgainst(await latestRevision(store, statement.contract, statement.month), statement);
}

/**
 * Issues the statement as a stored revision unless the latest revision already has these
 * figures. Returns the revision that now stands and whether it is new.
 */
export async function issueRevision(
  store: StoreWriter,
  statement: Statement,
  reason: string,
): Promise<{ revision: number; issued: boolean }> {
  const latest = await latestRevision(store, statement.contract, statement.month);
  const numbered = numberAgainst(latest, statement);
  if (latest !== undefined && latest.revision === numbered.revision)
    return { revision: latest.revision, issued: false };
  const json = statementJson(numbered);
  await store.insertRevision({
    contractId: numbered.contract,
    month: numbered.month,
    revision: numbered.revision,
    createdAt: new Date().toISOString(),
    reason,
    statementJson: json,
    sha256: sha256(json),
  });
  return { revision: numbered.revision, issued: true };
}
