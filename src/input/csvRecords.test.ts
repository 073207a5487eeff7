import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { CsvRecord, InputEncoding, KEPT_RAW_BYTES, LineFramer, MAX_RECORD_BYTES } from './csvRecords';
import { InputFile } from './inputFile';

let directory: string;
let fileCount = 0;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'meisai-csv-test-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeTemp(content: string | Buffer): string {
  fileCount += 1;
  const path = join(directory, `input-${fileCount}.csv`);
  writeFileSync(path, content);
  return path;
}

/** A file's records as ingest frames them (64 KiB reads), and the file's sha256 and encoding. */
async function readFile(
  path: string,
  encoding?: InputEncoding,
): Promise<{ records: CsvRecord[]; sha256: string; bytes: number; encoding: InputEncoding }> {
  const file = await InputFile.open(path);
  const framer = new LineFramer(encoding);
  const records: CsvRecord[] = [];
  try {
    for await (const chunk of file.chunks()) records.push(...framer.push(chunk));
    records.push(...framer.end());
    return { records, ...(await file.finish()), encoding: framer.encoding };
  } finally {
    await file.close();
  }
}

async function readAll(path: string, encoding: InputEncoding = 'utf8'): Promise<CsvRecord[]> {
  return (await readFile(path, encoding)).records;
}

const HEADER = 'record_id,contract_id,number,direction,peer,start,duration';
const ROW_1 = 'A1,N000000001,05012345678,out,03-1234-5678,2011-04-01T09:15:02+09:00,93.5';
const ROW_2 = 'A2,N000000001,05012345678,in,非通知,2011-04-02 10:00:00,60';

const EXPECTED = [
  { line: 1, raw: HEADER, fields: HEADER.split(',') },
  { line: 2, raw: ROW_1, fields: ROW_1.split(',') },
  { line: 3, raw: ROW_2, fields: ROW_2.split(',') },
];

