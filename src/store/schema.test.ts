import { StoreConfigurationError } from '../errors';
import { appliedVersion, pendingMigrations } from './schema';

const migrations = [
  { version: 1, description: 'calls' },
  { version: 2, description: 'totals' },
  { version: 3, description: 'revisions' },
];
const notAStore = (why: string): Error => new StoreConfigurationError(`x is not a meisai store: ${why}`);

describe('the schema version of a store, on either engine', () => {
  test('a store is at the newest migration it has applied', () => {
    expect(
      appliedVersion(
        'x',
        migrations,
        [
          { version: 1, description: 'calls' },
          { version: 2, description: 'totals' },
        ],
        notAStore,
      ),
    ).toBe(2);
    expect(appliedVersion('x', migrations, [], notAStore)).toBe(0);
  });

  test("a schema_migrations table whose descriptions or versions are not meisai's is not a store", () => {
    expect(() => appliedVersion('x', migrations, [{ version: 1, description: 'users' }], notAStore)).toThrow(
      /not a meisai store: its schema_migrations table is not meisai's/,
    );
    expect(() => appliedVersion('x', migrations, [{ version: '1', description: 'calls' }], notAStore)).toThrow(
      /not meisai's/,
    );
    expect(() => appliedVersion('x', migrations, [{ version: 1.5, description: 'calls' }], notAStore)).toThrow(
      /not meisai's/,
    );
  });

  test('a store written by a newer meisai is refused by reading and by migrating', () => {
    expect(() => appliedVersion('db', migrations, [{ version: 4, description: 'later' }], notAStore)).toThrow(
      'the store db has schema version 4, newer than this meisai knows (3)',
    );
    expect(() => pendingMigrations('db', migrations, [1, 2, 3, 4])).toThrow(StoreConfigurationError);
  });

  test('the pending migrations are the ones not applied, oldest first, even a skipped one', () => {
    expect(pendingMigrations('db', [...migrations].reverse(), [2]).map((migration) => migration.version)).toEqual([
      1, 3,
    ]);
    expect(pendingMigrations('db', migrations, [1, 2, 3])).toEqual([]);
  });
});
