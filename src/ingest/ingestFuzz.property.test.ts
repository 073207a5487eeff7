import Database from 'better-sqlite3';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { runCli } from '../test-support/runCli';
import { CDR_HEADER, createWorkspace } from '../test-support/tempStore';

/**
 * The fuzz suite of issue 7: valid CDR files, mutated the ways deliveries go wrong (random bytes,
 * NUL, truncation, stray quotes, long fields, a line in the other encoding, BOMs, CR-only line
 * ends, re-sends), ingested through the command line. Whatever the bytes: no exception escapes,
 * the exit code is the spec's (0 applied, 1 refused whole), every line read is counted in
 * exactly one bucket — in the summary, in the files table and in the rows of calls, rejects and
 * duplicates — and no accepted call comes from a line that is not a valid record.
 *
 * A short run (seconds) is part of `npm test`; `npm run fuzz` runs it longer
 * (MEISAI_FUZZ_RUNS, default there 1000).
 */
const RUNS = Number.parseInt(process.env.MEISAI_FUZZ_RUNS ?? '100', 10);

const PEERS = [
  '0312345678',
  '03-1234-5678',
  '09011112222',
  '+1 212 555 0100',
  '0120123456',
  '05033001234',
  '110',
  '非通知',
  'anonymous',
  '',
];

const validRow = fc
  .record({
    id: fc.integer({ min: 0, max: 40 }),
    number: fc.constantFrom('05012345678', '050-8765-4321'),
    direction: fc.constantFrom('out', 'in', 'IN'),
    peer: fc.constantFrom(...PEERS),
    day: fc.integer({ min: 1, max: 30 }),
    second: fc.integer({ min: 0, max: 86_399 }),
    durationMs: fc.integer({ min: 0, max: 7_200_000 }),
  })
  .map(({ id, number, direction, peer, day, second, durationMs }) => {
    const time = [Math.floor(second / 3600), Math.floor(second / 60) % 60, second % 60]
      .map((part) => String(part).padStart(2, '0'))
      .join(':');
    const duration = `${Math.floor(durationMs / 1000)}.${String(durationMs % 1000).padStart(3, '0')}`;
    return `F${id},N000000001,${number},${direction},${peer},2011-04-${String(day).padStart(2, '0')} ${time},${duration}`;
  });

type Mutation =
  | { kind: 'bytes'; at: number; bytes: number[] }
  | { kind: 'nul'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'quote'; at: number }
  | { kind: 'fieldQuote'; line: number; field: number }
  | { kind: 'fieldControl'; line: number; field: number; code: number }
  | { kind: 'longField'; at: number; length: number }
  | { kind: 'otherEncoding'; line: number }
  | { kind: 'bom' }
  | { kind: 'crOnly' }
  | { kind: 'resend'; line: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('bytes' as const),
    at: position,
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('nul' as const), at: position }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('quote' as const), at: position }),
  fc.record({ kind: fc.constant('fieldQuote' as const), line: position, field: fc.integer({ min: 0, max: 6 }) }),
  fc.record({
    kind: fc.constant('fieldControl' as const),
    line: position,
    field: fc.integer({ min: 0, max: 6 }),
    code: fc.constantFrom(0, 0x1b, 0x07, 0x7f, 0x0d),
  }),
  fc.record({ kind: fc.constant('longField' as const), at: position, length: fc.constantFrom(100, 70_000) }),
  fc.record({ kind: fc.constant('otherEncoding' as const), line: position }),
  fc.record({ kind: fc.constant('bom' as const) }),
  fc.record({ kind: fc.constant('crOnly' as const) }),
  fc.record({ kind: fc.constant('resend' as const), line: position }),
);

function at(buffer: Buffer, share: number): number {
  return Math.floor(share * (buffer.length + 1));
}

function insert(buffer: Buffer, index: number, bytes: Buffer): Buffer {
  return Buffer.concat([buffer.subarray(0, index), bytes, buffer.subarray(index)]);
}

function lineRanges(buffer: Buffer): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (let end = buffer.indexOf(0x0a); end >= 0; end = buffer.indexOf(0x0a, start)) {
    ranges.push([start, end + 1]);
    start = end + 1;
  }
  if (start < buffer.length) ranges.push([start, buffer.length]);
  return ranges;
}

function mutate(buffer: Buffer, change: Mutation): Buffer {
  switch (change.kind) {
    case 'bytes':
      return insert(buffer, at(buffer, change.at), Buffer.from(change.bytes));
    case 'nul':
      return insert(buffer, at(buffer, change.at), Buffer.from([0]));
    case 'truncate':
      return buffer.subarray(0, at(buffer, change.at));
    case 'quote':
      return insert(buffer, at(buffer, change.at), Buffer.from('"'));
    case 'longField':
      return insert(buffer, at(buffer, change.at), Buffer.alloc(change.length, 'x'));
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buffer]);
    case 'crOnly':
      return Buffer.from(buffer.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
    case 'fieldQuote':
    case 'fieldControl':
    case 'otherEncoding':
    case 'resend': {
      const ranges = lineRanges(buffer);
      if (ranges.length === 0) return buffer;
      const [start, end] = ranges[Math.floor(change.line * ranges.length)]!;
      const line = buffer.subarray(start, end);
      if (change.kind === 'fieldQuote' || change.kind === 'fieldControl') {
        // at the start of a field: a quote that opens a quoted field, or a control character in it
        let fieldStart = 0;
        for (let field = 0; field < change.field && fieldStart >= 0; field += 1)
          fieldStart = line.indexOf(0x2c, fieldStart) + 1 || -1;
        if (fieldStart < 0) return buffer;
        return insert(buffer, start + fieldStart, Buffer.from([change.kind === 'fieldQuote' ? 0x22 : change.code]));
      }
      if (change.kind === 'resend')
        return Buffer.concat([
          buffer,
          line.at(-1) === 0x0a ? line : Buffer.concat([Buffer.from('\n'), line, Buffer.from('\n')]),
        ]);
      const other = isUtf8(line)
        ? iconv.encode(line.toString('utf8'), 'cp932')
        : Buffer.from(iconv.decode(line, 'cp932'), 'utf8');
      return Buffer.concat([buffer.subarray(0, start), other, buffer.subarray(end)]);
    }
  }
}

