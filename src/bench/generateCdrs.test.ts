import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDR_HEADER, CdrRows, countsPath, generateCdrs, mulberry32, subscriberCounts } from './generateCdrs';

describe('generateCdrs', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'meisai-generator-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('writes the same bytes for the same seed, and other bytes for another seed', () => {
    generateCdrs({ cdrs: 3000, seed: 7, out: join(folder, 'first.csv') });
    generateCdrs({ cdrs: 3000, seed: 7, out: join(folder, 'again.csv') });
    generateCdrs({ cdrs: 3000, seed: 8, out: join(folder, 'other.csv') });
    const first = readFileSync(join(folder, 'first.csv'));
    expect(readFileSync(join(folder, 'again.csv')).equals(first)).toBe(true);
    expect(readFileSync(join(folder, 'other.csv')).equals(first)).toBe(false);
  });

  it('with UUID record ids writes the same calls in the same order, only the record_id column differs, and the same counts', () => {
    const sequential = generateCdrs({ cdrs: 4000, seed: 5, out: join(folder, 'sequential.csv') });
    const uuid = generateCdrs({ cdrs: 4000, seed: 5, ids: 'uuid', out: join(folder, 'uuid.csv') });
    expect(uuid).toEqual(sequential);
    const rows = (name: string) => readFileSync(join(folder, name), 'utf8').split('\n').slice(1, -1);
    const [before, after] = [rows('sequential.csv'), rows('uuid.csv')];
    expect(after.map((row) => row.slice(row.indexOf(',')))).toEqual(before.map((row) => row.slice(row.indexOf(','))));
    // a re-send repeats its row (and so its id); a bad record_id is spoiled as in the sequential file
    const ids = after.map((row) => row.slice(0, row.indexOf(','))).filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id));
    const sequentialIds = before.map((row) => row.slice(0, row.indexOf(','))).filter((id) => /^R\d{10}$/.test(id));
    expect(ids.length).toBe(sequentialIds.length);
    expect(new Set(ids).size).toBe(new Set(sequentialIds).size);
  });

  it('writes the canonical header and exactly the asked number of rows, and the counts beside them', () => {
    const out = join(folder, 'counted.csv');
    const counts = generateCdrs({ cdrs: 5000, seed: 1, out });
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toBe(CDR_HEADER);
    expect(lines.at(-1)).toBe(''); // the last row ends with a newline
    expect(lines.length - 2).toBe(5000);
    expect(JSON.parse(readFileSync(countsPath(out), 'utf8'))).toEqual(counts);
  });

  it('accounts for every row: read = accepted + rejected + duplicates, about 0.5% each of bad rows and re-sends', () => {
    const rows = new CdrRows({ cdrs: 100_000, seed: 3 });
    for (let row = 0; row < 100_000; row += 1) rows.nextLine();
    const { read, accepted, rejected, duplicates } = rows.counts;
    const rejectedCount = Object.values(rejected).reduce((sum, count) => sum + count, 0);
    expect(read).toBe(100_000);
    expect(accepted + rejectedCount + duplicates).toBe(read);
    expect(rejectedCount).toBeGreaterThan(400); // 0.5% of 100,000 = 500
    expect(rejectedCount).toBeLessThan(600);
    expect(duplicates).toBeGreaterThan(400);
    expect(duplicates).toBeLessThan(600);
    expect(Object.keys(rejected).sort()).toEqual(
      ['BAD_CONTRACT', 'BAD_DIRECTION', 'BAD_DURATION', 'BAD_NUMBER', 'BAD_PEER', 'BAD_START', 'MISSING_FIELD', 'NOT_CALLABLE'],
    );
  });

  it('makes about 70% of the accepted calls outbound and 30% inbound', () => {
    const rows = new CdrRows({ cdrs: 50_000, seed: 5 });
    let outboundLines = 0;
    for (let row = 0; row < 50_000; row += 1) if (rows.nextLine().split(',')[3] === 'out') outboundLines += 1;
    const { outbound, inbound, accepted } = rows.counts;
    expect(outbound + inbound).toBe(accepted);
    // between 68% and 72% of the accepted calls, and of all the lines (70% of 50,000 = 35,000)
    expect(outbound * 100).toBeGreaterThan(accepted * 68);
    expect(outbound * 100).toBeLessThan(accepted * 72);
    expect(outboundLines).toBeGreaterThan(34_000);
    expect(outboundLines).toBeLessThan(36_000);
  });

  it('re-sends only whole earlier rows: a repeated record_id always repeats the whole line', () => {
    const rows = new CdrRows({ cdrs: 20_000, seed: 11 });
    const lineById = new Map<string, string>();
    let repeats = 0;
    for (let row = 0; row < 20_000; row += 1) {
      const line = rows.nextLine();
      const recordId = line.slice(0, line.indexOf(','));
      const earlier = lineById.get(recordId);
      if (earlier !== undefined) {
        expect(line).toBe(earlier);
        repeats += 1;
      }
      lineById.set(recordId, line);
    }
    expect(repeats).toBe(rows.counts.duplicates);
  });

  it('gives every number calls at small sizes and keeps 60,000 numbers from 1M rows up', () => {
    expect(subscriberCounts(10)).toBe(1);
    expect(subscriberCounts(100_000)).toBe(6000); // about 17 rows per number
    expect(subscriberCounts(1_000_000)).toBe(60_000);
    expect(subscriberCounts(10_000_000)).toBe(60_000);
    const rows = new CdrRows({ cdrs: 1_000_000, seed: 1 });
    expect(rows.counts.numbers).toBe(60_000);
    expect(rows.counts.contracts).toBeGreaterThan(19_000); // 1 to 5 numbers a contract, 3 on average
    expect(rows.counts.contracts).toBeLessThan(21_000);
  });

  it('draws 31-bit integers from mulberry32, the same for the same seed', () => {
    const first = mulberry32(42);
    const again = mulberry32(42);
    for (let draw = 0; draw < 1000; draw += 1) {
      const value = first();
      expect(value).toBe(again());
      expect(Number.isInteger(value) && value >= 0 && value < 2 ** 31).toBe(true);
    }
  });
});
