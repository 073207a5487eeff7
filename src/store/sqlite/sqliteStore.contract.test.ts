import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqliteStore';
import { storeContract } from '../../test-support/storeContract';
import { parityContract } from '../../test-support/parityContract';

storeContract('SQLite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'meisai-sqlite-contract-'));
  const store = SqliteStore.open(join(directory, 'meisai.sqlite'), 'create');
  return {
    store,
    async cleanUp() {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

parityContract(
  'SQLite',
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'meisai-sqlite-parity-'));
    const store = SqliteStore.open(join(directory, 'meisai.sqlite'), 'create');
    return {
      store,
      async cleanUp() {
        await store.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
  /^SQLite quick_check: ok \(pages, b-trees and records of the file are sound\)$/,
);
