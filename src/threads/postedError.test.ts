import { ConfigurationError, MeisaiError, StoreFailedError, TotalsBoundError } from '../errors';
import { postedError, rebuiltError } from './postedError';

describe('an error posted from a worker thread', () => {
  test.each([
    [new StoreFailedError('the store is damaged'), StoreFailedError, 1],
    [new TotalsBoundError('past the bound'), TotalsBoundError, 1],
    [new ConfigurationError('no such month'), ConfigurationError, 2],
  ])('is rebuilt as the same MeisaiError: class, message and exit code (%s)', (error, kind, exitCode) => {
    const rebuilt = rebuiltError(structuredClone(postedError(error)));
    expect(rebuilt).toBeInstanceOf(kind);
    expect(rebuilt.constructor).toBe(error.constructor);
    expect(rebuilt.message).toBe(error.message);
    expect((rebuilt as MeisaiError).exitCode).toBe(exitCode);
  });

  test('keeps the code of a driver error (SQLite’s), which the store turns into its own message', () => {
    const error = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const rebuilt = rebuiltError(structuredClone(postedError(error)));
    expect(rebuilt).not.toBeInstanceOf(MeisaiError);
    expect(rebuilt).toMatchObject({ message: 'database disk image is malformed', code: 'SQLITE_CORRUPT' });
  });

  test('keeps the name of another error (a bug in the worker reads as the same bug here)', () => {
    const rebuilt = rebuiltError(structuredClone(postedError(new TypeError('x is not a function'))));
    expect(rebuilt).toMatchObject({ name: 'TypeError', message: 'x is not a function' });
    expect(rebuilt).not.toHaveProperty('code');
  });
});
