import { RunFailedError } from '../errors';
import { findingOnStoreFault } from './reconcileMonth';
import { information, makeCheck } from './report';

/** Which errors of a check are findings about the store, and which are bugs that end the run. */
describe('a reconcile check that throws', () => {
  const sqliteCorrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });

  test.each([
    [
      'a row no reader expects (a MeisaiError)',
      new RunFailedError('number_type_totals has a calls value "x"'),
      'the check could not read the store: number_type_totals has a calls value "x"',
    ],
    [
      'a damaged SQLite page',
      sqliteCorrupt,
      'the check could not read the store: SQLITE_CORRUPT: database disk image is malformed',
    ],
  ])('%s is a difference of that check', async (_kind, error, said) => {
    const check = await findingOnStoreFault('totals', 'totals from calls', () => Promise.reject(error));
    expect(check).toEqual({
      name: 'totals',
      title: 'totals from calls',
      ok: false,
      details: [{ kind: 'difference', message: said }],
    });
  });

  test.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'calls')")],
    ['a RangeError', new RangeError('Invalid array length')],
    [
      "an error with a code that is not SQLite's",
      Object.assign(new Error('bad argument'), { code: 'ERR_INVALID_ARG_TYPE' }),
    ],
  ])('%s is a bug: thrown on, not reported as a finding', async (_kind, error) => {
    await expect(findingOnStoreFault('totals', 'totals from calls', () => Promise.reject(error))).rejects.toBe(error);
  });

  test('a check that runs is returned as it is', async () => {
    const check = makeCheck('totals', 'totals from calls', [information('1 contract')]);
    await expect(findingOnStoreFault('totals', 'totals from calls', async () => check)).resolves.toBe(check);
  });
});
