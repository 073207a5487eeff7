import { StoreFailedError } from '../errors';
import { storedInteger } from './rowChecks';

/** A whole number read back from a column: exact or refused, never rounded. */
describe('storedInteger', () => {
  test('reads a BIGINT as PostgreSQL returns it (decimal text) and a number as SQLite does', () => {
    expect(storedInteger('store', 'files.file_id', '42')).toBe(42);
    expect(storedInteger('store', 'files.file_id', '-7')).toBe(-7);
    expect(storedInteger('store', 'files.file_id', 9_007_199_254_740_991)).toBe(9_007_199_254_740_991);
    expect(storedInteger('store', 'files.file_id', '9007199254740991')).toBe(9_007_199_254_740_991);
  });

  test('refuses a value past 2^53 instead of rounding it, naming the store and the column', () => {
    expect(() => storedInteger('pg://meisai', 'files.file_id', '9007199254740993')).toThrow(StoreFailedError);
    expect(() => storedInteger('pg://meisai', 'files.file_id', '9007199254740993')).toThrow(
      /pg:\/\/meisai.*files\.file_id/,
    );
  });

  test('refuses text that is not a whole number, and a fraction', () => {
    for (const value of ['', '1.5', '1e3', ' 1', 'abc', 1.5, null, undefined])
      expect(() => storedInteger('store', 'line', value)).toThrow(StoreFailedError);
  });
});
