import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test-support/runCli';
import { sqliteStoreAtVersion } from './storeAtVersion.support';
import { csv } from '../../test-support/tempStore';
import { recordKey } from './callKeys';
import { openStore } from './connection';
import { recordKeyVersionSix } from './migrationSix';

const APRIL = Date.parse('2011-04-01T09:00:00+09:00');
const MAY = Date.parse('2011-05-01T09:00:00+09:00');

/**
 * A store as version 5 left it: file 1 has A1 (N…2, April), A2 (N…1, April), A3 (N…1, May);
 * file 2 has B1 (N…1, April). Migration 6 appends them by file and line: call_ids 1, 2, 3, 4.
 */
function versionFiveStore(path: string): void {
  const db = sqliteStoreAtVersion(path, 5);
  const call = (
    recordId: string,
    fileId: number,
    line: number,
    contractId: string,
    startMs: number,
    month: string,
  ): string =>
    `INSERT INTO calls (record_id, file_id, line, contract_id, number, direction, peer, peer_is_number, start_ms, duration_ms, month,
                        peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible)
       VALUES ('${recordId}', ${fileId}, ${line}, '${contractId}', '05012345678', 'out', '0312345678', 1, ${startMs}, 60000, '${month}',
               'general', 'REF-2006-12', 'JP-050-REFERENCE', 'GENERAL', NULL, 1, 80000, 0);`;
  db.exec(`INSERT INTO files (file_id, name, sha256, bytes, encoding, ingested_at, records_read, accepted, rejected, duplicates)
             VALUES (1, 'one.csv', 'a', 1, 'utf8', '2026-11-01T00:00:00.000Z', 3, 3, 0, 0),
                    (2, 'two.csv', 'b', 1, 'utf8', '2026-11-02T00:00:00.000Z', 1, 1, 0, 0);
           ${call('A1', 1, 2, 'N000000002', APRIL, '2011-04')}
           ${call('A2', 1, 3, 'N000000001', APRIL, '2011-04')}
           ${call('A3', 1, 4, 'N000000001', MAY, '2011-05')}
           ${call('B1', 2, 2, 'N000000001', APRIL, '2011-04')}`);
  db.close();
}

function uint32s(blob: Buffer): number[] {
  const values: number[] = [];
  for (let at = 0; at < blob.length; at += 4) values.push(blob.readUInt32LE(at));
  return values;
}

describe('migration 6 (frozen) on a store of version 5', () => {
  let directory: string;
  let path: string;
  beforeEach(() => {
    process.env.MEISAI_LOG_LEVEL = 'silent';
    directory = mkdtempSync(join(tmpdir(), 'meisai-migration-six-'));
    path = join(directory, 'meisai.sqlite');
    versionFiveStore(path);
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  test('writes one key part per file and month, keyed as the live store keys record ids, and indexes each part by contract', () => {
    const db = openStore(path, 'write');
    try {
      const parts = db
        .prepare(
          'SELECT part_id, month, file_id, first_call_id, last_call_id, calls, keys, call_ids FROM call_keys ORDER BY part_id',
        )
        .all() as {
        part_id: number;
        month: string;
        file_id: number;
        first_call_id: number;
        last_call_id: number;
        calls: number;
        keys: Buffer;
        call_ids: Buffer;
      }[];
      expect(
        parts.map(({ keys, call_ids, ...part }) => ({ ...part, keys: uint32s(keys), callIds: uint32s(call_ids) })),
      ).toEqual([
        {
          part_id: 1,
          month: '2011-04',
          file_id: 1,
          first_call_id: 1,
          last_call_id: 2,
          calls: 2,
          keys: [recordKey('A1'), recordKey('A2')],
          callIds: [1, 2],
        },
        {
          part_id: 2,
          month: '2011-04',
          file_id: 2,
          first_call_id: 4,
          last_call_id: 4,
          calls: 1,
          keys: [recordKey('B1')],
          callIds: [4],
        },
        {
          part_id: 3,
          month: '2011-05',
          file_id: 1,
          first_call_id: 3,
          last_call_id: 3,
          calls: 1,
          keys: [recordKey('A3')],
          callIds: [3],
        },
      ]);
      // each part's calls under their contracts (N…1's call 2 and N…2's call 1 in part 1)
      expect(
        db.prepare('SELECT part_id, contract_id, call_id FROM call_index ORDER BY part_id, contract_id, call_id').all(),
      ).toEqual([
        { part_id: 1, contract_id: 'N000000001', call_id: 2 },
        { part_id: 1, contract_id: 'N000000002', call_id: 1 },
        { part_id: 2, contract_id: 'N000000001', call_id: 4 },
        { part_id: 3, contract_id: 'N000000001', call_id: 3 },
      ]);
    } finally {
      db.close();
    }
  });

  test('a call stored before the migration is still refused as a duplicate after it', async () => {
    const file = join(directory, 'again.csv');
    writeFileSync(
      file,
      csv([
        'A2,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60',
        'NEW-1,N000000001,05012345678,out,0312345678,2011-04-02 09:00:00,60',
      ]),
    );
    expect((await runCli(['ingest', file, '--db', path])).code).toBe(0);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT accepted, duplicates FROM files WHERE name = 'again.csv'").get()).toEqual({
        accepted: 1,
        duplicates: 1,
      });
      expect(db.prepare('SELECT record_id FROM duplicates').all()).toEqual([{ record_id: 'A2' }]);
    } finally {
      db.close();
    }
  });

  test('its frozen record key is the live one: stores it migrated stay readable by ingest', () => {
    for (const recordId of ['A1', '', 'é', '0f8fad5b-d9cb-469f-a165-70867728950e', 'x'.repeat(300)]) {
      expect(recordKeyVersionSix(recordId)).toBe(recordKey(recordId));
    }
  });
});
