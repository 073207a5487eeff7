import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadReferenceData } from '../reference/referenceData';
import { PgStore } from '../store/postgres/pgStore';
import { describePostgres, useTestDatabase } from '../test-support/postgres';
import { csv } from '../test-support/tempStore';
import { ingestFiles } from './ingestRun';

/**
 * Consecutive deliveries often re-send each other's records: two workers applying neighbours at
 * once would meet at those record_ids, the second waiting for the first's commit. A worker takes
 * files apart from those another worker holds first, and the rest after; each is applied once.
 */
describePostgres('the order an inbox is taken in beside another worker', () => {
  const database = useTestDatabase('inbox-order');
  let directory: string;
  let stores: PgStore[];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'meisai-inbox-order-'));
    stores = await Promise.all([0, 1].map(() => PgStore.open(database.url, 'create')));
  });
  afterAll(async () => {
    await Promise.all((stores ?? []).map((store) => store.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  test('a file next to one another worker holds is left for later; the held one is waited for; each is applied once', async () => {
    const paths = ['a', 'b', 'c', 'd'].map((name, index) => {
      const path = join(directory, `${name}.csv`);
      writeFileSync(
        path,
        csv([`${name.toUpperCase()}1,N000000001,05012345678,out,0312345678,2011-04-1${index} 10:00:00,60`]),
      );
      return path;
    });
    const claim = await stores[0]!.claimFile('b.csv');
    const order: string[] = [];
    const run = await ingestFiles(stores[1]!, loadReferenceData(), paths, {}, undefined, {
      applied: (summary) => {
        order.push(basename(summary.file));
        // The other worker is done with b.csv only once a.csv is applied: b.csv is waited for.
        if (basename(summary.file) === 'a.csv') void claim!.release();
      },
    });
    // a.csv and c.csv are next to the held b.csv: d.csv goes first, then the rest in order.
    expect(order).toEqual(['d.csv', 'a.csv', 'b.csv', 'c.csv']);
    expect(run.summaries.map((summary) => summary.accepted)).toEqual([1, 1, 1, 1]);
  });
});
