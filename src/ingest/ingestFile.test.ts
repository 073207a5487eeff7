import iconv from 'iconv-lite';
import { ingestFile } from './ingestFile';
import { RunFailedError } from '../errors';
import { loadReferenceData } from '../reference/referenceData';
import { loadStatement } from '../statement/loadStatement';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';

const reference = loadReferenceData();
let workspace: TempWorkspace;

beforeEach(() => {
  workspace = createWorkspace();
});
afterEach(() => workspace.cleanUp());

function count(table: string): number {
  return (workspace.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

const APRIL_CALLS = [
  'A1,N000000001,05012345678,out,03-1234-5678,2011-04-01T09:15:02+09:00,93.5',
  'A2,N000000001,05012345678,out,090-1111-2222,2011-04-02 10:00:00,60.001',
  'A3,N000000001,05012345678,in,0311112222,2011-04-03 10:00:00,120',
];

describe('ingestFile', () => {
  test('every record read ends accepted, rejected or duplicate, and the file row keeps the control totals', async () => {
    const path = workspace.writeFile(
      'day1.csv',
      csv([
        ...APRIL_CALLS,
        'A1,N000000001,050-1234-5678,out,0312345678,2011-04-01T00:15:02Z,93.500', // same content, other forms: duplicate
        'A2,N000000001,05012345678,out,09011112222,2011-04-02 10:00:00,61', // same id, other duration: conflict
        'A4,N000000001,05012345678,out,110,2011-04-02 10:00:00,5', // not callable
        'A5,N000000001,05012345678,out,03-1234-5678,2011-04-31 10:00:00,5', // no such date
        'A6,N000000001,05012345678,out', // too few fields
      ]),
    );
    const summary = await ingestFile(workspace.store, reference, path);
    expect(summary).toMatchObject({
      read: 8,
      accepted: 3,
      duplicates: 1,
      rejected: { CONFLICT: 1, NOT_CALLABLE: 1, BAD_START: 1, MALFORMED_ROW: 1 },
    });
    expect(count('calls')).toBe(3);
    expect(count('duplicates')).toBe(1);
    const rejects = workspace.db.prepare('SELECT line, code, raw FROM rejects ORDER BY line').all();
    expect(rejects).toEqual([
      { line: 6, code: 'CONFLICT', raw: 'A2,N000000001,05012345678,out,09011112222,2011-04-02 10:00:00,61' },
      { line: 7, code: 'NOT_CALLABLE', raw: 'A4,N000000001,05012345678,out,110,2011-04-02 10:00:00,5' },
      { line: 8, code: 'BAD_START', raw: 'A5,N000000001,05012345678,out,03-1234-5678,2011-04-31 10:00:00,5' },
      { line: 9, code: 'MALFORMED_ROW', raw: 'A6,N000000001,05012345678,out' },
    ]);
    const file = workspace.db.prepare('SELECT records_read, accepted, rejected, duplicates FROM files').get();
    expect(file).toEqual({ records_read: 8, accepted: 3, rejected: 4, duplicates: 1 });
  });

  test('a conflict names where the record_id was first seen', async () => {
    await ingestFile(workspace.store, reference, workspace.writeFile('first.csv', csv(APRIL_CALLS)));
    await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('second.csv', csv(['A1,N000000001,05012345678,out,0312345678,2011-04-01T09:15:02+09:00,94'])),
    );
    const reject = workspace.db.prepare('SELECT code, message FROM rejects').get() as { code: string; message: string };
    expect(reject.code).toBe('CONFLICT');
    expect(reject.message).toContain('first.csv line 2');
  });

  test('re-ingesting the same file changes nothing', async () => {
    const path = workspace.writeFile('day1.csv', csv(APRIL_CALLS));
    await ingestFile(workspace.store, reference, path);
    const before = await loadStatement(workspace.store, reference, { contractId: 'N000000001', month: '2011-04' });
    const again = await ingestFile(workspace.store, reference, path);
    expect(again).toMatchObject({ alreadyIngested: true, read: 0, accepted: 0, duplicates: 0 });
    expect(count('files')).toBe(1);
    expect(count('calls')).toBe(3);
    expect(await loadStatement(workspace.store, reference, { contractId: 'N000000001', month: '2011-04' })).toEqual(
      before,
    );
  });

  test('the same records in a renamed, reformatted file are duplicates, not billed twice', async () => {
    await ingestFile(workspace.store, reference, workspace.writeFile('day1.csv', csv(APRIL_CALLS)));
    const before = await loadStatement(workspace.store, reference, { contractId: 'N000000001', month: '2011-04' });
    const summary = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('day1-copy.csv', csv(APRIL_CALLS).replace(/\n/g, '\r\n')),
    );
    expect(summary).toMatchObject({ read: 3, accepted: 0, duplicates: 3, rejected: {} });
    expect(await loadStatement(workspace.store, reference, { contractId: 'N000000001', month: '2011-04' })).toEqual(
      before,
    );
  });

  test('a header lacking a required column refuses the whole file and applies nothing', async () => {
    const path = workspace.writeFile(
      'no-duration.csv',
      csv(
        ['A1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00'],
        'record_id,contract_id,number,direction,peer,start',
      ),
    );
    await expect(ingestFile(workspace.store, reference, path)).rejects.toThrow(
      new RunFailedError(
        `${path}: refused, nothing applied: the header lacks the required column duration (found: record_id, contract_id, number, direction, peer, start)`,
      ),
    );
    expect(count('files')).toBe(0);
    expect(count('calls')).toBe(0);
  });

  test('header names are case-insensitive, in any order, and extra columns are ignored', async () => {
    const path = workspace.writeFile(
      'layout.csv',
      csv(
        ['0312345678,93.5,extra,N000000001,2011-04-01 09:00:00,out,A1,05012345678'],
        'PEER,Duration,switch_name,CONTRACT_ID,Start,direction,Record_ID,number',
      ),
    );
    const summary = await ingestFile(workspace.store, reference, path);
    expect(summary).toMatchObject({ read: 1, accepted: 1 });
  });

  test('a failure midway rolls the whole file back: all or nothing', async () => {
    // A real store whose calls table refuses one record stands in for a crash inside the transaction.
    workspace.db.exec(`CREATE TRIGGER fail_on_a3 BEFORE INSERT ON call_rows WHEN NEW.record_id = 'A3'
                       BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    const outcome = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('day1.csv', csv(APRIL_CALLS)),
    ).catch((e: Error) => e.message);
    expect(outcome).toBe('disk on fire');
    expect(count('files')).toBe(0);
    expect(count('calls')).toBe(0);
    expect(count('number_type_totals')).toBe(0);
    workspace.db.exec('DROP TRIGGER fail_on_a3');
    const retry = await ingestFile(workspace.store, reference, workspace.writeFile('day1.csv', csv(APRIL_CALLS)));
    expect(retry).toMatchObject({ alreadyIngested: false, accepted: 3 });
  });

  test('a zero-duration call is accepted but counted nowhere and costs nothing', async () => {
    await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile(
        'zero.csv',
        csv([...APRIL_CALLS, 'Z1,N000000001,05012345678,out,07012345678,2011-04-04 10:00:00,0']),
      ),
    );
    expect(count('calls')).toBe(4);
    const statement = await loadStatement(workspace.store, reference, { contractId: 'N000000001', month: '2011-04' });
    const phs = statement.allNumbers.calls.find((row) => row.type === 'phs');
    expect(phs).toMatchObject({ count: 0, durationTenths: 0, charge: '0' });
  });

  test('a call at 2011-04-30T15:00:00Z belongs to May in Japan time', async () => {
    await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile(
        'edge.csv',
        csv([...APRIL_CALLS, 'M1,N000000001,05012345678,out,0312345678,2011-04-30T15:00:00Z,10']),
      ),
    );
    const may = await loadStatement(workspace.store, reference, { contractId: 'N000000001', month: '2011-05' });
    expect(may.allNumbers.total).toMatchObject({ count: 1, charge: '8' });
    const april = await loadStatement(workspace.store, reference, { contractId: 'N000000001', month: '2011-04' });
    expect(april.allNumbers.total.count).toBe(2);
  });

  test('CP932 input is detected and read like its UTF-8 twin', async () => {
    const rows = [...APRIL_CALLS, 'W1,N000000001,05012345678,in,非通知,2011-04-05 10:00:00,30'];
    await ingestFile(workspace.store, reference, workspace.writeFile('sjis.csv', iconv.encode(csv(rows), 'cp932')));
    const stored = workspace.db.prepare("SELECT peer, peer_class FROM calls WHERE record_id = 'W1'").get();
    expect(stored).toEqual({ peer: '非通知', peer_class: 'withheld' });
    expect(workspace.db.prepare('SELECT encoding FROM files').get()).toEqual({ encoding: 'cp932' });
  });

  test('every accepted call is traceable from its statement row to its file, line and tariff', async () => {
    await ingestFile(workspace.store, reference, workspace.writeFile('day1.csv', csv(APRIL_CALLS)));
    const trace = workspace.db
      .prepare(
        `SELECT f.name, c.line, c.tariff_id, c.rate_id, c.units, c.charge_scaled FROM calls c JOIN files f USING (file_id)
          WHERE c.contract_id = 'N000000001' AND c.month = '2011-04' AND c.peer_class = 'mobile' AND c.direction = 'out'`,
      )
      .all();
    // 60.001 s on 16 yen per 60 s: ceil(60.001 / 60) = 2 units = 32 yen = 320,000 scaled
    expect(trace).toEqual([
      { name: 'day1.csv', line: 3, tariff_id: 'REF-2006-12', rate_id: 'MOBILE', units: 2, charge_scaled: 320000 },
    ]);
  });
});
