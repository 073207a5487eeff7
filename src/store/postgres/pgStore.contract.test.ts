import { OpenedStore, storeContract } from '../../test-support/storeContract';
import { parityContract } from '../../test-support/parityContract';
import { createTestDatabase, describePostgres } from '../../test-support/postgres';
import { PgStore } from './pgStore';

/** A store in a database of its own per test. */
async function openEmptyStore(): Promise<OpenedStore> {
  const database = await createTestDatabase('contract');
  const store = await PgStore.open(database.url, 'create');
  return {
    store,
    async cleanUp() {
      await store.close();
      await database.drop();
    },
  };
}

/** The shared store contract and the parity contract on a real PostgreSQL. */
describePostgres('PostgreSQL', () => {
  storeContract('PostgreSQL', openEmptyStore);
  parityContract('PostgreSQL', openEmptyStore, /^PostgreSQL amcheck \(bt_index_check\) on \d+ indexes: ok \(the b-trees of the store are sound, and every stored call has its record_ids row\)$/);
});
