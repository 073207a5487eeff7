import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeMonth } from './closeMonth';
import { rerateMonth } from './rerateMonth';
import { ConfigurationError } from '../errors';
import { ingestFile } from '../ingest/ingestFile';
import { DEFAULT_DATA_DIR, loadReferenceData } from '../reference/referenceData';
import { loadStatement } from '../statement/loadStatement';
import { statementJson } from '../statement/revisions';
import { Statement } from '../statement/statement';
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
  await ingestFile(workspace.store, reference, workspace.writeFile('april.csv', csv(APRIL)));
});
afterEach(() => {
  workspace.cleanUp();
  removeReferenceCopies();
});

const statementOf = (revision?: number) =>
  loadStatement(workspace.store, reference, { contractId: CONTRACT, month: '2011-04', revision });

/** The issued revisions of a contract-month, oldest first, as stored. */
function revisionsOf(contractId: string, month: string): { revision: number; reason: string; statement: Statement }[] {
  return (
    workspace.db
      .prepare(
        'SELECT revision, reason, statement_json AS json FROM statements WHERE contract_id = ? AND month = ? ORDER BY revision',
      )
      .all(contractId, month) as {
      revision: number;
      reason: string;
      json: string;
    }[]
  ).map((row) => ({ revision: row.revision, reason: row.reason, statement: JSON.parse(row.json) as Statement }));
}

