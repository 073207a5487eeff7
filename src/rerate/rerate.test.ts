import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeMonth } from './closeMonth';
import { rerateMonth } from './rerateMonth';
import { ConfigurationError } from '../errors';
import { ingestFile } from '../ingest/ingestFile';
import { DEFAULT_DATA_DIR, loadReferenceData } from '../reference/referenceData';
import { loadStatement } from '../statement/loadStatement';
import { readRevisions, statementJson } from '../statement/revisions';
import { copyReferenceData, removeReferenceCopies } from '../test-support/referenceVariant';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';

const reference = loadReferenceData();
const CONTRACT = 'N000000001';
const APRIL = [
  'A1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,180', // general, 1 unit: 8 yen
  'A2,N000000001,05012345678,out,09011112222,2011-04-10 09:00:00,90', // mobile, 2 units: 32 yen
  'A3,N000000001,05087654321,out,0312345678,2011-04-20 09:00:00,200', // general, 2 units: 16 yen
  'A4,N000000001,05012345678,in,0311112222,2011-04-21 09:00:00,600', // 着割: 600 s → 5 yen
];

let workspace: TempWorkspace;
beforeEach(async () => {
  workspace = createWorkspace();
  await ingestFile(workspace.db, reference, workspace.writeFile('april.csv', csv(APRIL)));
});
afterEach(() => {
  workspace.cleanUp();
  removeReferenceCopies();
});

const statementOf = (revision?: number) => loadStatement(workspace.db, reference, { contractId: CONTRACT, month: '2011-04', revision });

describe('rerate', () => {
  test('with unchanged tariffs nothing changes and no revision is issued', () => {
    const result = rerateMonth(workspace.db, reference, { month: '2011-04', reason: 'nightly check', force: false });
    expect(result.calls).toBe(4);
    // No revision was issued before and none is now: no revision to come from or stand at.
    expect(result.contracts).toEqual([{ contractId: CONTRACT, fromRevision: null, toRevision: null, issued: false, changes: [] }]);
    expect(readRevisions(workspace.db, CONTRACT, '2011-04')).toEqual([]);
  });

  test('a corrected tariff issues a new revision, keeps the old one readable and says what changed', () => {
    const corrected = copyReferenceData();
    corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
      tariff.rates.find((rate: { id: string }) => rate.id === 'MOBILE').unitPrice = '20';
    });
    const before = statementOf();
    const result = rerateMonth(workspace.db, loadReferenceData(corrected.dataDir), { month: '2011-04', reason: 'mobile rate corrected', force: false });
    // A2: 2 units × 20 yen = 40 yen instead of 32; the total 56 → 64
    expect(result.contracts[0]).toMatchObject({ fromRevision: 1, toRevision: 2, issued: true });
    expect(result.contracts[0]!.changes).toEqual([
      { scope: 'all', row: 'mobile', label: '携帯通話', count: [1, 1], duration: ['0:01:30.0', '0:01:30.0'], amount: ['32', '40'] },
      { scope: 'all', row: 'total', label: '合計', count: [3, 3], duration: ['0:07:50.0', '0:07:50.0'], amount: ['56', '64'] },
      { scope: '05012345678', row: 'mobile', label: '携帯通話', count: [1, 1], duration: ['0:01:30.0', '0:01:30.0'], amount: ['32', '40'] },
      { scope: '05012345678', row: 'total', label: '合計', count: [2, 2], duration: ['0:04:30.0', '0:04:30.0'], amount: ['40', '48'] },
    ]);
    const revisions = readRevisions(workspace.db, CONTRACT, '2011-04');
    expect(revisions.map((revision) => [revision.revision, revision.reason])).toEqual([
      [1, 'as it stood before the first re-rate'],
      [2, 'mobile rate corrected'],
    ]);
    expect(statementOf(1)).toEqual(before);
    expect(statementOf().revision).toBe(2);
    expect(statementOf().allNumbers.total.charge).toBe('64');

    const again = rerateMonth(workspace.db, loadReferenceData(corrected.dataDir), { month: '2011-04', reason: 'again', force: false });
    expect(again.contracts[0]).toMatchObject({ fromRevision: 2, toRevision: 2, issued: false, changes: [] });
    expect(readRevisions(workspace.db, CONTRACT, '2011-04')).toHaveLength(2);
  });

  test('a tariff version starting mid-month rates each call by the version in effect at its start', () => {
    const withNewVersion = copyReferenceData();
    const newVersion = JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'tariffs', 'reference-2006-12.json'), 'utf8'));
    newVersion.id = 'REF-2011-04-15';
    newVersion.effectiveFrom = '2011-04-15';
    newVersion.rates.find((rate: { id: string }) => rate.id === 'GENERAL').unitPrice = '10';
    withNewVersion.add('tariffs/reference-2011-04-15.json', newVersion);
    rerateMonth(workspace.db, loadReferenceData(withNewVersion.dataDir), { month: '2011-04', reason: 'new version', force: false });
    const calls = workspace.db.prepare("SELECT record_id, tariff_id, charge_scaled FROM calls WHERE direction = 'out' ORDER BY record_id").all();
    // A1 (1 April) keeps 8 yen; A3 (20 April) is 2 units × 10 yen under the new version
    expect(calls).toEqual([
      { record_id: 'A1', tariff_id: 'REF-2006-12', charge_scaled: 80000 },
      { record_id: 'A2', tariff_id: 'REF-2006-12', charge_scaled: 320000 },
      { record_id: 'A3', tariff_id: 'REF-2011-04-15', charge_scaled: 200000 },
    ]);
  });

  test('calls the corrected numbering plan cannot rate are reported and left out of the totals', () => {
    const stricter = copyReferenceData();
    stricter.edit('numbering/jp-reference.json', (plan) => {
      plan.rules.push({ prefix: '0312', class: 'not-callable' });
    });
    const result = rerateMonth(workspace.db, loadReferenceData(stricter.dataDir), { month: '2011-04', reason: 'plan corrected', force: false });
    expect(result.unrated).toEqual({ NOT_CALLABLE: 2 });
    expect(statementOf().allNumbers.calls[0]).toMatchObject({ type: 'general', count: 0, charge: '0' });
    expect(workspace.db.prepare('SELECT COUNT(*) AS n FROM calls WHERE unrated_code = ?').get('NOT_CALLABLE')).toEqual({ n: 2 });
  });

  test('the same inputs give byte-identical JSON statements in another store', async () => {
    const corrected = copyReferenceData();
    corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
      tariff.rates.find((rate: { id: string }) => rate.id === 'PHS').perCallFee = '12';
    });
    const other = createWorkspace();
    try {
      await ingestFile(other.db, reference, other.writeFile('april.csv', csv(APRIL)));
      for (const db of [workspace.db, other.db]) {
        rerateMonth(db, loadReferenceData(corrected.dataDir), { month: '2011-04', reason: 'r', force: false });
      }
      const json = (db: typeof workspace.db) => statementJson(loadStatement(db, reference, { contractId: CONTRACT, month: '2011-04' }));
      expect(json(other.db)).toBe(json(workspace.db));
    } finally {
      other.cleanUp();
    }
  });
});

