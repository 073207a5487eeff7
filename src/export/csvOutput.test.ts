import iconv from 'iconv-lite';
import { ConfigurationError } from '../errors';
import { encodeCsv, neutraliseFormula, writeCsv } from './csvOutput';

describe('neutraliseFormula', () => {
  test.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+819012345678', "'+819012345678"],
    ['@x', "'@x"],
    ['-x', "'-x"],
    ['-2+3', "'-2+3"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['-', "'-"],
    ['-.5', "'-.5"],
  ])('makes %j text by prefixing a quote', (cell, expected) => {
    expect(neutraliseFormula(cell)).toBe(expected);
  });

  test.each([
    ['-1174'], // the 着割 discount
    ['-1,174'],
    ['-0.5'],
    ['1174'],
    ['8.4'],
    ['0'],
    [''],
    ['一般通話'],
    ['N000000001'],
    ['2011-04-01 09:15:02.000'],
    ['a=b'],
  ])('leaves %j unaltered', (cell) => {
    expect(neutraliseFormula(cell)).toBe(cell);
  });
});

describe('encodeCsv', () => {
  const text = 'peer,label\r\n非通知,一般通話\r\n';

  test('utf8bom starts with the bytes EF BB BF, then the UTF-8 text', () => {
    const bytes = encodeCsv(text, 'utf8bom');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(text);
  });

  test('utf8 is the text alone, without a byte-order mark', () => {
    expect(encodeCsv(text, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  test('cp932 round-trips 非通知 and 一般通話 through iconv, with no byte-order mark', () => {
    const bytes = encodeCsv(text, 'cp932');
    expect(bytes[0]).toBe(0x70); // "p"
    // 非 is 0x94 0xF1 in CP932
    expect([...bytes.subarray(12, 14)]).toEqual([0x94, 0xf1]);
    expect(iconv.decode(bytes, 'cp932')).toBe(text);
  });

  test('cp932 keeps a question mark that is in the text', () => {
    expect(iconv.decode(encodeCsv('why?,非通知\r\n', 'cp932'), 'cp932')).toBe('why?,非通知\r\n');
  });

  test.each([
    ['𠮷', 'U+20BB7'],
    ['😀', 'U+1F600'],
    ['〜', 'U+301C'], // WAVE DASH: iconv-lite's CP932 has only the fullwidth tilde ～
  ])('cp932 refuses %s (%s) instead of writing "?", and suggests utf8bom', (character, codePoint) => {
    const encode = (): Buffer => encodeCsv(`peer,label\r\n0312345678,吉${character}?\r\n`, 'cp932');
    expect(encode).toThrow(ConfigurationError);
    expect(encode).toThrow(`"${character}" (${codePoint}), which CP932 cannot encode: use --csv-encoding utf8bom`);
  });

  test('utf8 and utf8bom hold characters outside CP932', () => {
    expect(encodeCsv('𠮷\r\n', 'utf8bom').subarray(3).toString('utf8')).toBe('𠮷\r\n');
  });
});

describe('writeCsv', () => {
  test('writes the encoded bytes when the output takes bytes', () => {
    const written: Buffer[] = [];
    writeCsv(
      { stdout: () => undefined, stderr: () => undefined, stdoutBytes: (bytes) => written.push(bytes) },
      'a\r\n',
      'utf8bom',
    );
    expect(written).toEqual([Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a])]);
  });

  test('falls back to the UTF-8 text on a text-only output, still refusing what CP932 cannot hold', () => {
    let stdout = '';
    const io = { stdout: (text: string) => (stdout += text), stderr: () => undefined };
    writeCsv(io, '非通知\r\n', 'cp932');
    expect(stdout).toBe('非通知\r\n');
    expect(() => writeCsv(io, '𠮷\r\n', 'cp932')).toThrow(ConfigurationError);
  });
});