/** Records an independent reader counts: non-empty lines (a trailing CR is the line end's), less the header. */
function expectedRecordsRead(bytes: Buffer): number {
  const text = bytes.toString('latin1');
  const nonEmpty = text.split('\n').filter((line) => line.replace(/\r$/, '') !== '').length;
  return Math.max(0, nonEmpty - 1);
}

/** A line that may be accepted: valid UTF-8 or ASCII, no control character, seven plain fields. */
function acceptableLine(line: Buffer): string[] | null {
  const body = line.at(-1) === 0x0d ? line.subarray(0, -1) : line;
  const text = isUtf8(body) ? body.toString('utf8') : iconv.decode(body, 'cp932');
  if (/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(text) || text.includes('\ufffd')) return null;
  const fields = text.split(',');
  return fields.length === 7 ? fields : null;
}

describe('ingest under fuzzed input', () => {
  test('every record read ends in exactly one bucket; no exception, no invalid row accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(validRow, { minLength: 1, maxLength: 30 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (rows, mutations) => {
          const workspace = createWorkspace();
          workspace.db.close();
          try {
            const bytes = mutations.reduce(mutate, Buffer.from(`${CDR_HEADER}\r\n${rows.join('\r\n')}\r\n`, 'utf8'));
            const path = workspace.writeFile('fuzz.csv', bytes);
            const result = await runCli(['ingest', path, '--db', workspace.dbPath, '--json']);
            expect(result.stderr).not.toMatch(/\n\s+at |unexpected failure/);
            const summary = JSON.parse(result.stdout) as {
              read: number;
              accepted: number;
              rejected: Record<string, number>;
              duplicates: number;
              failed: number;
            };
            // exit 1 says the file was refused (nothing of it applied), exit 0 that it was applied
            expect(result.code).toBe(summary.failed > 0 ? 1 : 0);
            const rejected = Object.values(summary.rejected).reduce((sum, count) => sum + count, 0);
            expect(summary.read).toBe(summary.accepted + rejected + summary.duplicates);

            const db = new Database(join(workspace.directory, 'meisai.sqlite'), { readonly: true });
            try {
              const files = db
                .prepare('SELECT file_id, records_read, accepted, rejected, duplicates FROM files')
                .all() as {
                file_id: number;
                records_read: number;
                accepted: number;
                rejected: number;
                duplicates: number;
              }[];
              if (result.code === 1) {
                // refused whole (the header, CR-only line ends): nothing of it applied
                expect(summary.failed).toBe(1);
                expect(files).toEqual([]);
                expect(db.prepare('SELECT COUNT(*) AS n FROM calls').get()).toEqual({ n: 0 });
                return;
              }
              expect(files).toHaveLength(1);
              const file = files[0]!;
              expect(file.records_read).toBe(expectedRecordsRead(bytes));
              expect(file).toMatchObject({
                records_read: summary.read,
                accepted: summary.accepted,
                rejected,
                duplicates: summary.duplicates,
              });
              const rowsOf = (table: string): number =>
                (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE file_id = ?`).get(file.file_id) as { n: number })
                  .n;
              expect([rowsOf('calls'), rowsOf('rejects'), rowsOf('duplicates')]).toEqual([
                file.accepted,
                file.rejected,
                file.duplicates,
              ]);

              const lines = lineRanges(bytes).map(([start, end]) =>
                bytes.subarray(start, bytes[end - 1] === 0x0a ? end - 1 : end),
              );
              const calls = db
                .prepare('SELECT record_id, contract_id, number, direction, peer, peer_class, line FROM calls')
                .all() as {
                record_id: string;
                contract_id: string;
                number: string;
                direction: string;
                peer: string;
                peer_class: string;
                line: number;
              }[];
              for (const call of calls) {
                const fields = acceptableLine(lines[call.line - 1]!);
                expect(fields).not.toBeNull();
                expect(fields![0]!.trim()).toBe(call.record_id);
                expect(fields![1]!.trim()).toBe(call.contract_id);
                expect(fields![2]!.replace(/-/g, '').trim()).toBe(call.number);
                expect(fields![3]!.trim().toLowerCase()).toBe(call.direction);
                // a withheld caller, however written, is stored as withheld (never as mojibake or as text)
                if (call.direction === 'in' && ['', 'anonymous', '非通知'].includes(fields![4]!.trim())) {
                  expect([call.peer, call.peer_class]).toEqual(['非通知', 'withheld']);
                }
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
