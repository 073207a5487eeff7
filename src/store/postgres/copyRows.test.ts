import { describePostgres, useTestDatabase, queryRows as sql } from '../../test-support/postgres';
import { applyCalls, ratedCall } from '../../test-support/pgTestKit';
import { integerArray, textArray } from './arrayLiteral';
import { PgStore } from './pgStore';

/** Texts COPY's text format and array literals must escape, non-ASCII, and longer than the ASCII fast path. */
const AWKWARD = [
  'a"b',
  'back\\slash',
  'tab\there',
  'new\nline',
  '{brace},comma',
  'NULL',
  '',
  '着信 050',
  'x'.repeat(70) + 'é',
];

test('an array literal quotes every text and escapes only backslash and double quote', () => {
  expect(textArray(['R1', 'a"b', 'c\\d'])).toBe('{"R1","a\\"b","c\\\\d"}');
  expect(textArray([])).toBe('{}');
  expect(integerArray([0, -5, Number.MAX_SAFE_INTEGER])).toBe('{0,-5,9007199254740991}');
  expect(() => integerArray([1.5])).toThrow(/not an exact integer: 1.5/);
});

describePostgres('binary COPY rows and array literals on PostgreSQL', () => {
  const database = useTestDatabase('copyrows');
  let store: PgStore;
  beforeAll(async () => {
    store = await PgStore.open(database.url, 'create');
  });
  afterAll(async () => {
    await store?.close();
  });

  test('the server reads back every text of an array literal as it was', async () => {
    const [row] = await sql(database.url, 'SELECT $1::text[] AS texts, $2::bigint[]::text[] AS numbers', [
      textArray(AWKWARD),
      integerArray([-9007199254740991, 0, 42]),
    ]);
    expect(row!.texts).toEqual(AWKWARD);
    expect(row!.numbers).toEqual(['-9007199254740991', '0', '42']);
  });

  test('calls written by binary COPY read back field for field: awkward texts, NULLs, negative and 2^53 − 1 integers', async () => {
    const calls = AWKWARD.map((text, index) =>
      ratedCall({
        recordId: `rid-${index}-${text}`,
        contractId: `C${index}`,
        number: `050${index}`,
        peer: text,
        rateId: index % 2 === 0 ? null : text,
        ratePrefix: index % 3 === 0 ? null : text,
        startMs: Date.UTC(2011, 3, 10, 0, 0, index),
        durationMs: index === 1 ? Number.MAX_SAFE_INTEGER : 61_000 + index,
        units: index,
        chargeScaled: index === 2 ? -123_456_789_012 : 1_000 * index,
        chargeRemainderParts: index === 3 ? 2 ** 32 + 7 : 0,
        chakuwariEligible: index % 2 === 1,
      }),
    );
    // Small batches: COPY chunks end inside a file, and the record_ids and calls orders differ from the file's.
    await applyCalls(store, 'awkward.csv', 'sha-awkward', [...calls].reverse(), { batch: 4 });
    const rows = await sql(
      database.url,
      `SELECT c.record_id, c.contract_id, c.month, c.line::text, c.number, c.peer, c.rate_id, c.rate_prefix, c.start_ms::text, c.duration_ms::text,
              c.units::text, c.charge_scaled::text, c.charge_remainder_parts::text, c.chakuwari_eligible, c.late, c.peer_is_number,
              (SELECT array_agg(r.bucket ORDER BY r.bucket) FROM record_ids r WHERE r.record_id = c.record_id AND r.line = c.line) AS buckets
         FROM calls c ORDER BY c.contract_id`,
    );
    const monthNumber = 2011 * 12 + 3;
    expect(rows).toEqual(
      calls
        .map((call, index) => ({
          record_id: call.recordId,
          contract_id: call.contractId,
          month: '2011-04',
          line: String(AWKWARD.length - index + 1),
          peer: call.peer,
          number: call.number,
          rate_id: call.rateId,
          rate_prefix: call.ratePrefix,
          start_ms: String(call.startMs),
          duration_ms: String(call.durationMs),
          units: String(call.units),
          charge_scaled: String(call.chargeScaled),
          charge_remainder_parts: String(call.chargeRemainderParts),
          chakuwari_eligible: call.chakuwariEligible,
          late: false,
          peer_is_number: true,
          buckets: [monthNumber, monthNumber + 1],
        }))
        .sort((a, b) => (a.contract_id < b.contract_id ? -1 : 1)),
    );
  });
});
