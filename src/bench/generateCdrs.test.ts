import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  busiestContract,
  CDR_HEADER,
  CdrRows,
  countsPath,
  generatedMonth,
  generateCdrs,
  GeneratorOptions,
  monthOffsetOf,
  mulberry32,
  subscriberCounts,
} from './generateCdrs';

/** The Japan-time month `YYYY-MM` of a start as the generator writes it (local, +09:00 or Z). */
function japanMonthOf(start: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(Z|\+09:00)?$/.exec(start);
  if (match === null) throw new Error(`not a generated start: ${start}`);
  const [, year, month, day, hour, minute, second, zone] = match;
  const utcMs =
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) -
    (zone === 'Z' ? 0 : 9 * 3_600_000);
  return new Date(utcMs + 9 * 3_600_000).toISOString().slice(0, 7);
}

/** Each row with whether the generator counted it accepted. */
function rowsOf(options: GeneratorOptions): { line: string; accepted: boolean }[] {
  const rows = new CdrRows(options);
  return Array.from({ length: options.cdrs }, () => {
    const before = rows.counts.accepted;
    const line = rows.nextLine();
    return { line, accepted: rows.counts.accepted > before };
  });
}

const recordIdOf = (line: string): string => line.slice(0, line.indexOf(','));

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
    const ids = after
      .map((row) => row.slice(0, row.indexOf(',')))
      .filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id));
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
    expect(Object.keys(rejected).sort()).toEqual([
      'BAD_CONTRACT',
      'BAD_DIRECTION',
      'BAD_DURATION',
      'BAD_NUMBER',
      'BAD_PEER',
      'BAD_START',
      'MISSING_FIELD',
      'NOT_CALLABLE',
    ]);
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

  describe('a later month (issue 11: a fresh month for a store that holds earlier ones)', () => {
    it('names the months after April 2011, across a year end and with a leap February', () => {
      expect(generatedMonth(0)).toEqual({ text: '2011-04', days: 30, previousText: '2011-03', previousDays: 31 });
      expect(generatedMonth(9)).toEqual({ text: '2012-01', days: 31, previousText: '2011-12', previousDays: 31 });
      expect(generatedMonth(10)).toEqual({ text: '2012-02', days: 29, previousText: '2012-01', previousDays: 31 });
      expect(generatedMonth(11)).toEqual({ text: '2012-03', days: 31, previousText: '2012-02', previousDays: 29 });
      expect(monthOffsetOf('2011-04')).toBe(0);
      expect(monthOffsetOf('2012-02')).toBe(10);
      for (const bad of ['2011-03', '2011-4', '2011-13', 'April', '2019-07'])
        expect(() => monthOffsetOf(bad)).toThrow(/--month/);
      expect(() => generatedMonth(-1)).toThrow();
    });

    it.each([
      ['sequential', 10],
      ['uuid', 10],
      ['sequential', 1],
    ] as const)(
      'starts every accepted call (%s ids, offset %i) in its month, Japan time, UTC starts of the 1st included',
      (ids, monthOffset) => {
        const month = generatedMonth(monthOffset).text;
        const rows = rowsOf({ cdrs: 30_000, seed: 2, ids, monthOffset });
        const months = new Map<string, number>();
        let utcOnTheDayBefore = 0;
        for (const { line } of rows.filter((row) => row.accepted)) {
          const start = line.split(',')[5]!;
          months.set(japanMonthOf(start), (months.get(japanMonthOf(start)) ?? 0) + 1);
          if (start.startsWith(generatedMonth(monthOffset).previousText)) utcOnTheDayBefore += 1;
        }
        expect([...months.keys()]).toEqual([month]);
        expect(utcOnTheDayBefore).toBeGreaterThan(0); // 3% of starts are UTC; 9 h of the month's first day fall on the day before
        // bad rows too: every start written is of the month, or a UTC one of its day before
        const { text, previousText } = generatedMonth(monthOffset);
        expect(
          rows
            .map(({ line }) => line.split(',')[5]!)
            .filter((start) => start !== '' && !start.startsWith(text) && !start.startsWith(previousText)),
        ).toEqual([]);
      },
    );

    it('writes the same calls as April, only the starts and record ids differ, and the same counts but the month', () => {
      const april = rowsOf({ cdrs: 5000, seed: 4 });
      const february = rowsOf({ cdrs: 5000, seed: 4, monthOffset: 10 });
      const withoutIdAndStart = (line: string) =>
        line
          .split(',')
          .filter((_, index) => index !== 0 && index !== 5)
          .join(',');
      expect(february.map(({ line }) => withoutIdAndStart(line))).toEqual(
        april.map(({ line }) => withoutIdAndStart(line)),
      );
      expect(february.map(({ accepted }) => accepted)).toEqual(april.map(({ accepted }) => accepted));
      const counts = (monthOffset: number) => {
        const rows = new CdrRows({ cdrs: 5000, seed: 4, monthOffset });
        for (let row = 0; row < 5000; row += 1) rows.nextLine();
        return rows.counts;
      };
      expect({ ...counts(10), month: '2011-04' }).toEqual(counts(0));
      expect(counts(10).month).toBe('2012-02');
    });

    it.each(['sequential', 'uuid'] as const)('gives no two months a record id in common (%s ids)', (ids) => {
      const idsOf = (monthOffset: number) =>
        new Set(rowsOf({ cdrs: 20_000, seed: 1, ids, monthOffset }).map(({ line }) => recordIdOf(line)));
      const months = [0, 1, 9, 10].map(idsOf);
      for (const [index, first] of months.entries()) {
        for (const second of months.slice(index + 1)) expect([...first].filter((id) => second.has(id))).toEqual([]);
      }
    });

    it('counts sequential ids of a later month from offset × 10^8, increasing across months', () => {
      const idsOf = (monthOffset: number) =>
        rowsOf({ cdrs: 3, seed: 1, monthOffset }).map(({ line }) => recordIdOf(line));
      expect(idsOf(0)).toEqual(['R0000000001', 'R0000000002', 'R0000000003']);
      expect(idsOf(1)).toEqual(['R0100000001', 'R0100000002', 'R0100000003']);
      expect(idsOf(10)).toEqual(['R1000000001', 'R1000000002', 'R1000000003']);
      expect([...idsOf(9), ...idsOf(10)]).toEqual([...idsOf(9), ...idsOf(10)].sort());
      expect(() => new CdrRows({ cdrs: 100_000_000, seed: 1, monthOffset: 1 })).toThrow(/fewer than/);
    });

    it('marks a UUID with its month offset in hex digits 13-14 and keeps it a UUID v4', () => {
      const uuids = rowsOf({ cdrs: 200, seed: 1, ids: 'uuid', monthOffset: 10 })
        .map(({ line }) => recordIdOf(line))
        .filter((id) => id.length === 36);
      expect(uuids.length).toBeGreaterThan(190);
      for (const uuid of uuids)
        expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-40a[0-9a-f]-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it('spoils a bad start of a later month with that month (the day after its last, a 25th hour, no time)', () => {
      const bad = rowsOf({ cdrs: 200_000, seed: 1, monthOffset: 10 })
        .map(({ line }) => line.split(',')[5]!)
        .filter(
          (start) =>
            !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(start) ||
            start.includes(' 25:') ||
            start.startsWith('2012-02-30'),
        );
      expect(new Set(bad.filter((start) => start !== ''))).toEqual(
        new Set(['2012-02-30 10:00:00', '2012-02-01 25:00:00', '2012-02-01']),
      );
    });
  });

  it('names the contract with the most accepted calls of the file, and how many (re-sends and bad rows not counted)', () => {
    const options: GeneratorOptions = { cdrs: 8000, seed: 6 };
    const calls = new Map<string, number>();
    for (const { line, accepted } of rowsOf(options)) {
      if (!accepted) continue;
      const contractId = line.split(',')[1]!;
      calls.set(contractId, (calls.get(contractId) ?? 0) + 1);
    }
    const most = Math.max(...calls.values());
    const first = [...calls]
      .filter(([, count]) => count === most)
      .map(([contractId]) => contractId)
      .sort()[0];
    expect(busiestContract(options)).toEqual({ contractId: first, calls: most });
    // the same calls in every month, so the same contract
    expect(busiestContract({ ...options, monthOffset: 7, ids: 'uuid' })).toEqual(busiestContract(options));
  });
});

test('npm run cdrs writes a file of N records and prints its control totals', () => {
  const directory = mkdtempSync(join(tmpdir(), 'meisai-cdrs-script-'));
  try {
    const out = join(directory, 'cdrs.csv');
    const printed = execFileSync(
      'npm',
      ['run', '--silent', 'cdrs', '--', '--cdrs', '25', '--seed', '3', '--out', out],
      { cwd: join(__dirname, '..', '..'), encoding: 'utf8' },
    );
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(26);
    expect(JSON.parse(printed)).toMatchObject({ read: 25 });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
