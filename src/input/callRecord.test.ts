import { CallContent, CallRecord, readCallRecord, sameContent } from './callRecord';
import { ColumnPositions, readHeader } from './header';
import { Rejection } from './rejection';

const CANONICAL_HEADER = ['record_id', 'contract_id', 'number', 'direction', 'peer', 'start', 'duration'];

function positionsOf(header: string[]): ColumnPositions {
  const result = readHeader(header);
  if (!result.ok) throw new Error(result.message);
  return result.positions;
}

const CANONICAL = positionsOf(CANONICAL_HEADER);

/** A good outbound row, in canonical column order, with some fields replaced. */
function row(changes: Partial<Record<(typeof CANONICAL_HEADER)[number], string>> = {}): string[] {
  const fields: Record<string, string> = {
    record_id: 'A1',
    contract_id: 'N000000001',
    number: '05012345678',
    direction: 'out',
    peer: '03-1234-5678',
    start: '2011-04-01T09:15:02+09:00',
    duration: '93.5',
    ...changes,
  };
  return CANONICAL_HEADER.map((column) => fields[column]!);
}

const read = (fields: string[]): CallRecord | Rejection => readCallRecord(fields, CANONICAL);
const codeOf = (result: CallRecord | Rejection): string => ('code' in result ? result.code : 'ACCEPTED');

/** 2011-04-01T09:15:02+09:00 */
const START_MS = Date.UTC(2011, 3, 1, 0, 15, 2);

describe('readCallRecord', () => {
  test('reads a good outbound row, normalising the numbers', () => {
    expect(read(row())).toEqual({
      recordId: 'A1',
      contractId: 'N000000001',
      number: '05012345678',
      direction: 'out',
      peer: '0312345678',
      peerIsNumber: true,
      startMs: START_MS,
      durationMs: 93_500,
    });
  });

  test('reads the columns where the header put them', () => {
    const positions = positionsOf([
      'Duration',
      'extra',
      'START',
      'peer',
      'Direction',
      'number',
      'contract_id',
      'record_id',
    ]);
    const fields = [
      '180.001',
      'ignored',
      '2011-04-01 09:15:02',
      '+81 90 1111 2222',
      'OUT',
      '050-1234-5678',
      'N000000001',
      'A1',
    ];
    expect(readCallRecord(fields, positions)).toEqual({
      recordId: 'A1',
      contractId: 'N000000001',
      number: '05012345678',
      direction: 'out',
      peer: '09011112222',
      peerIsNumber: true,
      startMs: START_MS,
      durationMs: 180_001,
    });
  });

  test('trims blanks around fields', () => {
    expect(read(row({ record_id: ' A1 ', contract_id: ' N000000001', direction: ' in ' }))).toMatchObject({
      recordId: 'A1',
      contractId: 'N000000001',
      direction: 'in',
    });
  });

  test.each([
    // [what, code, changes]
    ['an empty record_id', 'MISSING_FIELD', { record_id: '' }],
    ['an empty contract_id', 'MISSING_FIELD', { contract_id: '' }],
    ['an empty number', 'MISSING_FIELD', { number: '' }],
    ['an empty direction', 'MISSING_FIELD', { direction: '' }],
    ['a blank start', 'MISSING_FIELD', { start: '   ' }],
    ['an empty duration', 'MISSING_FIELD', { duration: '' }],
    ['a 65-character record_id', 'BAD_RECORD_ID', { record_id: 'R'.repeat(65) }],
    ['a record_id with a control character', 'BAD_RECORD_ID', { record_id: 'A\u00011' }],
    ['a record_id with a tab inside', 'BAD_RECORD_ID', { record_id: 'A\t1' }],
    ['a contract without N', 'BAD_CONTRACT', { contract_id: '000000001' }],
    ['a contract with 8 digits', 'BAD_CONTRACT', { contract_id: 'N00000001' }],
    ['a contract with 10 digits', 'BAD_CONTRACT', { contract_id: 'N0000000001' }],
    ['a lower-case n', 'BAD_CONTRACT', { contract_id: 'n000000001' }],
    ['a fixed-line subscriber number', 'BAD_NUMBER', { number: '0312345678' }],
    ['a 10-digit 050 number', 'BAD_NUMBER', { number: '0501234567' }],
    ['a direction "both"', 'BAD_DIRECTION', { direction: 'both' }],
    ['a direction "outbound"', 'BAD_DIRECTION', { direction: 'outbound' }],
    ['an impossible start date', 'BAD_START', { start: '2011-04-31 10:00:00' }],
    ['an unreadable start', 'BAD_START', { start: 'yesterday' }],
    ['a negative duration', 'BAD_DURATION', { duration: '-5' }],
    ['four fraction digits', 'BAD_DURATION', { duration: '12.3456' }],
    ['a duration over 86400 s', 'BAD_DURATION', { duration: '86400.001' }],
  ] as const)('rejects %s as %s', (_what, code, changes) => {
    expect(codeOf(read(row(changes)))).toBe(code);
  });

  test.each([
    ['an empty outbound peer', ''],
    ['an outbound peer with a letter', '12a'],
    ['an outbound peer withheld', 'anonymous'],
  ])('keeps %s as written, not a number: rating rejects it BAD_PEER with its record', (_what, peer) => {
    expect(read(row({ peer }))).toMatchObject({ direction: 'out', peer, peerIsNumber: false });
  });

  test('names every empty required field', () => {
    expect(read(row({ contract_id: '', duration: '' }))).toEqual({
      ok: false,
      code: 'MISSING_FIELD',
      message: 'empty contract_id, duration',
    });
  });

  test('the first problem in field order is the reason given', () => {
    // bad contract, bad number and bad duration together: BAD_CONTRACT comes first
    expect(codeOf(read(row({ contract_id: 'X', number: '123', duration: 'abc' })))).toBe('BAD_CONTRACT');
    // a bad start and a bad peer: BAD_START comes first
    expect(codeOf(read(row({ start: 'never', peer: '12a' })))).toBe('BAD_START');
  });

  test('a record_id of exactly 64 printable characters is accepted', () => {
    expect(read(row({ record_id: `${'R'.repeat(63)}~` }))).toMatchObject({ recordId: `${'R'.repeat(63)}~` });
  });

  test('a row shorter than the header has its missing fields empty', () => {
    expect(read(['A1', 'N000000001', '05012345678', 'out'])).toEqual({
      ok: false,
      code: 'MISSING_FIELD',
      message: 'empty start, duration',
    });
  });

  test.each(['out', 'OUT', 'Out', 'oUt'])('direction %p is outbound', (direction) => {
    expect(read(row({ direction }))).toMatchObject({ direction: 'out' });
  });

  test.each(['in', 'IN', 'In'])('direction %p is inbound', (direction) => {
    expect(read(row({ direction, peer: '0312345678' }))).toMatchObject({ direction: 'in' });
  });

  test.each([
    // [raw caller id, stored peer, peerIsNumber]
    // every way of writing a withheld caller is stored as 非通知, so a re-send written another way is a duplicate
    ['', '非通知', false], // no caller id: withheld
    ['anonymous', '非通知', false],
    ['Anonymous', '非通知', false],
    ['非通知', '非通知', false],
    ['12a', '12a', false], // unreadable caller id: kept as text, never rejected
    ['+44 20 7946 0000', '010442079460000', true],
    ['03-1234-5678', '0312345678', true],
  ])('inbound caller %p is accepted with peer %p', (peer, storedPeer, peerIsNumber) => {
    expect(read(row({ direction: 'in', peer }))).toEqual({
      recordId: 'A1',
      contractId: 'N000000001',
      number: '05012345678',
      direction: 'in',
      peer: storedPeer,
      peerIsNumber,
      startMs: START_MS,
      durationMs: 93_500,
    });
  });

  test('a zero-duration call is a well-formed record', () => {
    expect(read(row({ duration: '0' }))).toMatchObject({ durationMs: 0 });
  });
});

