import fc from 'fast-check';
import { ingestFile } from './ingestFile';
import { loadReferenceData, ReferenceData } from '../reference/referenceData';
import { loadStatement } from '../statement/loadStatement';
import { Statement, StatementTable } from '../statement/statement';
import { copyReferenceData, removeReferenceCopies } from '../test-support/referenceVariant';
import { createWorkspace, csv } from '../test-support/tempStore';

const reference = loadReferenceData();

const PEERS = [
  '0312345678',
  '0120123456',
  '09011112222',
  '07012345678',
  '05033001234',
  '05099991234',
  '0101212555',
  '01086101234567',
  '0664443333',
  'anonymous',
];
const NUMBERS = ['05012345678', '05087654321', '05011110000'];

/** Random calls for one contract over March–May 2011, some sharing a record_id with identical content. */
const callRows = fc
  .array(
    fc.record({
      number: fc.constantFrom(...NUMBERS),
      direction: fc.constantFrom('out', 'in'),
      peer: fc.constantFrom(...PEERS),
      startSecond: fc.integer({ min: 0, max: 90 * 86400 }),
      durationMs: fc.integer({ min: 0, max: 3_600_000 }),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((calls) =>
    calls.map((call, index) => {
      const start = new Date(Date.UTC(2011, 2, 1) + call.startSecond * 1000).toISOString().replace('.000Z', 'Z');
      const duration = `${Math.floor(call.durationMs / 1000)}.${String(call.durationMs % 1000).padStart(3, '0')}`;
      // An outbound call to "anonymous" is a BAD_PEER reject, which must not disturb the totals either.
      return `R${index},N000000001,${call.number},${call.direction},${call.peer},${start},${duration}`;
    }),
  );

async function statementsAfter(files: string[][], data: ReferenceData = reference): Promise<Statement[]> {
  const workspace = createWorkspace();
  try {
    for (const [index, rows] of files.entries()) {
      await ingestFile(workspace.store, data, workspace.writeFile(`f${index}.csv`, csv(rows)));
    }
    const statements: Statement[] = [];
    for (const month of (await workspace.store.statementMonths('N000000001')).sort()) {
      statements.push(await loadStatement(workspace.store, data, { contractId: 'N000000001', month }));
    }
    return statements;
  } finally {
    workspace.cleanUp();
  }
}

function expectTableFoots(table: StatementTable): void {
  const sum = (pick: (row: StatementTable['calls'][number]) => number): number =>
    table.calls.reduce((total, row) => total + pick(row), 0);
  expect(table.total.count).toBe(sum((row) => row.count));
  expect(table.total.durationTenths).toBe(sum((row) => row.durationTenths));
  expect(BigInt(table.total.charge)).toBe(table.calls.reduce((total, row) => total + BigInt(row.charge), 0n));
  expect(-BigInt(table.chakuwari.discount)).toBeLessThanOrEqual(BigInt(table.total.charge));
}

describe('ingest order and repetition', () => {
  test('the order of files does not change any statement, and every table foots across and down', async () => {
    await fc.assert(
      fc.asyncProperty(callRows, fc.integer({ min: 1, max: 4 }), fc.integer(), async (rows, fileCount, seed) => {
        const files: string[][] = Array.from({ length: fileCount }, () => []);
        rows.forEach((row, index) => files[index % fileCount]!.push(row));
        // Reversed, rotated by the seed, and on even seeds with one file delivered a second time.
        const reversed = [...files].reverse();
        const rotation = Math.abs(seed) % reversed.length;
        const shuffled = [...reversed.slice(rotation), ...reversed.slice(0, rotation)];
        if (seed % 2 === 0) shuffled.push(files[0]!);
        const forward = await statementsAfter(files);
        const backward = await statementsAfter(shuffled);
        expect(backward).toEqual(forward);
        for (const statement of forward) {
          expectTableFoots(statement.allNumbers);
          for (const number of statement.numbers) expectTableFoots(number);
          statement.allNumbers.calls.forEach((row, index) => {
            const perNumber = statement.numbers.map((number) => number.calls[index]!);
            expect(row.count).toBe(perNumber.reduce((sum, each) => sum + each.count, 0));
            expect(row.durationTenths).toBe(perNumber.reduce((sum, each) => sum + each.durationTenths, 0));
            expect(BigInt(row.charge)).toBe(perNumber.reduce((sum, each) => sum + BigInt(each.charge), 0n));
          });
          expect(BigInt(statement.allNumbers.chakuwari.discount)).toBe(
            statement.numbers.reduce((sum, number) => sum + BigInt(number.chakuwari.discount), 0n),
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  test('with allowances (無料通話分), the order of files changes no statement, and the allowance and 着割 stay within the charges', async () => {
    const variant = copyReferenceData();
    variant.edit('tariffs/reference-2006-12.json', (tariff) => {
      tariff.allowances = [
        { id: 'DOMESTIC_100_YEN', per: 'contract', yen: '100', callTypes: ['general', 'mobile', 'phs'] },
        { id: 'MOBILE_10_MIN', per: 'number', minutes: 10, callTypes: ['mobile'] },
      ];
    });
    const withAllowances = loadReferenceData(variant.dataDir);
    try {
      await fc.assert(
        fc.asyncProperty(callRows, fc.integer({ min: 2, max: 4 }), async (rows, fileCount) => {
          const files: string[][] = Array.from({ length: fileCount }, () => []);
          rows.forEach((row, index) => files[index % fileCount]!.push(row));
          const forward = await statementsAfter(files, withAllowances);
          expect(await statementsAfter([...files].reverse(), withAllowances)).toEqual(forward);
          for (const statement of forward) {
            for (const table of [statement.allNumbers, ...statement.numbers]) {
              const used = -BigInt(table.allowance!.discount);
              expect(used).toBeLessThanOrEqual(BigInt(table.total.charge));
              expect(used - BigInt(table.chakuwari.discount)).toBeLessThanOrEqual(BigInt(table.total.charge));
            }
            expect(BigInt(statement.allNumbers.allowance!.discount)).toBe(
              statement.numbers.reduce((sum, number) => sum + BigInt(number.allowance!.discount), 0n),
            );
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      removeReferenceCopies();
    }
  });
});