describe('closed months and late calls', () => {
  test('closing issues the statement; a late call is stored, counted and kept out until rerate --force', async () => {
    const closed = closeMonth(workspace.db, reference, '2011-04');
    expect(closed.statements).toEqual([{ contractId: CONTRACT, revision: 1, issued: true }]);
    const invoiced = statementOf();

    const late = await ingestFile(workspace.db, reference, workspace.writeFile('late.csv', csv(['L1,N000000001,05012345678,out,0312345678,2011-04-30 23:00:00,60'])));
    expect(late).toMatchObject({ read: 1, accepted: 1, late: 1 });
    expect(statementOf()).toEqual(invoiced);
    expect(() => rerateMonth(workspace.db, reference, { month: '2011-04', reason: 'late calls', force: false })).toThrow(ConfigurationError);

    const forced = rerateMonth(workspace.db, reference, { month: '2011-04', reason: 'late calls', force: true });
    expect(forced.lateBilled).toBe(1);
    expect(forced.contracts[0]).toMatchObject({ fromRevision: 1, toRevision: 2, issued: true });
    // L1: 60 s general = 1 unit = 8 yen; total 56 → 64
    expect(statementOf().allNumbers.total).toMatchObject({ count: 4, charge: '64' });
    expect(statementOf(1)).toEqual(invoiced);
    expect(workspace.db.prepare('SELECT late FROM calls WHERE record_id = ?').get('L1')).toEqual({ late: 0 });
  });

  test('closing twice changes nothing', () => {
    closeMonth(workspace.db, reference, '2011-04');
    expect(closeMonth(workspace.db, reference, '2011-04')).toEqual({ month: '2011-04', alreadyClosed: true, statements: [] });
    expect(readRevisions(workspace.db, CONTRACT, '2011-04')).toHaveLength(1);
  });
});
