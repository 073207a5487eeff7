import fc from 'fast-check';
import { FileCall, StoredDuplicate } from '../store/types';
import { planRemoval } from './planRemoval';

const call = (recordId: string, month = '2011-04', contractId = 'N000000001'): FileCall => ({
  recordId,
  contractId,
  month,
  line: 0,
  late: false,
});
const duplicate = (fileId: number, line: number, recordId: string): StoredDuplicate => ({
  fileId,
  fileName: `f${fileId}.csv`,
  line,
  recordId,
});

describe('planRemoval', () => {
  test('a file without duplicates elsewhere removes every call; its contract-months and months in order', () => {
    const plan = planRemoval(
      [call('K2', '2011-05', 'N000000002'), call('K1', '2011-04'), call('K3', '2011-05', 'N000000001')],
      [],
    );
    expect(plan.promotions).toEqual([]);
    expect(plan.removed.map((removed) => removed.recordId)).toEqual(['K2', 'K1', 'K3']);
    expect(plan.months).toEqual(['2011-04', '2011-05']);
    expect(plan.contractMonths).toEqual([
      { contractId: 'N000000001', month: '2011-04' },
      { contractId: 'N000000001', month: '2011-05' },
      { contractId: 'N000000002', month: '2011-05' },
    ]);
  });

  test('the first duplicate in ingest order (file, then line) is promoted; later ones stay duplicates', () => {
    // handed over out of order: file 3 line 1, file 2 line 9, file 2 line 4 → file 2 line 4 wins
    const plan = planRemoval(
      [call('K1'), call('K2')],
      [duplicate(3, 1, 'K1'), duplicate(2, 9, 'K1'), duplicate(2, 4, 'K1')],
    );
    expect(plan.promotions.map(({ call: promoted, duplicate: to }) => [promoted.recordId, to.fileId, to.line])).toEqual(
      [['K1', 2, 4]],
    );
    expect(plan.removed.map((removed) => removed.recordId)).toEqual(['K2']);
    // K1 is billed as before (from file 2): only K2's contract-month changes.
    expect(plan.contractMonths).toEqual([{ contractId: 'N000000001', month: '2011-04' }]);
  });

  test('a promoted call whose contract-month has no other removed call leaves its totals alone', () => {
    const plan = planRemoval([call('K1', '2011-04')], [duplicate(2, 1, 'K1')]);
    expect(plan.contractMonths).toEqual([]);
    expect(plan.months).toEqual(['2011-04']);
  });

  test('a record_id the file holds twice (two months apart) is not promoted: which call a duplicate was of cannot be told', () => {
    const plan = planRemoval([call('K1', '2011-04'), call('K1', '2011-06')], [duplicate(2, 1, 'K1')]);
    expect(plan.promotions).toEqual([]);
    expect(plan.removed).toHaveLength(2);
    expect(plan.undecided).toEqual(['K1']);
  });

  test('a record_id another file stores as a call too is not promoted: the duplicate may repeat that call', () => {
    const plan = planRemoval(
      [call('K1', '2011-04'), call('K2', '2011-04')],
      [duplicate(3, 1, 'K1'), duplicate(3, 2, 'K2')],
      new Set(['K1']),
    );
    expect(plan.promotions.map(({ call: promoted }) => promoted.recordId)).toEqual(['K2']);
    expect(plan.undecided).toEqual(['K1']);
    expect(plan.removed.map((removed) => removed.recordId)).toEqual(['K1']);
  });

  test('every call is either promoted once or removed; each record_id is promoted at most once, to its first duplicate', () => {
    const recordId = fc.constantFrom('K1', 'K2', 'K3', 'K4');
    fc.assert(
      fc.property(
        fc.uniqueArray(recordId, { minLength: 0, maxLength: 4 }),
        fc.array(
          fc.record({ fileId: fc.integer({ min: 2, max: 5 }), line: fc.integer({ min: 1, max: 50 }), recordId }),
          { maxLength: 12 },
        ),
        (ids, rawDuplicates) => {
          const duplicates = rawDuplicates.map((raw) => duplicate(raw.fileId, raw.line, raw.recordId));
          const plan = planRemoval(
            ids.map((id) => call(id)),
            duplicates,
          );
          expect(plan.promotions.length + plan.removed.length).toBe(ids.length);
          for (const { call: promoted, duplicate: to } of plan.promotions) {
            const first = duplicates
              .filter((candidate) => candidate.recordId === promoted.recordId)
              .sort((left, right) => left.fileId - right.fileId || left.line - right.line)[0];
            expect(to).toEqual(first);
          }
          const promotedIds = new Set(plan.promotions.map(({ call: promoted }) => promoted.recordId));
          expect(promotedIds.size).toBe(plan.promotions.length);
          expect(
            plan.removed.every((removed) => !duplicates.some((candidate) => candidate.recordId === removed.recordId)),
          ).toBe(true);
        },
      ),
    );
  });
});