describe('readCsvRecords', () => {
  test.each([
    ['UTF-8, LF', `${HEADER}\n${ROW_1}\n${ROW_2}\n`, false],
    ['UTF-8, CRLF', `${HEADER}\r\n${ROW_1}\r\n${ROW_2}\r\n`, false],
    ['UTF-8 with BOM, LF', `${HEADER}\n${ROW_1}\n${ROW_2}\n`, true],
    ['UTF-8 with BOM, CRLF', `${HEADER}\r\n${ROW_1}\r\n${ROW_2}\r\n`, true],
    ['UTF-8, no newline at the end', `${HEADER}\n${ROW_1}\n${ROW_2}`, false],
    ['UTF-8 with BOM, CRLF, no newline at the end', `${HEADER}\r\n${ROW_1}\r\n${ROW_2}`, true],
  ])('%s gives the same records', async (_what, text, withBom) => {
    const path = writeTemp(
      withBom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]) : text,
    );
    expect(await readAll(path)).toEqual(EXPECTED);
  });

  test('a BOM does not stick to the first column name', async () => {
    const path = writeTemp(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\n`, 'utf8')]));
    const [header] = await readAll(path);
    expect(header!.fields![0]).toBe('record_id');
  });

  test('a quoted field may hold a comma', async () => {
    const path = writeTemp(`${HEADER}\nA1,N000000001,05012345678,in,"Tanaka, Taro",2011-04-02 10:00:00,60\n`);
    const records = await readAll(path);
    expect(records[1]).toEqual({
      line: 2,
      raw: 'A1,N000000001,05012345678,in,"Tanaka, Taro",2011-04-02 10:00:00,60',
      fields: ['A1', 'N000000001', '05012345678', 'in', 'Tanaka, Taro', '2011-04-02 10:00:00', '60'],
    });
  });

  test('a doubled quote inside quotes is one quote', async () => {
    const path = writeTemp(`x,"say ""hi""",y\n`);
    expect(await readAll(path)).toEqual([{ line: 1, raw: 'x,"say ""hi""",y', fields: ['x', 'say "hi"', 'y'] }]);
  });

  test.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('a record ends at its line end (%s): a quote left open spoils that line only', async (_what, eol) => {
    const path = writeTemp([HEADER, 'A1,"first', 'second",3', ROW_2, ''].join(eol));
    expect(await readAll(path)).toEqual([
      { line: 1, raw: HEADER, fields: HEADER.split(',') },
      {
        line: 2,
        raw: 'A1,"first',
        fields: null,
        problem: {
          code: 'MALFORMED_ROW',
          message: 'bad quoting (CSV_QUOTE_NOT_CLOSED); a record ends at its line end',
        },
      },
      {
        line: 3,
        raw: 'second",3',
        fields: null,
        problem: {
          code: 'MALFORMED_ROW',
          message: 'bad quoting (INVALID_OPENING_QUOTE); a record ends at its line end',
        },
      },
      { line: 4, raw: ROW_2, fields: ROW_2.split(',') },
    ]);
  });

  test('a bad quote spoils its own record only', async () => {
    const path = writeTemp(['good,1,2', 'bad,"x"y,1', 'good,3,4', 'good,5,6', ''].join('\n'));
    const records = await readAll(path);
    expect(records).toEqual([
      { line: 1, raw: 'good,1,2', fields: ['good', '1', '2'] },
      {
        line: 2,
        raw: 'bad,"x"y,1',
        fields: null,
        problem: {
          code: 'MALFORMED_ROW',
          message: 'bad quoting (CSV_INVALID_CLOSING_QUOTE); a record ends at its line end',
        },
      },
      { line: 3, raw: 'good,3,4', fields: ['good', '3', '4'] },
      { line: 4, raw: 'good,5,6', fields: ['good', '5', '6'] },
    ]);
  });

  test('a stray quote inside an unquoted field spoils its own record only', async () => {
    const path = writeTemp(['good,1', 'bad,5",x', 'good,2', 'good,3', ''].join('\n'));
    const records = await readAll(path);
    expect(records.map((record) => [record.line, record.fields])).toEqual([
      [1, ['good', '1']],
      [2, null],
      [3, ['good', '2']],
      [4, ['good', '3']],
    ]);
  });

  test('an unclosed quote on the last line, without a line end, is one malformed record', async () => {
    const path = writeTemp(['good,1,2', 'bad,"never closed,1'].join('\n'));
    expect(await readAll(path)).toEqual([
      { line: 1, raw: 'good,1,2', fields: ['good', '1', '2'] },
      {
        line: 2,
        raw: 'bad,"never closed,1',
        fields: null,
        problem: {
          code: 'MALFORMED_ROW',
          message: 'bad quoting (CSV_QUOTE_NOT_CLOSED); a record ends at its line end',
        },
      },
    ]);
  });

  test('a line over 64 KiB is one RECORD_TOO_LONG record with its first 4 KiB; the next line keeps its number', async () => {
    const long = `bad,${'x'.repeat(300_000)}`;
    const records = await readAll(writeTemp(['good,1', long, 'good,2', ''].join('\n')));
    expect(records).toHaveLength(3);
    expect(records[1]).toEqual({
      line: 2,
      raw: long.slice(0, KEPT_RAW_BYTES),
      fields: null,
      problem: {
        code: 'RECORD_TOO_LONG',
        message: `the record is ${long.length} bytes, over the ${MAX_RECORD_BYTES}-byte limit; its first ${KEPT_RAW_BYTES} bytes are kept`,
      },
    });
    expect(records[2]).toEqual({ line: 3, raw: 'good,2', fields: ['good', '2'] });
  });

  test.each([
    ['exactly the limit is a record', MAX_RECORD_BYTES, 'MALFORMED_ROW'],
    ['one byte over the limit is too long', MAX_RECORD_BYTES + 1, 'RECORD_TOO_LONG'],
  ])('%s (a line of %i bytes)', async (_what, length, code) => {
    const line = `"${'x'.repeat(length - 1)}`; // an unclosed quote: malformed when it is read at all
    const records = await readAll(writeTemp(`${line}\n`));
    expect(records.map((record) => record.problem?.code)).toEqual([code]);
  });

  test('a long line without any line end is read in bounded memory and rejected whole', async () => {
    const records = await readAll(writeTemp('y'.repeat(2_000_000)));
    expect(records).toHaveLength(1);
    expect(records[0]!.problem?.code).toBe('RECORD_TOO_LONG');
    expect(records[0]!.raw).toHaveLength(KEPT_RAW_BYTES);
  });

  test('a control character spoils its line: BAD_CHARACTER with where it is', async () => {
    const records = await readAll(writeTemp('a,b\x1b[2Jc\nd,e\n'));
    expect(records).toEqual([
      {
        line: 1,
        raw: 'a,b\x1b[2Jc',
        fields: null,
        problem: { code: 'BAD_CHARACTER', message: 'the line holds the control character U+001B at column 4' },
      },
      { line: 2, raw: 'd,e', fields: ['d', 'e'] },
    ]);
  });

  test('a tab is not a control character to refuse', async () => {
    expect(await readAll(writeTemp('a,\tb\n'))).toEqual([{ line: 1, raw: 'a,\tb', fields: ['a', '\tb'] }]);
  });

  test('empty lines are skipped but counted', async () => {
    const path = writeTemp(['', HEADER, '', '', ROW_1, '\r', ROW_2, ''].join('\n'));
    expect(await readAll(path)).toEqual([
      { line: 2, raw: HEADER, fields: HEADER.split(',') },
      { line: 5, raw: ROW_1, fields: ROW_1.split(',') },
      { line: 7, raw: ROW_2, fields: ROW_2.split(',') }, // line 6 was a lone CR: empty
    ]);
  });

  test('an empty file has no records', async () => {
    expect(await readAll(writeTemp(''))).toEqual([]);
  });

  test('a row of a different width is still split; judging its width is for the caller', async () => {
    expect(await readAll(writeTemp('a,b\n'))).toEqual([{ line: 1, raw: 'a,b', fields: ['a', 'b'] }]);
  });

  test('a long file is read across stream chunks without losing or splitting a record', async () => {
    // 20,000 rows of ~80 bytes ≈ 1.6 MB: many 64 KiB chunks, and multi-byte 非通知 across their edges
    const rows = Array.from(
      { length: 20_000 },
      (_, index) => `R${index},N000000001,05012345678,in,非通知,2011-04-02 10:00:00,${index}`,
    );
    const records = await readAll(writeTemp(`${rows.join('\r\n')}\r\n`));
    expect(records.map((record) => record.raw)).toEqual(rows);
    expect(records.map((record) => record.line)).toEqual(rows.map((_, index) => index + 1));
  });

  test('CP932 with 非通知 gives the same fields as UTF-8', async () => {
    const text = `${HEADER}\r\n${ROW_1}\r\n${ROW_2}\r\n`;
    const cp932Bytes = iconv.encode(text, 'cp932');
    expect(cp932Bytes.includes(Buffer.from('非通知', 'utf8'))).toBe(false); // really not UTF-8
    const fromCp932 = await readAll(writeTemp(cp932Bytes), 'cp932');
    const fromUtf8 = await readAll(writeTemp(text), 'utf8');
    expect(fromCp932).toEqual(fromUtf8);
    expect(fromCp932[2]!.fields![4]).toBe('非通知');
  });
});

