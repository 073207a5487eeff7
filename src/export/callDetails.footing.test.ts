import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { ingestFile } from '../ingest/ingestFile';
import { parseYenAmount } from '../money/scaledYen';
import { CALL_TYPES } from '../numbering/callType';
import { loadReferenceData, PROJECT_ROOT } from '../reference/referenceData';
import { loadStatement } from '../statement/loadStatement';
import { createWorkspace, TempWorkspace } from '../test-support/tempStore';
import { readCallDetails, renderCallDetailsCsv } from './callDetails';

const reference = loadReferenceData();
let workspace: TempWorkspace;

beforeAll(async () => {
  workspace = createWorkspace();
  await ingestFile(workspace.store, reference, join(PROJECT_ROOT, 'fixtures', 'seed-2011-04.csv'));
});
afterAll(() => workspace.cleanUp());

type CsvRow = Record<string, string>;

describe('call details foot to the statement', () => {
  test("on the seed month, each number's outbound charges per type add up to its statement row", async () => {
    const request = { contractId: 'N000000001', month: '2011-04' };
    const details = renderCallDetailsCsv(await readCallDetails(workspace.store, { ...request, direction: 'out' }), {
      mask: true,
    });
    const rows = parse(details, { columns: true, record_delimiter: '\r\n' }) as CsvRow[];
    expect(rows.every((row) => row.status === 'billed')).toBe(true);

    // exact sums in scaled yen (integers), read from the CSV's decimal strings without a float
    const exportedSums = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.number} ${row.type}`;
      exportedSums.set(key, (exportedSums.get(key) ?? 0) + parseYenAmount(row.charge!));
    }

    const statement = await loadStatement(workspace.store, reference, request);
    const statementSums = new Map<string, number>();
    for (const numberTable of statement.numbers) {
      for (const call of numberTable.calls) {
        // whole-yen calls rounded down: the row charge is the exact sum
        if (call.charge !== '0') statementSums.set(`${numberTable.number} ${call.type}`, parseYenAmount(call.charge));
      }
    }
    const exportedNonZero = new Map([...exportedSums].filter(([, sum]) => sum !== 0));
    expect(exportedNonZero).toEqual(statementSums);
    expect(statementSums.size).toBeGreaterThan(CALL_TYPES.length); // several numbers, several types
    // and the all-number total row is the sum of every exported charge: 130090 yen on the seed
    const exportedTotal = [...exportedSums.values()].reduce((sum, value) => sum + value, 0);
    expect(exportedTotal).toBe(parseYenAmount(statement.allNumbers.total.charge));
    expect(statement.allNumbers.total.charge).toBe('130090');
  });

  test('the export holds the calls behind each statement row: count (duration > 0) and summed tenths', async () => {
    const request = { contractId: 'N000000001', month: '2011-04' };
    const calls = await readCallDetails(workspace.store, { ...request, direction: 'out' });
    const rows = parse(renderCallDetailsCsv(calls, { mask: false }), {
      columns: true,
      record_delimiter: '\r\n',
    }) as CsvRow[];
    expect(rows.map((row) => row.record_id)).toEqual(calls.map((call) => call.recordId));
    const statement = await loadStatement(workspace.store, reference, request);
    for (const numberTable of statement.numbers) {
      for (const call of numberTable.calls) {
        const indexes = calls.flatMap((stored, index) =>
          stored.number === numberTable.number && stored.peerClass === call.type ? [index] : [],
        );
        // a call under 0.1 s prints 0:00:00.0 but is still a call: count by the exact duration
        const counted = indexes.filter((index) => calls[index]!.durationMs > 0).length;
        const tenths = indexes.reduce((sum, index) => sum + Number.parseInt(rows[index]!.duration_tenths!, 10), 0);
        expect([numberTable.number, call.type, counted, tenths]).toEqual([
          numberTable.number,
          call.type,
          call.count,
          call.durationTenths,
        ]);
      }
    }
  });
});
