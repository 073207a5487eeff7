import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFileTransaction } from './sqliteFileTransaction';
import { SqliteStore } from './sqliteStore';
import { OpenedStore, storeContract } from '../../test-support/storeContract';
import { sumsContract } from '../../test-support/sumsContract';
import { allowanceContract } from '../../test-support/allowanceContract';
import { duplicateContract } from '../../test-support/duplicateContract';
import { parityContract } from '../../test-support/parityContract';
import { billingContract } from '../../test-support/billingContract';
import { listingsContract } from '../../test-support/listingsContract';
import { sameContractContract } from '../../test-support/sameContractContract';
import { removalContract } from '../../test-support/removalContract';

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

duplicateContract('SQLite', openEmptyStore, {
  async billAgain(opened, call, fileName, line) {
    // The engine's own writer, past the rule: what a store written before the rule may hold.
    const store = opened.store as SqliteStore;
    const { fileId } = store.db.prepare('SELECT file_id AS fileId FROM files WHERE name = ?').get(fileName) as {
      fileId: number;
    };
    store.db.exec('BEGIN IMMEDIATE');
    const transaction = new SqliteFileTransaction(store, fileId);
    await transaction.writeBatch({ calls: [{ call, line, late: false }], rejects: [], duplicates: [], skips: [] });
    transaction.flushIndexes();
    store.db.exec('COMMIT');
  },
});

parityContract(
  'SQLite',
  openEmptyStore,
  /^SQLite quick_check: ok \(pages, b-trees and records of the file are sound\)$/,
);

sumsContract('SQLite', openEmptyStore);
allowanceContract('SQLite', openEmptyStore);

billingContract('SQLite', openEmptyStore);
listingsContract('SQLite', openEmptyStore);
sameContractContract('SQLite', openEmptyStore);
removalContract('SQLite', openEmptyStore);
