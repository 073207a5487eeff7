import iconv from 'iconv-lite';
import { FixedWidthFramer } from './fixedRecords';
import { FixedLayout } from './profile';

const LAYOUT: FixedLayout = {
  type: 'fixed',
  recordBytes: 16,
  terminator: 'line',
  fields: [
    { name: 'id', offset: 0, length: 4 },
    { name: 'name', offset: 4, length: 8 },
    { name: 'code', offset: 12, length: 4 },
  ],
};

function frame(
  bytes: Buffer,
  layout = LAYOUT,
  chunk = bytes.length,
  forced?: 'cp932',
): ReturnType<FixedWidthFramer['end']> {
  const framer = new FixedWidthFramer(layout, forced);
  const records = [];
  for (let at = 0; at < bytes.length; at += chunk) records.push(...framer.push(bytes.subarray(at, at + chunk)));
  return [...records, ...framer.end()];
}

const cp932 = (text: string): Buffer => iconv.encode(text, 'cp932');

describe('FixedWidthFramer', () => {
  test('fields by byte offset in CP932: a double-byte name moves no later field; padding spaces go', () => {
    // 東京 is 4 bytes in CP932 (2 characters): the name field is 東京 + 4 spaces = 8 bytes
    const records = frame(Buffer.concat([cp932('A001東京    0042\r\nA002ABCDEFGH0043\n')]));
    expect(records.map((record) => record.fields)).toEqual([
      ['A001', '東京', '0042'],
      ['A002', 'ABCDEFGH', '0043'],
    ]);
  });

  test('the same, cut at every byte into chunks', () => {
    const bytes = cp932('A001東京    0042\r\nA002ABCDEFGH0043\r\n');
    for (let chunk = 1; chunk <= bytes.length; chunk += 1)
      expect(frame(bytes, LAYOUT, chunk).map((record) => record.fields![2])).toEqual(['0042', '0043']);
  });

  test('a record of the wrong length is MALFORMED_ROW, its line kept; empty lines are not records', () => {
    const records = frame(Buffer.from('A001ABCDEFGH0042\n\nA002ABC0043\n'));
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      line: 3,
      raw: 'A002ABC0043',
      fields: null,
      problem: { code: 'MALFORMED_ROW', message: "the record is 11 bytes where the layout's records are 16" },
    });
  });

  test('a field that cuts a CP932 character is noted on the record (a problem only if the profile reads it)', () => {
    // 東京都 is 6 bytes: at offset 5 it ends at byte 10 and the boundaries 4 and 12 hold
    const records = frame(cp932('A001 東京都 0042\n'));
    expect(records[0]!.cutFields).toBeUndefined();
    // at offset 7, 都 takes bytes 11 and 12: the name field (4..11) ends inside it and code (12..15) starts inside it
    const shifted = frame(cp932('A001   東京都042\n'));
    expect(shifted[0]!.fields).not.toBeNull();
    expect(shifted[0]!.cutFields).toEqual([
      { position: 1, message: 'field name (bytes 4..11) cuts a CP932 character in two' },
      { position: 2, message: 'field code (bytes 12..15) cuts a CP932 character in two' },
    ]);
  });

  test('a record not valid CP932, or UTF-8 in a CP932 file, is BAD_ENCODING; a control character BAD_CHARACTER', () => {
    const records = frame(
      Buffer.concat([
        cp932('A001東京    0042\n'),
        Buffer.from('A002\x82\x20      0043\n', 'latin1'),
        Buffer.from('A003東京0043\n'),
        Buffer.from('A004AB\x1bDEFGH0043\n'),
      ]),
    );
    expect(records.map((record) => record.problem?.code ?? 'ok')).toEqual([
      'ok',
      'BAD_ENCODING',
      'BAD_ENCODING',
      'BAD_CHARACTER',
    ]);
  });

  test('CP932 forced (lines decoded whole, records sliced from the text) gives what record-by-record decoding gives', () => {
    const bytes = Buffer.concat([
      cp932('A001東京    0042\r\n'),
      cp932('A001   東京都042\n'), // cut fields
      Buffer.from('A002\x82\x20      0043\n', 'latin1'), // not CP932
      cp932('A003東京0043\n'), // wrong length
      Buffer.from('A004AB\x1bDEFGH0043\n'), // control character
      cp932('  B1全角　　0044\r\n'),
    ]);
    for (const chunk of [1, 7, 40, bytes.length])
      expect(frame(bytes, LAYOUT, chunk, 'cp932')).toEqual(frame(bytes, LAYOUT, chunk));
    expect(frame(bytes, LAYOUT, bytes.length, 'cp932').at(-1)!.fields).toEqual(['B1', '全角　　', '0044']);
  });

  test('without a terminator records follow each other; a partial last record is MALFORMED_ROW', () => {
    const layout: FixedLayout = { ...LAYOUT, terminator: 'none' };
    const records = frame(Buffer.from('A001ABCDEFGH0042A002ABCDEFGH0043A003'), layout, 5);
    expect(records.map((record) => [record.line, record.fields?.[0] ?? record.problem!.code])).toEqual([
      [1, 'A001'],
      [2, 'A002'],
      [3, 'MALFORMED_ROW'],
    ]);
    expect(records[2]!.problem!.message).toBe('the file ends in a partial record of 4 bytes (records are 16)');
  });

  test('a line over 64 KiB is RECORD_TOO_LONG, and the next line is read', () => {
    const records = frame(
      Buffer.concat([Buffer.alloc(70_000, 'x'), Buffer.from('\nA002ABCDEFGH0043\n')]),
      LAYOUT,
      65_536,
    );
    expect(records.map((record) => record.problem?.code ?? record.fields![0])).toEqual(['RECORD_TOO_LONG', 'A002']);
    expect(records[1]!.line).toBe(2);
  });
});
