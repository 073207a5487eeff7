import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqliteStore';
import { storeContract } from '../../test-support/storeContract';
import { duplicateContract } from '../../test-support/duplicateContract';
import { recycleRejects } from '../../recycle/recycleRejects';

async function openEmptyStore() {
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
    const { fileId } = store.db.prepare('SELECT file_id AS fileId FROM files WHERE name = ?').get(fileName) as { fileId: number };
    store.db.exec('BEGIN IMMEDIATE');
    await store.appendCallsToFile(fileId, [{ call, line, late: false }]);
    store.db.exec('COMMIT');
  },
  recycle: (opened, reference) => recycleRejects(opened.store as SqliteStore, reference, { codes: ['NO_TARIFF'] }),
});
