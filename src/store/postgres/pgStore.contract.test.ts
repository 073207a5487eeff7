import { storeContract } from '../../test-support/storeContract';
import { createTestDatabase, describePostgres } from '../../test-support/postgres';
import { PgStore } from './pgStore';

/** The shared store contract on a real PostgreSQL: a database of its own per test. */
describePostgres('PostgreSQL', () => {
  storeContract('PostgreSQL', async () => {
    const database = await createTestDatabase('contract');
    const store = await PgStore.open(database.url, 'create');
    return {
      store,
      async cleanUp() {
        await store.close();
        await database.drop();
      },
    };
  });
});
