import { OpenedStore, storeContract } from '../../test-support/storeContract';
import { sumsContract } from '../../test-support/sumsContract';
import { createTestDatabase, describePostgres } from '../../test-support/postgres';
import { PgStore } from './pgStore';

/** The shared store contract on a real PostgreSQL: a database of its own per test. */
describePostgres('PostgreSQL', () => {
  const openEmptyStore = async (): Promise<OpenedStore> => {
    const database = await createTestDatabase('contract');
    const store = await PgStore.open(database.url, 'create');
    return {
      store,
      async cleanUp() {
        await store.close();
        await database.drop();
      },
    };
  };
  storeContract('PostgreSQL', openEmptyStore);
  sumsContract('PostgreSQL', openEmptyStore);
});
