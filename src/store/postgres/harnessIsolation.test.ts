import { Client } from 'pg';
import { describePostgres, useTestDatabase } from '../../test-support/postgres';

/**
 * Two test files (this one and harness.test.ts, which writes the same table) run in parallel workers, each with
 * a database of its own: each writes its marker and sees only its own.
 */
describePostgres('a database per test file', () => {
  const database = useTestDatabase('isolation');

  test('holds only what this file wrote', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE marker (file text)');
      await client.query('INSERT INTO marker VALUES ($1)', [__filename]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const rows = await client.query('SELECT file FROM marker');
      expect(rows.rows).toEqual([{ file: __filename }]);
    } finally {
      await client.end();
    }
  });
});