describe('the file facts come from the bytes read', () => {
  const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
  const facts = async (path: string) => {
    const { sha256: hash, bytes, encoding } = await readFile(path);
    return { sha256: hash, bytes, encoding };
  };

  test('UTF-8 with Japanese text is utf8', async () => {
    const text = `${HEADER}\n${ROW_2}\n`;
    expect(await facts(writeTemp(text))).toEqual({
      sha256: sha256(text),
      bytes: Buffer.byteLength(text, 'utf8'),
      encoding: 'utf8',
    });
  });

  test('plain ASCII is utf8', async () => {
    const text = `${HEADER}\n${ROW_1}\n`;
    expect(await facts(writeTemp(text))).toEqual({ sha256: sha256(text), bytes: text.length, encoding: 'utf8' });
  });

  test('CP932 bytes are cp932', async () => {
    const bytes = iconv.encode(`${HEADER}\r\n${ROW_2}\r\n`, 'cp932');
    expect(await facts(writeTemp(bytes))).toEqual({ sha256: sha256(bytes), bytes: bytes.length, encoding: 'cp932' });
  });

  test('a UTF-8 file cut inside a multi-byte character is not UTF-8 (these 4 bytes are valid CP932)', async () => {
    const bytes = Buffer.from('非通知', 'utf8').subarray(0, 4); // 非 (3 bytes) + the first byte of 通
    expect(await readFile(writeTemp(bytes))).toMatchObject({ encoding: 'cp932', bytes: 4 });
  });

  test('a line that is valid in neither encoding is rejected BAD_ENCODING', async () => {
    const bytes = Buffer.from([0x61, 0x2c, 0x85, 0x40, 0x0a]); // 0x85 0x40 is unassigned in CP932 and not UTF-8
    const { records, encoding } = await readFile(writeTemp(bytes));
    expect(encoding).toBe('cp932');
    expect(records.map((record) => record.problem?.code)).toEqual(['BAD_ENCODING']);
  });

  test('an empty file is utf8 with the empty hash', async () => {
    expect(await facts(writeTemp(''))).toEqual({
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      bytes: 0,
      encoding: 'utf8',
    });
  });

  test('the same bytes under another name have the same hash', async () => {
    const text = `${HEADER}\n${ROW_1}\n`;
    const first = await facts(writeTemp(text));
    const second = await facts(writeTemp(text));
    expect(second.sha256).toBe(first.sha256);
  });

  test('a BOM makes the file UTF-8 and is not part of the first field', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n')]);
    expect(await readFile(writeTemp(bytes))).toMatchObject({
      encoding: 'utf8',
      records: [{ line: 1, raw: 'a,b', fields: ['a', 'b'] }],
    });
  });
});
