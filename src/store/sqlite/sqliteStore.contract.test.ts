import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqliteStore';
import { OpenedStore, storeContract } from '../../test-support/storeContract';
import { sumsContract } from '../../test-support/sumsContract';

async function openEmptyStore(): Promise<OpenedStore> {
  const directory = mkdtempSync(join(tmpdir(), 'meisai-sqlite-contract-'));
  const store = SqliteStore.open(join(directory, 'meisai.sqlite'), 'create');
  return {
    store,
    async cleanUp() {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

storeContract('SQLite', openEmptyStore);
sumsContract('SQLite', openEmptyStore);