describe('rerate', () => {
  test('with unchanged tariffs nothing changes and no revision is issued', async () => {
    const result = await rerateMonth(workspace.store, reference, {
      month: '2011-04',
      reason: 'nightly check',
      force: false,
    });
    expect(result.calls).toBe(4);
    // No revision was issued before and none is now: no revision to come from or stand at.
    expect(result.contracts).toEqual([
      { contractId: CONTRACT, fromRevision: null, toRevision: null, issued: false, changes: [] },
    ]);
    expect(revisionsOf(CONTRACT, '2011-04')).toEqual([]);
  });

  test('a corrected tariff issues a new revision, keeps the old one readable and says what changed', async () => {
    const corrected = copyReferenceData();
    corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
      tariff.rates.find((rate: { id: string }) => rate.id === 'MOBILE').steps[0].price = '20';
    });
    const before = await statementOf();
    const result = await rerateMonth(workspace.store, loadReferenceData(corrected.dataDir), {
      month: '2011-04',
      reason: 'mobile rate corrected',
      force: false,
    });
    // A2: 2 units × 20 yen = 40 yen instead of 32; the total 56 → 64
    expect(result.contracts[0]).toMatchObject({ fromRevision: 1, toRevision: 2, issued: true });
    expect(result.contracts[0]!.changes).toEqual([
      {
        scope: 'all',
        row: 'mobile',
        label: '携帯通話',
        count: [1, 1],
        duration: ['0:01:30.0', '0:01:30.0'],
        amount: ['32', '40'],
      },
      {
        scope: 'all',
        row: 'total',
        label: '合計',
        count: [3, 3],
        duration: ['0:07:50.0', '0:07:50.0'],
        amount: ['56', '64'],
      },
      {
        scope: '05012345678',
        row: 'mobile',
        label: '携帯通話',
        count: [1, 1],
        duration: ['0:01:30.0', '0:01:30.0'],
        amount: ['32', '40'],
      },
      {
        scope: '05012345678',
        row: 'total',
        label: '合計',
        count: [2, 2],
        duration: ['0:04:30.0', '0:04:30.0'],
        amount: ['40', '48'],
      },
    ]);
    const revisions = revisionsOf(CONTRACT, '2011-04');
    expect(revisions.map((revision) => [revision.revision, revision.reason])).toEqual([
      [1, 'as it stood before the first re-rate'],
      [2, 'mobile rate corrected'],
    ]);
    expect(await statementOf(1)).toEqual(before);
    expect((await statementOf()).revision).toBe(2);
    expect((await statementOf()).allNumbers.total.charge).toBe('64');

    const again = await rerateMonth(workspace.store, loadReferenceData(corrected.dataDir), {
      month: '2011-04',
      reason: 'again',
      force: false,
    });
    expect(again.contracts[0]).toMatchObject({ fromRevision: 2, toRevision: 2, issued: false, changes: [] });
    expect(revisionsOf(CONTRACT, '2011-04')).toHaveLength(2);
  });

  test('a tariff version starting mid-month rates each call by the version in effect at its start', async () => {
    const withNewVersion = copyReferenceData();
    const newVersion = JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'tariffs', 'reference-2006-12.json'), 'utf8'));
    newVersion.id = 'REF-2011-04-15';
    newVersion.effectiveFrom = '2011-04-15';
    newVersion.rates.find((rate: { id: string }) => rate.id === 'GENERAL').steps[0].price = '10';
    withNewVersion.add('tariffs/reference-2011-04-15.json', newVersion);
    await rerateMonth(workspace.store, loadReferenceData(withNewVersion.dataDir), {
      month: '2011-04',
      reason: 'new version',
      force: false,
    });
    const calls = workspace.db
      .prepare("SELECT record_id, tariff_id, charge_scaled FROM calls WHERE direction = 'out' ORDER BY record_id")
      .all();
    // A1 (1 April) keeps 8 yen; A3 (20 April) is 2 units × 10 yen under the new version
    expect(calls).toEqual([
      { record_id: 'A1', tariff_id: 'REF-2006-12', charge_scaled: 80000 },
      { record_id: 'A2', tariff_id: 'REF-2006-12', charge_scaled: 320000 },
      { record_id: 'A3', tariff_id: 'REF-2011-04-15', charge_scaled: 200000 },
    ]);
  });

  test('calls the corrected numbering plan cannot rate are reported and left out of the totals', async () => {
    const stricter = copyReferenceData();
    stricter.edit('numbering/jp-reference.json', (plan) => {
      plan.rules.push({ prefix: '0312', class: 'not-callable' });
    });
    const result = await rerateMonth(workspace.store, loadReferenceData(stricter.dataDir), {
      month: '2011-04',
      reason: 'plan corrected',
      force: false,
    });
    expect(result.unrated).toEqual({ NOT_CALLABLE: 2 });
    expect((await statementOf()).allNumbers.calls[0]).toMatchObject({ type: 'general', count: 0, charge: '0' });
    expect(workspace.db.prepare('SELECT COUNT(*) AS n FROM calls WHERE unrated_code = ?').get('NOT_CALLABLE')).toEqual({
      n: 2,
    });
  });

  test('every contract with a call has its entry: one whose only call is now unrated, one whose only call has no duration', async () => {
    await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile(
        'more.csv',
        csv([
          'B1,N000000002,05022223333,out,0312999999,2011-04-05 09:00:00,60',
          'C1,N000000003,05033334444,out,0312345678,2011-04-06 09:00:00,0',
        ]),
      ),
    );
    const stricter = copyReferenceData();
    stricter.edit('numbering/jp-reference.json', (plan) => {
      plan.rules.push({ prefix: '0312999', class: 'not-callable' });
    });
    const result = await rerateMonth(workspace.store, loadReferenceData(stricter.dataDir), {
      month: '2011-04',
      reason: 'plan corrected',
      force: false,
    });
    expect(result.unrated).toEqual({ NOT_CALLABLE: 1 });
    expect(result.contracts.map((contract) => contract.contractId)).toEqual(['N000000001', 'N000000002', 'N000000003']);
  });

  test('the same inputs give byte-identical JSON statements in another store', async () => {
    const corrected = copyReferenceData();
    corrected.edit('tariffs/reference-2006-12.json', (tariff) => {
      tariff.rates.find((rate: { id: string }) => rate.id === 'PHS').connectFee = '12';
    });
    const other = createWorkspace();
    try {
      await ingestFile(other.store, reference, other.writeFile('april.csv', csv(APRIL)));
      for (const store of [workspace.store, other.store]) {
        await rerateMonth(store, loadReferenceData(corrected.dataDir), { month: '2011-04', reason: 'r', force: false });
      }
      const json = async (store: typeof workspace.store) =>
        statementJson(await loadStatement(store, reference, { contractId: CONTRACT, month: '2011-04' }));
      expect(await json(other.store)).toBe(await json(workspace.store));
    } finally {
      other.cleanUp();
    }
  });
});

