import Database from 'better-sqlite3';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { join } from 'node:path';
import { runCli } from '../test-support/runCli';
import { createWorkspace } from '../test-support/tempStore';

/**
 * The fuzz suite's profile variant: fixed-width CP932 records (jp-fixed-128-cp932: data, header
 * and trailer records, unknown direction flags, impossible dates, unconnected calls), mutated
 * (random bytes among them NUL, CR, LF, quote and CP932 lead bytes, truncation, a record in
 * UTF-8, a re-send), ingested with the profile. 40 runs in npm test; `npm run fuzz` runs
 * MEISAI_FUZZ_RUNS of them too. Whatever the bytes: no exception, exit 0, and every
 * record read is in exactly one of the four buckets, in the summary, the files table and the rows
 * of calls, rejects, duplicates and skips.
 */
const RUNS =
  Number.parseInt(process.env.MEISAI_FUZZ_RUNS ?? '100', 10) > 100
    ? Number.parseInt(process.env.MEISAI_FUZZ_RUNS!, 10)
    : 40;

const NAMES = ['東京本社', '携帯　山田', '', 'ＩＰ電話', 'abc'];

function padded(text: string, length: number): Buffer {
  const bytes = iconv.encode(text, 'cp932');
  return Buffer.concat([bytes.subarray(0, length), Buffer.alloc(Math.max(0, length - bytes.length), 0x20)]);
}

const fixedRecord = fc
  .record({
    type: fc.constantFrom('0', '1', '1', '1', '9'),
    id: fc.integer({ min: 0, max: 30 }),
    flag: fc.constantFrom('1', '2', '3'),
    name: fc.constantFrom(...NAMES),
    peer: fc.constantFrom('0312345678', '09011112222', '110', '', '+1 212 555 0100'),
    day: fc.integer({ min: 1, max: 31 }),
    tenths: fc.integer({ min: 0, max: 900_000 }),
    result: fc.constantFrom('0', '0', '1'),
  })
  .map((record) =>
    Buffer.concat([
      padded(record.type, 1),
      padded(`F${record.id}`, 20),
      padded('N000000001', 10),
      padded('05012345678', 11),
      padded(record.flag, 1),
      padded(record.name, 20),
      padded(record.peer, 20),
      padded(`201104${String(record.day).padStart(2, '0')}`, 8),
      padded('093000', 6),
      padded(String(record.tenths).padStart(7, '0'), 7),
      padded(record.result, 1),
      padded('備考', 23),
      Buffer.from('\r\n'),
    ]),
  );

type Mutation =
  | { kind: 'bytes'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'utf8'; line: number }
  | { kind: 'resend'; line: number };
const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('bytes' as const),
    at: position,
    bytes: fc.array(fc.constantFrom(0, 0x0a, 0x0d, 0x22, 0x2c, 0x81, 0x82, 0xe0, 0xff, 0x41), {
      minLength: 1,
      maxLength: 4,
    }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('utf8' as const), line: position }),
  fc.record({ kind: fc.constant('resend' as const), line: position }),
);

function mutate(records: Buffer[], change: Mutation): Buffer[] {
  const whole = Buffer.concat(records);
  const at = (share: number, length: number): number => Math.floor(share * (length + 1));
  switch (change.kind) {
    case 'bytes': {
      const index = at(change.at, whole.length);
      return [Buffer.concat([whole.subarray(0, index), Buffer.from(change.bytes), whole.subarray(index)])];
    }
    case 'truncate':
      return [whole.subarray(0, at(change.at, whole.length))];
    case 'utf8':
    case 'resend': {
      if (records.length === 0) return records;
      const index = Math.floor(change.line * records.length);
      const record = records[index]!;
      if (change.kind === 'resend') return [...records, record];
      return [
        ...records.slice(0, index),
        Buffer.from(iconv.decode(record, 'cp932'), 'utf8'),
        ...records.slice(index + 1),
      ];
    }
  }
}

describe('ingest with a profile under fuzzed input', () => {
  test('fixed-width CP932: every record read ends in exactly one of four buckets; no exception', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fixedRecord, { minLength: 1, maxLength: 25 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (records, mutations) => {
          const workspace = createWorkspace();
          workspace.db.close();
          try {
            const bytes = Buffer.concat(mutations.reduce(mutate, records));
            const path = workspace.writeFile('fuzz.dat', bytes);
            const result = await runCli([
              'ingest',
              path,
              '--profile',
              'jp-fixed-128-cp932',
              '--db',
              workspace.dbPath,
              '--json',
            ]);
            expect(result.stderr).not.toMatch(/\n\s+at |unexpected failure/);
            expect(result.code).toBe(0);
            const summary = JSON.parse(result.stdout) as {
              read: number;
              accepted: number;
              rejected: Record<string, number>;
              duplicates: number;
              skipped: Record<string, number>;
            };
            const sum = (counts: Record<string, number>): number =>
              Object.values(counts).reduce((total, count) => total + count, 0);
            expect(summary.read).toBe(
              summary.accepted + sum(summary.rejected) + summary.duplicates + sum(summary.skipped),
            );
            // an independent count: non-empty lines
            expect(summary.read).toBe(
              bytes
                .toString('latin1')
                .split('\n')
                .filter((line) => line.replace(/\r$/, '') !== '').length,
            );
            const db = new Database(join(workspace.directory, 'meisai.sqlite'), { readonly: true });
            try {
              const file = db
                .prepare('SELECT file_id, records_read, accepted, rejected, duplicates, skipped FROM files')
                .get() as Record<string, number> | undefined;
              if (summary.read === 0 && file === undefined) return;
              expect(file).toMatchObject({
                records_read: summary.read,
                accepted: summary.accepted,
                rejected: sum(summary.rejected),
                duplicates: summary.duplicates,
                skipped: sum(summary.skipped),
              });
              const rowsOf = (table: string): number =>
                (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
              expect([rowsOf('calls'), rowsOf('rejects'), rowsOf('duplicates'), rowsOf('skips')]).toEqual([
                file!.accepted,
                file!.rejected,
                file!.duplicates,
                file!.skipped,
              ]);
              // an accepted call comes from a data record of a connected call with a known direction flag
              for (const call of db.prepare('SELECT record_id, direction, line FROM calls').all() as {
                record_id: string;
                direction: string;
                line: number;
              }[]) {
                expect(call.record_id).toMatch(/^F\d+$/);
                expect(['out', 'in']).toContain(call.direction);
              }
            } finally {
              db.close();
            }
          } finally {
            workspace.cleanUp();
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 600_000);
});