describe('readHeader', () => {
  test('finds the canonical columns in canonical order', () => {
    expect(readHeader(CANONICAL_HEADER)).toEqual({
      ok: true,
      positions: { record_id: 0, contract_id: 1, number: 2, direction: 3, peer: 4, start: 5, duration: 6 },
      width: 7,
    });
  });

  test('matches names case-insensitively and around blanks, in any order, ignoring extra columns', () => {
    expect(
      readHeader(['switch', ' DURATION ', 'Start', 'peer', 'Direction', 'NUMBER', 'Contract_ID', 'Record_Id', 'note']),
    ).toEqual({
      ok: true,
      positions: { record_id: 7, contract_id: 6, number: 5, direction: 4, peer: 3, start: 2, duration: 1 },
      width: 9,
    });
  });

  test('names the missing column', () => {
    expect(readHeader(['record_id', 'contract_id', 'number', 'direction', 'peer', 'start'])).toEqual({
      ok: false,
      message:
        'the header lacks the required column duration (found: record_id, contract_id, number, direction, peer, start)',
    });
  });

  test('names every missing column', () => {
    const result = readHeader(['record_id', 'number', 'direction', 'start']);
    expect(result).toEqual({
      ok: false,
      message:
        'the header lacks the required columns contract_id, peer, duration (found: record_id, number, direction, start)',
    });
  });

  test('refuses a column named twice', () => {
    expect(readHeader([...CANONICAL_HEADER, 'Peer'])).toEqual({
      ok: false,
      message: 'the header names peer more than once',
    });
  });

  test('an extra column named twice is no problem', () => {
    expect(readHeader([...CANONICAL_HEADER, 'note', 'note'])).toMatchObject({ ok: true, width: 9 });
  });
});

describe('sameContent', () => {
  const content: CallContent = {
    contractId: 'N000000001',
    number: '05012345678',
    direction: 'out',
    peer: '0312345678',
    startMs: START_MS,
    durationMs: 93_500,
  };

  test('the same call written in other forms has the same content', () => {
    const first = read(row());
    const second = read(
      row({
        number: '050-1234-5678',
        peer: '+81 3 1234 5678',
        start: '2011-04-01T00:15:02Z',
        duration: '0:01:33.500',
        direction: 'OUT',
      }),
    );
    expect('code' in first || 'code' in second).toBe(false);
    expect(sameContent(first as CallRecord, second as CallRecord)).toBe(true);
  });

  test('agrees with itself', () => {
    expect(sameContent(content, { ...content })).toBe(true);
  });

  test.each([
    ['contractId', { contractId: 'N000000002' }],
    ['number', { number: '05012345679' }],
    ['direction', { direction: 'in' as const }],
    ['peer', { peer: '0312345679' }],
    ['startMs', { startMs: START_MS + 1 }],
    ['durationMs', { durationMs: 93_501 }],
  ])('differs when %s differs', (_field, change) => {
    expect(sameContent(content, { ...content, ...change })).toBe(false);
  });

  test('ignores the record id', () => {
    const withId = { ...content, recordId: 'A1' };
    expect(sameContent(withId, { ...content, recordId: 'B2' } as CallContent)).toBe(true);
  });
});