describe('closed months and late calls', () => {
  test('closing issues the statement; a late call is stored, counted and kept out until rerate --force', async () => {
    const closed = await closeMonth(workspace.store, reference, '2011-04');
    expect(closed.statements).toEqual([{ contractId: CONTRACT, revision: 1, issued: true }]);
    const invoiced = await statementOf();

    const late = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('late.csv', csv(['L1,N000000001,05012345678,out,0312345678,2011-04-30 23:00:00,60'])),
    );
    expect(late).toMatchObject({ read: 1, accepted: 1, late: 1 });
    expect(await statementOf()).toEqual(invoiced);
    await expect(
      rerateMonth(workspace.store, reference, { month: '2011-04', reason: 'late calls', force: false }),
    ).rejects.toThrow(ConfigurationError);

    const forced = await rerateMonth(workspace.store, reference, {
      month: '2011-04',
      reason: 'late calls',
      force: true,
    });
    expect(forced.lateBilled).toBe(1);
    expect(forced.contracts[0]).toMatchObject({ fromRevision: 1, toRevision: 2, issued: true });
    // L1: 60 s general = 1 unit = 8 yen; total 56 → 64
    expect((await statementOf()).allNumbers.total).toMatchObject({ count: 4, charge: '64' });
    expect(await statementOf(1)).toEqual(invoiced);
    expect(workspace.db.prepare('SELECT late FROM calls WHERE record_id = ?').get('L1')).toEqual({ late: 0 });
  });

  test('closing issues for each contract the statement built from its own totals, as statement shows it', async () => {
    await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile(
        'second.csv',
        csv([
          'B1,N000000002,05011112222,out,0312345678,2011-04-02 09:00:00,60',
          'B2,N000000002,05011112222,in,0311112222,2011-04-03 09:00:00,120',
        ]),
      ),
    );
    const shown = async (contractId: string) =>
      loadStatement(workspace.store, reference, { contractId, month: '2011-04' });
    const before = [await shown(CONTRACT), await shown('N000000002')];
    const closed = await closeMonth(workspace.store, reference, '2011-04');
    expect(closed.statements).toEqual([
      { contractId: CONTRACT, revision: 1, issued: true },
      { contractId: 'N000000002', revision: 1, issued: true },
    ]);
    expect([
      revisionsOf(CONTRACT, '2011-04')[0]!.statement,
      revisionsOf('N000000002', '2011-04')[0]!.statement,
    ]).toEqual(before);
  });

  test('a damaged totals row stops the close, naming it: nothing is closed or issued', async () => {
    workspace.db
      .prepare("UPDATE number_type_totals SET charge_scaled = '12.5' WHERE contract_id = ? AND call_type = 'mobile'")
      .run(CONTRACT);
    await expect(closeMonth(workspace.store, reference, '2011-04')).rejects.toThrow(
      /number_type_totals .*05012345678.* is damaged/,
    );
    expect(revisionsOf(CONTRACT, '2011-04')).toEqual([]);
    expect(await workspace.store.isMonthClosed('2011-04')).toBe(false);
  });

  test('closing twice changes nothing', async () => {
    await closeMonth(workspace.store, reference, '2011-04');
    expect(await closeMonth(workspace.store, reference, '2011-04')).toEqual({
      month: '2011-04',
      alreadyClosed: true,
      statements: [],
    });
    expect(revisionsOf(CONTRACT, '2011-04')).toHaveLength(1);
  });
});
